/// A distinguished name in a canonical form, for comparing DNs the way a directory server does and for use as a
/// dictionary or set key (MFA exemption lists, per-DN state).
///
/// Two DNs that name the same entry have equal normalised forms. The rules:
/// - Attribute types are compared without regard to ASCII case (RFC 4512 §2.5), and the numeric OIDs and long
///   names of the core naming attributes map to their short names (RFC 4519): `2.5.4.3` and `commonName` are `cn`;
///   likewise `ou`, `o`, `dc`, `uid`, `c`, `l`, `st`, `street`. An `OID.` prefix was already dropped by the parser.
/// - String values are compared with `caseIgnoreMatch` semantics (RFC 4517 §4.2.11) as prepared by RFC 4518, in
///   part: TAB, LF, VT, FF and CR become spaces (§2.2), ASCII letters are folded to lower case, and insignificant
///   spaces are removed (§2.6.1: leading and trailing spaces dropped, inner runs collapsed to one space).
///   Non-ASCII characters are not case-folded, no NFKC normalisation is done and the other RFC 4518 mappings
///   (soft hyphen, zero-width characters) are not applied, so `É` and `é` differ here though a server may equate
///   them; Swift's `String` equality still treats canonically equivalent sequences (`é` precomposed or not) as
///   equal. The rule is applied to every attribute whatever its schema syntax (the naming attributes of RFC 4519
///   and Active Directory all match without regard to case).
/// - A `#hex` value whose BER encoding is a primitive OCTET STRING, UTF8String, PrintableString or IA5String
///   holding UTF-8 is compared as that string, so `cn=#04024869` is equivalent to `cn=Hi`. Other BER values are
///   compared byte for byte.
/// - The attributes of a multi-valued RDN are compared without regard to order (RFC 4512 §2.3.1).
public struct NormalizedDN: Sendable, Hashable, CustomStringConvertible {
    /// The normalised RDNs, most specific first; the attributes of each are sorted.
    public let rdns: [RelativeDistinguishedName]

    /// The normalised form of `dn`.
    public init(_ dn: DistinguishedName) {
        self.rdns = dn.rdns.map(DNNormalizer.normalize)
    }

    /// The root DN, which contains every DN.
    public static let root = NormalizedDN(.root)

    /// Whether this is the root DN.
    public var isRoot: Bool { rdns.isEmpty }

    /// The normalised DN as a ``DistinguishedName``.
    public var distinguishedName: DistinguishedName { DistinguishedName(rdns: rdns) }

    /// The RFC 4514 string of the normalised form, such as `cn=alice smith,ou=people,dc=example,dc=test`.
    public var description: String { distinguishedName.description }

    /// Whether this DN is `base` or below it, comparing RDN by RDN (never as strings, so `dc=ample,dc=test` does not
    /// contain `dc=example,dc=test`). The root DN contains every DN.
    public func isWithin(subtree base: NormalizedDN) -> Bool {
        guard rdns.count >= base.rdns.count else { return false }
        return rdns.suffix(base.rdns.count).elementsEqual(base.rdns)
    }

    /// Whether this DN is exactly one level below `other`.
    public func isDirectChild(of other: NormalizedDN) -> Bool {
        rdns.count == other.rdns.count + 1 && isWithin(subtree: other)
    }
}

extension DistinguishedName {
    /// The canonical form used by ``isEquivalent(to:)`` and ``isWithin(subtree:)``; see ``NormalizedDN``.
    public var normalized: NormalizedDN { NormalizedDN(self) }
}
