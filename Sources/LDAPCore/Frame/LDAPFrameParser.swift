import NIOCore

/// Splits a byte stream into LDAP messages (RFC 4511 §5.1: each LDAPMessage is one BER
/// SEQUENCE with a definite length), without decoding their bodies.
///
/// Before a message is taken from the buffer its size is checked against the limit from the
/// length octets alone (so an oversized message is refused before its bytes are awaited or
/// allocated), then its element structure is walked once, without allocating, to check that
/// every constructed element is exactly filled by its children and that nesting stays within
/// the limit. A frame it returns therefore never makes a later decode exceed those limits.
public struct LDAPFrameParser: Sendable {
    public var limits: LDAPFrameLimits

    public init(limits: LDAPFrameLimits = LDAPFrameLimits()) { self.limits = limits }

    /// Takes the next whole message from the front of `buffer`; `nil` when more bytes are
    /// needed (the buffer is then left as it was). On error the stream cannot be resynchronised
    /// and the connection should be closed.
    public func nextFrame(from buffer: inout ByteBuffer) throws(LDAPDecodingError) -> LDAPFrame? {
        let start = buffer.readerIndex
        let header: BERHeader
        switch try BERHeader.peek(in: buffer, at: start, end: buffer.writerIndex) {
        case .needMoreBytes: return nil
        case .complete(let h): header = h
        }
        guard header.tag == BERTag.sequence.rawValue else {
            throw .unexpectedTag(expected: .sequence, found: header.tag, in: "LDAPMessage")
        }
        guard header.totalLength <= limits.maxMessageSize else {
            throw .messageTooLarge(size: header.totalLength, limit: limits.maxMessageSize)
        }
        guard buffer.readableBytes >= header.totalLength else { return nil }
        let (messageID, tag) = try Self.inspect(
            buffer, contentStart: start + header.headerLength, contentEnd: start + header.totalLength,
            maxDepth: limits.maxDepth)
        let bytes = buffer.readSlice(length: header.totalLength)!
        return LDAPFrame(messageID: messageID, operationTag: tag, bytes: bytes)
    }

    /// Reads messageID and protocolOp tag and validates the structure of the message contents.
    static func inspect(_ buffer: ByteBuffer, contentStart: Int, contentEnd: Int, maxDepth: Int)
        throws(LDAPDecodingError) -> (Int32, UInt8)
    {
        guard case .complete(let idHeader) = try BERHeader.peek(in: buffer, at: contentStart, end: contentEnd) else {
            throw .truncated("LDAPMessage.messageID")
        }
        guard idHeader.tag == BERTag.integer.rawValue else {
            throw .unexpectedTag(expected: .integer, found: idHeader.tag, in: "LDAPMessage.messageID")
        }
        guard contentStart + idHeader.totalLength <= contentEnd else { throw .truncated("LDAPMessage.messageID") }
        let idBytes = buffer.getSlice(at: contentStart + idHeader.headerLength, length: idHeader.contentLength)!
        let id = try BERReader.integerValue(idBytes, "LDAPMessage.messageID")
        guard (0...Int64(Int32.max)).contains(id) else {
            throw .invalidValue("LDAPMessage.messageID: \(id) is outside 0...2147483647")
        }
        let opStart = contentStart + idHeader.totalLength
        guard opStart < contentEnd, let tag = buffer.getInteger(at: opStart, as: UInt8.self) else {
            throw .truncated("LDAPMessage.protocolOp")
        }
        guard OperationTag.isRequest(tag) || OperationTag.isResponse(tag) else {
            throw OperationTag.unknownOperationError(tag)
        }
        try walk(buffer, from: opStart, to: contentEnd, depth: 1, maxDepth: maxDepth)
        return (Int32(id), tag)
    }

    /// Checks that the elements between `from` and `to` exactly fill that range, recursing into
    /// constructed elements up to `maxDepth`.
    static func walk(_ buffer: ByteBuffer, from: Int, to end: Int, depth: Int, maxDepth: Int)
        throws(LDAPDecodingError)
    {
        var index = from
        while index < end {
            guard case .complete(let header) = try BERHeader.peek(in: buffer, at: index, end: end) else {
                throw .truncated("element header")
            }
            guard header.contentLength <= end - index - header.headerLength else { throw .truncated("element") }
            if header.tag & 0x20 != 0 {
                guard depth + 1 <= maxDepth else { throw .nestingTooDeep(limit: maxDepth) }
                let contentStart = index + header.headerLength
                try walk(
                    buffer, from: contentStart, to: contentStart + header.contentLength, depth: depth + 1,
                    maxDepth: maxDepth)
            }
            index += header.totalLength
        }
    }
}
