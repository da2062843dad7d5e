import LDAPCore

/// A DN as one string in the canonical form of ``NormalizedDN`` (`uid=alice,ou=people,dc=example,dc=test`): equal
/// for DNs that name the same entry, and a fraction of the memory of a parsed DN, which matters with 100,000 users
/// in a cycle.
public struct EntryName: Hashable, Sendable, CustomStringConvertible {
    /// The normalised DN's RFC 4514 string.
    public let text: String

    public init(_ dn: DistinguishedName) {
        text = dn.normalized.description
    }

    /// The name of the DN `string`, or nil when it is not a DN.
    public init?(parsing string: String) {
        guard let dn = try? DistinguishedName(parsing: string) else { return nil }
        self.init(dn)
    }

    public var description: String { text }

    /// The DN again, for a search.
    public var distinguishedName: DistinguishedName? { try? DistinguishedName(parsing: text) }

    /// Whether this is `base` or below it: equal, or ending with `,` and `base` where that comma separates RDNs
    /// (an even number of backslashes before it; an escaped comma belongs to a value).
    public func isWithin(subtree base: EntryName) -> Bool {
        if base.text.isEmpty || text == base.text { return true }
        let name = text.utf8
        let suffix = base.text.utf8
        guard name.count > suffix.count + 1, name.reversed().starts(with: suffix.reversed()) else { return false }
        var index = name.index(name.endIndex, offsetBy: -(suffix.count + 1))
        guard name[index] == UInt8(ascii: ",") else { return false }
        var backslashes = 0
        while index > name.startIndex {
            index = name.index(before: index)
            guard name[index] == UInt8(ascii: "\\") else { break }
            backslashes += 1
        }
        return backslashes % 2 == 0
    }
}
