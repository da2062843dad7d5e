/// Why a string is not a valid search filter (RFC 4515 §3).
///
/// A struct wrapping a private code, so new kinds never break callers. `offset` is the index of
/// the offending byte in the filter's UTF-8 encoding (the length of the input when the input ended
/// too early). The message never quotes the input, which may hold names a log should not repeat.
public struct FilterParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The broad class of failure, stable for callers that branch on it.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private enum Code: Hashable, Sendable {
            case emptyFilter
            case unbalancedParentheses
            case unexpectedCharacter
            case missingAttribute
            case invalidAttributeDescription
            case missingFilterType
            case invalidEscape
            case unescapedCharacter
            case invalidSubstring
            case invalidExtensibleMatch
            case nestingTooDeep
            case trailingBytes
        }

        private let code: Code

        private init(_ code: Code) { self.code = code }

        /// The input is empty, or a filter is `()`.
        public static let emptyFilter = Kind(.emptyFilter)
        /// The input ended while a `(` was still open, or a `)` closes nothing.
        public static let unbalancedParentheses = Kind(.unbalancedParentheses)
        /// A byte the grammar does not allow at this place, e.g. `(&a=b)` or `(!(a=1)(b=2))`.
        public static let unexpectedCharacter = Kind(.unexpectedCharacter)
        /// A comparison with no attribute description before it, e.g. `(=x)`.
        public static let missingAttribute = Kind(.missingAttribute)
        /// The attribute description is not `attributetype *(";" option)` (RFC 4512 §2.5).
        public static let invalidAttributeDescription = Kind(.invalidAttributeDescription)
        /// An attribute description is not followed by `=`, `~=`, `>=`, `<=` or `:`.
        public static let missingFilterType = Kind(.missingFilterType)
        /// A `\` that is not followed by two hexadecimal digits (RFC 4515 §3).
        public static let invalidEscape = Kind(.invalidEscape)
        /// A value holds `(`, NUL, or `*` where no wildcard is allowed, without escaping it.
        public static let unescapedCharacter = Kind(.unescapedCharacter)
        /// A substring filter with an empty middle component, e.g. `(cn=a**b)`.
        public static let invalidSubstring = Kind(.invalidSubstring)
        /// An extensible match that is not `attr [:dn] [:rule] :=` or `[:dn] :rule :=`.
        public static let invalidExtensibleMatch = Kind(.invalidExtensibleMatch)
        /// `&`, `|` and `!` are nested deeper than the limit.
        public static let nestingTooDeep = Kind(.nestingTooDeep)
        /// Bytes follow the end of the filter.
        public static let trailingBytes = Kind(.trailingBytes)

        public var description: String {
            switch code {
            case .emptyFilter: "empty filter"
            case .unbalancedParentheses: "unbalanced parentheses"
            case .unexpectedCharacter: "unexpected character"
            case .missingAttribute: "missing attribute description"
            case .invalidAttributeDescription: "invalid attribute description"
            case .missingFilterType: "missing filter type"
            case .invalidEscape: "invalid escape"
            case .unescapedCharacter: "unescaped character in value"
            case .invalidSubstring: "invalid substring filter"
            case .invalidExtensibleMatch: "invalid extensible match"
            case .nestingTooDeep: "filter nested too deeply"
            case .trailingBytes: "trailing bytes"
            }
        }
    }

    public let kind: Kind
    /// Index of the offending byte in the UTF-8 encoding of the input.
    public let offset: Int
    /// What was expected, for humans.
    public let message: String

    init(_ kind: Kind, at offset: Int, _ message: String) {
        self.kind = kind
        self.offset = offset
        self.message = message
    }

    public var description: String { "invalid LDAP filter at byte \(offset) (\(kind)): \(message)" }
}

extension FilterParseError {
    @inline(never) static func emptyFilter(at offset: Int) -> Self {
        .init(.emptyFilter, at: offset, "a filter must contain a comparison or '&', '|' or '!'")
    }
    @inline(never) static func unclosed(openedAt open: Int, end: Int) -> Self {
        .init(.unbalancedParentheses, at: end, "input ended before the '(' at byte \(open) was closed")
    }
    @inline(never) static func unexpected(at offset: Int, expected: String) -> Self {
        .init(.unexpectedCharacter, at: offset, "expected \(expected)")
    }
    @inline(never) static func missingAttribute(at offset: Int) -> Self {
        .init(.missingAttribute, at: offset, "a comparison must start with an attribute description")
    }
    @inline(never) static func invalidAttribute(at offset: Int) -> Self {
        .init(
            .invalidAttributeDescription, at: offset,
            "an attribute description is a name (letter, then letters, digits, '-') or a numeric OID, "
                + "then ';option's (RFC 4512 §2.5)")
    }
    @inline(never) static func missingFilterType(at offset: Int) -> Self {
        .init(.missingFilterType, at: offset, "expected '=', '~=', '>=', '<=' or ':' after the attribute description")
    }
    @inline(never) static func invalidEscape(at offset: Int) -> Self {
        .init(.invalidEscape, at: offset, "'\\' must be followed by two hexadecimal digits (RFC 4515 §3)")
    }
    @inline(never) static func unescaped(_ name: String, at offset: Int, as escape: String) -> Self {
        .init(.unescapedCharacter, at: offset, "\(name) in a value must be written as \(escape) (RFC 4515 §3)")
    }
    @inline(never) static func emptySubstring(at offset: Int) -> Self {
        .init(.invalidSubstring, at: offset, "a substring filter must not have an empty component between two '*'")
    }
    @inline(never) static func invalidExtensible(at offset: Int, _ why: String) -> Self {
        .init(.invalidExtensibleMatch, at: offset, why)
    }
    @inline(never) static func nestingTooDeep(at offset: Int, limit: Int) -> Self {
        .init(.nestingTooDeep, at: offset, "filters are nested deeper than the limit of \(limit)")
    }
    @inline(never) static func trailingBytes(at offset: Int) -> Self {
        .init(.trailingBytes, at: offset, "unexpected bytes after the end of the filter")
    }
}
