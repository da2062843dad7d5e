/// An LDAP URL (RFC 4516 §2) as it appears in referrals and continuation references (RFC 4511
/// §4.1.10, §4.5.3): `ldap[s]://host[:port]/dn?attributes?scope?filter?extensions`. Only what
/// chasing needs is kept: scheme, host, port, the DN and the scope; the DN is percent-decoded
/// (RFC 3986 §2.1). A URL without a host, or with an IPv6 literal, is not accepted.
public struct LDAPURL: Sendable, Hashable {
    public var isLDAPS: Bool
    public var host: String
    public var port: Int
    /// The distinguished name of the URL, decoded; empty when the URL has none.
    public var dn: String
    /// The scope the URL names, if any (RFC 4516 §2: `base`, `one`, `sub`).
    public var scope: SearchRequest.Scope?

    public init?(_ text: String) {
        let lowered = text.lowercased()
        let rest: Substring
        if lowered.hasPrefix("ldap://") {
            (isLDAPS, rest) = (false, text.dropFirst("ldap://".count))
        } else if lowered.hasPrefix("ldaps://") {
            (isLDAPS, rest) = (true, text.dropFirst("ldaps://".count))
        } else {
            return nil
        }
        let hostPort = rest.prefix { $0 != "/" && $0 != "?" }
        guard !hostPort.isEmpty, !hostPort.hasPrefix("[") else { return nil }
        let parts = hostPort.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        host = String(parts[0])
        guard !host.isEmpty else { return nil }
        if parts.count == 2 {
            guard let port = Int(parts[1]), (1...65535).contains(port) else { return nil }
            self.port = port
        } else {
            port = isLDAPS ? 636 : 389
        }
        var path = rest.dropFirst(hostPort.count)
        if path.first == "/" { path = path.dropFirst() }
        let fields = path.split(separator: "?", omittingEmptySubsequences: false)
        guard let decoded = Self.percentDecoded(fields.first ?? "") else { return nil }
        dn = decoded
        scope = nil
        if fields.count > 2 {
            switch fields[2].lowercased() {
            case "": scope = nil
            case "base": scope = .baseObject
            case "one": scope = .singleLevel
            case "sub": scope = .wholeSubtree
            default: return nil
            }
        }
    }

    /// `%XX` escapes decoded as UTF-8; `nil` for a broken escape or invalid UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                let first = utf8.index(after: index)
                guard first != utf8.endIndex else { return nil }
                let second = utf8.index(after: first)
                guard second != utf8.endIndex, let high = hexValue(utf8[first]), let low = hexValue(utf8[second])
                else { return nil }
                bytes.append(high << 4 | low)
                index = utf8.index(after: second)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
