import NIOCore

/// A search filter (RFC 4511 §4.5.1.7).
///
/// Assertion values are kept as raw bytes: they are octet strings on the wire and may hold binary
/// data (an objectGUID, an objectSid) as well as text. `and`/`or` may be empty: the absolute true
/// and false filters of RFC 4526.
public indirect enum Filter: Hashable, Sendable {
    case and([Filter])
    case or([Filter])
    case not(Filter)
    case equalityMatch(AttributeValueAssertion)
    case substrings(SubstringFilter)
    case greaterOrEqual(AttributeValueAssertion)
    case lessOrEqual(AttributeValueAssertion)
    case present(String)
    case approxMatch(AttributeValueAssertion)
    case extensibleMatch(MatchingRuleAssertion)

    /// The default maximum nesting depth of `and`/`or`/`not`.
    public static let defaultMaxDepth = 20
}

/// `AttributeValueAssertion ::= SEQUENCE { attributeDesc, assertionValue }` (RFC 4511 §4.1.8).
public struct AttributeValueAssertion: Hashable, Sendable {
    public var attributeDescription: String
    public var assertionValue: ByteBuffer

    public init(attributeDescription: String, assertionValue: ByteBuffer) {
        self.attributeDescription = attributeDescription
        self.assertionValue = assertionValue
    }

    public init(_ attributeDescription: String, _ value: String) {
        self.init(attributeDescription: attributeDescription, assertionValue: ByteBuffer(string: value))
    }
}

/// `SubstringFilter` (RFC 4511 §4.5.1.7.2): at most one initial, any number of any, at most one
/// final, in that order, and at least one of them.
public struct SubstringFilter: Hashable, Sendable {
    public var attributeDescription: String
    public var initial: ByteBuffer?
    public var any: [ByteBuffer]
    public var final: ByteBuffer?

    public init(
        attributeDescription: String, initial: ByteBuffer? = nil, any: [ByteBuffer] = [], final: ByteBuffer? = nil
    ) {
        self.attributeDescription = attributeDescription
        self.initial = initial
        self.any = any
        self.final = final
    }
}

/// `MatchingRuleAssertion` (RFC 4511 §4.5.1.7.7), e.g. AD's
/// `(groupType:1.2.840.113556.1.4.804:=-2147483648)`.
public struct MatchingRuleAssertion: Hashable, Sendable {
    public var matchingRule: String?
    public var type: String?
    public var matchValue: ByteBuffer
    public var dnAttributes: Bool
    /// Whether the sender spelled out `dnAttributes FALSE` although it is the DEFAULT; kept so that
    /// re-encoding reproduces the original bytes.
    public var encodesDefaultDNAttributes: Bool = false

    public init(matchingRule: String? = nil, type: String? = nil, matchValue: ByteBuffer, dnAttributes: Bool = false) {
        self.matchingRule = matchingRule
        self.type = type
        self.matchValue = matchValue
        self.dnAttributes = dnAttributes
    }
}
