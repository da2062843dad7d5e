/// Why a string is not a valid distinguished name (RFC 4514 §3).
///
/// A struct wrapping a private code, in the style of `NIOSSHError`: callers branch on ``kind``, and new kinds can
/// be added without breaking them. ``offset`` is the UTF-8 byte offset in the input where the problem was found;
/// ``message`` says what was wrong for humans. The parser never traps: every malformed input ends in one of these.
public struct DNParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of a ``DNParseError``, stable for callers that branch on it.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable, Hashable {
            case missingEquals
            case emptyAttributeType
            case invalidAttributeType
            case invalidEscape
            case unterminatedEscape
            case invalidHexString
            case unexpectedCharacter
            case trailingSeparator
            case invalidUTF8
        }

        private let code: Code

        private init(_ code: Code) {
            self.code = code
        }

        /// An attribute type is not followed by `=` (RFC 4514 §3 `attributeTypeAndValue`).
        public static let missingEquals = Kind(.missingEquals)
        /// An attribute type is empty, as in `=x` or `cn=a,,dc=b`.
        public static let emptyAttributeType = Kind(.emptyAttributeType)
        /// An attribute type is neither a descriptor nor a numeric OID (RFC 4512 §1.4), or holds a character that
        /// no attribute type may hold.
        public static let invalidAttributeType = Kind(.invalidAttributeType)
        /// A backslash is followed by neither a special character nor two hex digits (RFC 4514 §3 `pair`).
        public static let invalidEscape = Kind(.invalidEscape)
        /// The input ends inside an escape sequence.
        public static let unterminatedEscape = Kind(.unterminatedEscape)
        /// A `#` value is not one or more pairs of hex digits (RFC 4514 §3 `hexstring`).
        public static let invalidHexString = Kind(.invalidHexString)
        /// A value holds a character that must be escaped (RFC 4514 §2.4), such as `"`, `<`, `>` or NUL.
        public static let unexpectedCharacter = Kind(.unexpectedCharacter)
        /// The input ends right after a `,`, `;` or `+`.
        public static let trailingSeparator = Kind(.trailingSeparator)
        /// A value is not valid UTF-8 once its escapes are decoded (RFC 4514 §3).
        public static let invalidUTF8 = Kind(.invalidUTF8)

        public var description: String { code.rawValue }
    }

    /// The class of the problem.
    public let kind: Kind
    /// The UTF-8 byte offset in the input where the problem was found.
    public let offset: Int
    /// What was wrong, for humans.
    public let message: String

    private init(_ kind: Kind, at offset: Int, _ message: String) {
        self.kind = kind
        self.offset = offset
        self.message = message
    }

    public var description: String { "invalid distinguished name at byte offset \(offset): \(message)" }
}

// Cold-path constructors, kept out of line.
extension DNParseError {
    @inline(never) static func missingEquals(at offset: Int, after type: String) -> Self {
        .init(.missingEquals, at: offset, "expected '=' after attribute type \(quoted(type))")
    }

    @inline(never) static func emptyAttributeType(at offset: Int) -> Self {
        .init(.emptyAttributeType, at: offset, "empty attribute type")
    }

    @inline(never) static func invalidAttributeType(_ type: String, at offset: Int) -> Self {
        .init(.invalidAttributeType, at: offset, "\(quoted(type)) is neither a descriptor nor a numeric OID")
    }

    @inline(never) static func unexpectedCharacterInAttributeType(_ byte: UInt8, at offset: Int) -> Self {
        .init(.invalidAttributeType, at: offset, "unexpected character \(describe(byte)) in attribute type")
    }

    @inline(never) static func invalidEscape(_ byte: UInt8, at offset: Int) -> Self {
        .init(.invalidEscape, at: offset, "invalid escape: '\\' followed by \(describe(byte))")
    }

    @inline(never) static func unterminatedEscape(at offset: Int) -> Self {
        .init(.unterminatedEscape, at: offset, "escape sequence cut short by the end of the input")
    }

    @inline(never) static func invalidHexString(at offset: Int, _ why: String) -> Self {
        .init(.invalidHexString, at: offset, "invalid hex value: \(why)")
    }

    @inline(never) static func unexpectedCharacter(_ byte: UInt8, at offset: Int) -> Self {
        .init(.unexpectedCharacter, at: offset, "character \(describe(byte)) must be escaped in an attribute value")
    }

    @inline(never) static func trailingSeparator(_ byte: UInt8, at offset: Int) -> Self {
        .init(.trailingSeparator, at: offset, "separator \(describe(byte)) is not followed by an attribute")
    }

    @inline(never) static func invalidUTF8(at offset: Int) -> Self {
        .init(.invalidUTF8, at: offset, "attribute value is not valid UTF-8")
    }

    /// An attribute type for a message, cut short so that a huge input does not make a huge message.
    private static func quoted(_ type: String) -> String {
        type.utf8.count <= 64 ? "'\(type)'" : "'\(type.prefix(64))...'"
    }

    /// A byte for a message: printable ASCII in quotes, anything else as hex, so that messages stay on one line.
    private static func describe(_ byte: UInt8) -> String {
        if byte > 0x20, byte < 0x7F {
            return "'\(Character(Unicode.Scalar(byte)))'"
        }
        let hex = String(byte, radix: 16, uppercase: true)
        return byte < 0x10 ? "0x0\(hex)" : "0x\(hex)"
    }
}
