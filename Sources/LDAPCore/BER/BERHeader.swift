import NIOCore

/// The identifier and length octets of one BER element (X.690 §8.1.2-§8.1.3), read without
/// touching its contents.
///
/// RFC 4511 §5.1 restricts LDAP to the definite form of length; the long form may use up to
/// four length octets (so no element is larger than 2^32-1 bytes). The indefinite form (0x80),
/// the reserved value 0xFF and length fields of five or more octets are rejected.
public struct BERHeader: Hashable, Sendable {
    public var tag: UInt8
    /// Number of identifier and length octets.
    public var headerLength: Int
    /// Number of content octets.
    public var contentLength: Int

    @inlinable public init(tag: UInt8, headerLength: Int, contentLength: Int) {
        self.tag = tag
        self.headerLength = headerLength
        self.contentLength = contentLength
    }

    /// Identifier, length and contents together.
    @inlinable public var totalLength: Int { headerLength + contentLength }

    /// The outcome of looking at the bytes at some index.
    public enum Peek: Sendable {
        case complete(BERHeader)
        /// The identifier or length octets themselves are not all there yet.
        case needMoreBytes
    }

    /// Reads the header at `index` of `buffer` (an absolute index) without moving any index.
    @inlinable
    public static func peek(in buffer: ByteBuffer, at index: Int, end: Int) throws(LDAPDecodingError) -> Peek {
        guard index < end, let tag = buffer.getInteger(at: index, as: UInt8.self) else { return .needMoreBytes }
        if tag & 0x1F == 0x1F {
            throw .invalidValue("high-tag-number form is not used by LDAP (tag octet 0x\(hex(tag)))")
        }
        guard index + 1 < end, let first = buffer.getInteger(at: index + 1, as: UInt8.self) else {
            return .needMoreBytes
        }
        if first < 0x80 {
            return .complete(BERHeader(tag: tag, headerLength: 2, contentLength: Int(first)))
        }
        if first == 0x80 { throw .invalidLength("indefinite length is forbidden in LDAP (RFC 4511 §5.1)") }
        let octets = Int(first & 0x7F)
        if octets > 4 { throw .invalidLength("length field of \(octets) octets (at most 4 are allowed)") }
        guard index + 2 + octets <= end else { return .needMoreBytes }
        var length = 0
        for i in 0..<octets {
            length = (length << 8) | Int(buffer.getInteger(at: index + 2 + i, as: UInt8.self)!)
        }
        return .complete(BERHeader(tag: tag, headerLength: 2 + octets, contentLength: length))
    }
}
