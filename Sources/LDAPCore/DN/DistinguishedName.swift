/// A distinguished name (RFC 4514 §2, RFC 4512 §2.3), such as `uid=alice,ou=People,dc=example,dc=com`.
///
/// ``rdns`` are in string order: index 0 is the leftmost, most specific RDN; the last is the one nearest the root.
/// The root DN (the empty string) has no RDNs. Equality and hashing are exact, so `CN=A` and `cn=a` differ; compare
/// the way a directory does with ``isEquivalent(to:)``, ``isWithin(subtree:)`` or ``normalized``.
public struct DistinguishedName: Sendable, Hashable, CustomStringConvertible {
    /// The relative distinguished names, most specific first.
    public var rdns: [RelativeDistinguishedName]

    /// A DN of the given RDNs, most specific first.
    public init(rdns: [RelativeDistinguishedName]) {
        self.rdns = rdns
    }

    /// The root DN, written as the empty string (RFC 4514 §2.1). It contains every other DN.
    public static let root = DistinguishedName(rdns: [])

    /// Whether this is the root DN.
    public var isRoot: Bool { rdns.isEmpty }

    /// The DN with the leftmost RDN removed, or nil for the root DN.
    public var parent: DistinguishedName? {
        guard !rdns.isEmpty else { return nil }
        return DistinguishedName(rdns: Array(rdns.dropFirst()))
    }

    /// The DN of an entry directly below this one: `rdn` followed by this DN's RDNs.
    public func child(_ rdn: RelativeDistinguishedName) -> DistinguishedName {
        var rdns: [RelativeDistinguishedName] = []
        rdns.reserveCapacity(self.rdns.count + 1)
        rdns.append(rdn)
        rdns.append(contentsOf: self.rdns)
        return DistinguishedName(rdns: rdns)
    }

    /// The RFC 4514 §2 string form: the RDNs joined by `,`, values escaped as §2.4 requires, BER values as `#hex`.
    /// Parsing it gives back an equal DN.
    public var description: String {
        var output: [UInt8] = []
        for (index, rdn) in rdns.enumerated() {
            if index > 0 {
                output.append(DNSyntax.comma)
            }
            rdn.appendRFC4514(to: &output)
        }
        return String(decoding: output, as: UTF8.self)
    }
}

extension DistinguishedName {
    /// Whether the two DNs name the same entry under the matching rules of ``NormalizedDN``.
    public func isEquivalent(to other: DistinguishedName) -> Bool {
        rdns.count == other.rdns.count && normalized == other.normalized
    }

    /// Whether this DN is `base` or below it (the scope `wholeSubtree` of RFC 4511 §4.5.1.2), comparing RDN by RDN
    /// with the matching rules of ``NormalizedDN``. The root DN contains every DN.
    public func isWithin(subtree base: DistinguishedName) -> Bool {
        rdns.count >= base.rdns.count && normalized.isWithin(subtree: base.normalized)
    }

    /// Whether this DN is exactly one level below `other` (the scope `singleLevel` of RFC 4511 §4.5.1.2).
    public func isDirectChild(of other: DistinguishedName) -> Bool {
        rdns.count == other.rdns.count + 1 && normalized.isWithin(subtree: other.normalized)
    }
}
