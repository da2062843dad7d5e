/// Why a byte sequence is not a valid LDAP PDU.
///
/// A struct wrapping a private code, so new cases never break callers. Every failure of the
/// codec is one of these; the codec never traps on input. The text never contains the bytes of
/// the PDU (which may carry a password).
public struct LDAPDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The broad class of failure, stable for callers that branch on it.
    public enum Kind: Hashable, Sendable {
        /// More bytes were promised than were present.
        case truncated
        /// The length field is malformed or forbidden (indefinite, 5+ octets, reserved).
        case invalidLength
        /// An element has a tag other than the one the grammar expects here.
        case unexpectedTag
        /// A value is well-formed BER but not allowed by LDAP (range, encoding).
        case invalidValue
        /// Bytes are left over inside a SEQUENCE or after the message.
        case trailingBytes
        /// Elements are nested deeper than the configured limit.
        case nestingTooDeep
        /// The message is larger than the configured limit.
        case messageTooLarge
        /// The protocolOp tag names no LDAPv3 operation.
        case unknownOperation
    }

    public let kind: Kind
    public let message: String

    @usableFromInline init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "LDAP decoding error (\(kind)): \(message)" }

    @inline(never) @usableFromInline static func truncated(_ what: String) -> Self {
        .init(.truncated, "\(what): not enough bytes")
    }
    @inline(never) @usableFromInline static func invalidLength(_ why: String) -> Self {
        .init(.invalidLength, why)
    }
    @inline(never) @usableFromInline static func unexpectedTag(expected: BERTag, found: UInt8, in what: String) -> Self
    {
        if found & 0xDF == expected.rawValue & 0xDF {
            let form = found & 0x20 != 0 ? "constructed" : "primitive"
            return .init(.unexpectedTag, "\(what): \(expected) must not use the \(form) form")
        }
        return .init(.unexpectedTag, "\(what): expected \(expected), found \(BERTag(rawValue: found))")
    }
    @inline(never) @usableFromInline static func invalidValue(_ why: String) -> Self {
        .init(.invalidValue, why)
    }
    @inline(never) @usableFromInline static func trailingBytes(_ count: Int, in what: String) -> Self {
        .init(.trailingBytes, "\(what): \(count) unexpected trailing byte(s)")
    }
    @inline(never) @usableFromInline static func nestingTooDeep(limit: Int) -> Self {
        .init(.nestingTooDeep, "elements nested deeper than the limit of \(limit)")
    }
    @inline(never) @usableFromInline static func messageTooLarge(size: Int, limit: Int) -> Self {
        .init(.messageTooLarge, "message of \(size) bytes exceeds the limit of \(limit) bytes")
    }
    @inline(never) @usableFromInline static func unknownOperation(_ tag: UInt8) -> Self {
        .init(.unknownOperation, "unknown protocolOp \(BERTag(rawValue: tag))")
    }
}
