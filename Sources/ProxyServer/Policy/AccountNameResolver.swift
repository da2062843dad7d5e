import LDAPCore
import Upstream

/// Turns the name a client bound with into its directory entry, with the proxy's query identity:
/// a DN is read as it is; an Active Directory logon name (`DOMAIN\user`, a user principal name
/// `user@suffix`, or a bare `user`, [MS-ADTS] §5.1.1.1.1) is searched for under the base DN by
/// `sAMAccountName` or `userPrincipalName`. Policy (exemptions, groups) and the username for the
/// second factor then work on the entry, whatever form the client used.
public struct AccountNameResolver: Sendable {
    let directory: UpstreamDirectory

    public init(directory: UpstreamDirectory) {
        self.directory = directory
    }

    /// The entry's DN; `nil` when the name is neither a DN nor a logon name that matches exactly one entry.
    public func distinguishedName(for name: String) async -> DistinguishedName? {
        if let dn = try? DistinguishedName(parsing: name), !dn.isRoot { return dn }
        guard let entry = try? await search(name, attributes: ["1.1"]) else { return nil }
        return try? DistinguishedName(parsing: entry.objectName)
    }

    /// The entry with `attributes`; `nil` when none (or more than one) matches. Throws when the
    /// directory cannot be asked.
    public func entry(for name: String, attributes: [String]) async throws -> SearchResultEntry? {
        if let dn = try? DistinguishedName(parsing: name), !dn.isRoot {
            return try await directory.readEntry(dn.description, attributes: attributes)
        }
        return try await search(name, attributes: attributes)
    }

    /// The search filters for a logon name, tried in order: `DOMAIN\user` and `user` by
    /// sAMAccountName; a UPN by userPrincipalName, then (Active Directory's implicit UPN
    /// `sAMAccountName@dnsDomain`) by sAMAccountName.
    static func filters(for name: WindowsAccountName) -> [Filter] {
        let user: Filter = .equalityMatch(AttributeValueAssertion("objectClass", "user"))
        switch name.form {
        case .downLevel(_, let account), .user(let account):
            return [.and([user, .equalityMatch(AttributeValueAssertion("sAMAccountName", account))])]
        case .userPrincipalName(let account, let suffix):
            return [
                .and([user, .equalityMatch(AttributeValueAssertion("userPrincipalName", "\(account)@\(suffix)"))]),
                .and([user, .equalityMatch(AttributeValueAssertion("sAMAccountName", account))]),
            ]
        }
    }

    private func search(_ name: String, attributes: [String]) async throws -> SearchResultEntry? {
        guard let account = WindowsAccountName(parsing: name), !directory.settings.baseDN.isEmpty else { return nil }
        for filter in Self.filters(for: account) {
            let request = SearchRequest(
                baseObject: directory.settings.baseDN, scope: .wholeSubtree, derefAliases: .never, sizeLimit: 2,
                filter: filter, attributes: attributes.isEmpty ? ["1.1"] : attributes)
            let entries = try await directory.query(request).entries
            if entries.count == 1 { return entries[0] }
            if entries.count > 1 { return nil }  // ambiguous: no entry rather than the wrong one
        }
        return nil
    }
}
