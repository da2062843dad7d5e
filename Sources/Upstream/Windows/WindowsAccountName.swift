/// The name a client gave in its bind, in one of the forms Active Directory accepts for a
/// logon ([MS-ADTS] §5.1.1.1.1): `DOMAIN\user` (down-level logon name), `user@suffix` (user
/// principal name) or a bare `user`. A DN is none of these: resolve it to one first (see
/// `WindowsBindSettings.resolvePrincipal`).
public struct WindowsAccountName: Sendable, Hashable, CustomStringConvertible {
    public enum Form: Sendable, Hashable {
        /// `EXAMPLE\alice`: NetBIOS domain name and sAMAccountName.
        case downLevel(domain: String, user: String)
        /// `alice@example.test`: a userPrincipalName (its suffix need not be the realm).
        case userPrincipalName(user: String, suffix: String)
        /// `alice`: a sAMAccountName in the configured default domain.
        case user(String)
    }

    public var form: Form

    public init(_ form: Form) { self.form = form }

    /// Parses a bind name; `nil` when it is empty, a DN, or malformed (`a\b\c`, `@x`, `x@`).
    public init?(parsing name: String) {
        guard !name.isEmpty, !Self.looksLikeDN(name) else { return nil }
        if let slash = name.firstIndex(of: "\\") {
            let domain = String(name[..<slash])
            let user = String(name[name.index(after: slash)...])
            guard !domain.isEmpty, !user.isEmpty, !user.contains("\\"), !domain.contains("@") else { return nil }
            form = .downLevel(domain: domain, user: user)
        } else if let at = name.lastIndex(of: "@") {
            let user = String(name[..<at])
            let suffix = String(name[name.index(after: at)...])
            guard !user.isEmpty, !suffix.isEmpty else { return nil }
            form = .userPrincipalName(user: user, suffix: suffix)
        } else {
            form = .user(name)
        }
    }

    /// The account part alone (sAMAccountName or the UPN's user part).
    public var user: String {
        switch form {
        case .downLevel(_, let user), .userPrincipalName(let user, _), .user(let user): user
        }
    }

    public var description: String {
        switch form {
        case .downLevel(let domain, let user): "\(domain)\\\(user)"
        case .userPrincipalName(let user, let suffix): "\(user)@\(suffix)"
        case .user(let user): user
        }
    }

    /// `CN=...,DC=...`: an attribute type, `=`, before any `\` or `@`.
    public static func looksLikeDN(_ name: String) -> Bool {
        guard let equals = name.firstIndex(of: "=") else { return false }
        let head = name[..<equals]
        return !head.isEmpty && !head.contains("\\") && !head.contains("@")
            && head.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == " " }
    }
}
