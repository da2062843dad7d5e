/// A relative distinguished name (RFC 4514 §3 `relativeDistinguishedName`): one or more attribute types and values,
/// joined by `+` when there are several (a multi-valued RDN such as `cn=Alice+uid=alice`).
///
/// The attributes keep the order in which they were written; equality is exact. ``NormalizedDN`` compares
/// multi-valued RDNs without regard to order.
public struct RelativeDistinguishedName: Sendable, Hashable, CustomStringConvertible {
    /// The attribute types and values, never empty.
    public private(set) var attributes: [AttributeTypeAndValue]

    /// A single-valued RDN.
    public init(_ attribute: AttributeTypeAndValue) {
        self.attributes = [attribute]
    }

    /// A single-valued RDN with a string value, such as `RelativeDistinguishedName(type: "uid", value: userName)`.
    public init(type: String, value: String) {
        self.init(AttributeTypeAndValue(type: type, value: value))
    }

    /// An RDN of the given attributes, or nil if there are none: an RDN holds at least one (RFC 4514 §3).
    public init?(attributes: [AttributeTypeAndValue]) {
        guard !attributes.isEmpty else { return nil }
        self.attributes = attributes
    }

    /// For callers that have already checked that `attributes` is not empty.
    init(nonEmpty attributes: [AttributeTypeAndValue]) {
        self.attributes = attributes
    }

    /// Whether the RDN has more than one attribute.
    public var isMultiValued: Bool { attributes.count > 1 }

    /// The RFC 4514 §2.2 form: the attributes joined by `+`.
    public var description: String {
        var output: [UInt8] = []
        appendRFC4514(to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    func appendRFC4514(to output: inout [UInt8]) {
        for (index, attribute) in attributes.enumerated() {
            if index > 0 {
                output.append(DNSyntax.plus)
            }
            attribute.appendRFC4514(to: &output)
        }
    }
}
