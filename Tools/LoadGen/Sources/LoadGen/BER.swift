import NIOCore

/// The few BER encodings the generator needs (RFC 4511 section 4, X.690 basic encoding rules).
enum BER {
    /// The length octets of a definite-length encoding (X.690 8.1.3).
    static func length(_ count: Int) -> [UInt8] {
        if count < 0x80 { return [UInt8(count)] }
        if count <= 0xFF { return [0x81, UInt8(count)] }
        if count <= 0xFFFF { return [0x82, UInt8(count >> 8), UInt8(count & 0xFF)] }
        return [0x83, UInt8(count >> 16), UInt8((count >> 8) & 0xFF), UInt8(count & 0xFF)]
    }

    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        [tag] + length(content.count) + content
    }

    /// An LDAPMessage with a two-octet messageID (values 128...32767 always take two octets), so that
    /// the ID can be patched in place in a pre-encoded PDU. Returns the bytes and the ID's offset.
    static func message(_ protocolOp: [UInt8]) -> (bytes: [UInt8], idOffset: Int) {
        let content: [UInt8] = [0x02, 0x02, 0x00, 0x80] + protocolOp
        let header: [UInt8] = [0x30] + length(content.count)
        return (header + content, header.count + 2)
    }

    /// BindRequest ::= [APPLICATION 0] SEQUENCE { version 3, name LDAPDN, simple [0] password }
    /// (RFC 4511 section 4.2).
    static func simpleBind(dn: [UInt8], password: [UInt8]) -> (bytes: [UInt8], idOffset: Int) {
        message(tlv(0x60, [0x02, 0x01, 0x03] + tlv(0x04, dn) + tlv(0x80, password)))
    }

    /// ExtendedRequest for StartTLS, 1.3.6.1.4.1.1466.20037 (RFC 4511 section 4.14.1).
    static func startTLS() -> (bytes: [UInt8], idOffset: Int) {
        message(tlv(0x77, tlv(0x80, Array("1.3.6.1.4.1.1466.20037".utf8))))
    }

    /// UnbindRequest ::= [APPLICATION 2] NULL (RFC 4511 section 4.3).
    static let unbind: [UInt8] = message([0x42, 0x00]).bytes

    /// Writes `pdu` with `messageID` (128...32767) patched in.
    static func write(_ pdu: (bytes: [UInt8], idOffset: Int), id messageID: UInt16, into buffer: inout ByteBuffer) {
        let start = buffer.writerIndex
        buffer.writeBytes(pdu.bytes)
        buffer.setInteger(messageID, at: start + pdu.idOffset)
    }
}

/// What the generator reads of a response: its ID, the protocolOp's tag and the resultCode.
struct LDAPResponse {
    static let bindResponse: UInt8 = 0x61
    static let extendedResponse: UInt8 = 0x78

    var messageID: Int
    var op: UInt8
    var resultCode: Int
}

/// Cuts LDAPMessages out of the stream and reads the LDAPResult's resultCode (RFC 4511 section 4.1.9).
struct LDAPResponseDecoder: ByteToMessageDecoder {
    typealias InboundOut = LDAPResponse

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let total = Self.frameLength(buffer) else { return .needMoreData }
        guard buffer.readableBytes >= total else { return .needMoreData }
        var frame = buffer.readSlice(length: total)!
        context.fireChannelRead(wrapInboundOut(try Self.parse(&frame)))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    /// The whole frame's size, or nil while the header is incomplete.
    static func frameLength(_ buffer: ByteBuffer) -> Int? {
        let base = buffer.readerIndex
        guard buffer.readableBytes >= 2, let first = buffer.getInteger(at: base + 1, as: UInt8.self) else {
            return nil
        }
        if first < 0x80 { return 2 + Int(first) }
        let count = Int(first & 0x7F)
        guard count >= 1, count <= 4 else { return -1 }
        guard buffer.readableBytes >= 2 + count else { return nil }
        var length = 0
        for index in 0..<count {
            length = length << 8 | Int(buffer.getInteger(at: base + 2 + index, as: UInt8.self)!)
        }
        return 2 + count + length
    }

    struct Malformed: Error {}

    static func readHeader(_ frame: inout ByteBuffer) throws -> (tag: UInt8, length: Int) {
        guard let tag = frame.readInteger(as: UInt8.self), let first = frame.readInteger(as: UInt8.self) else {
            throw Malformed()
        }
        if first < 0x80 { return (tag, Int(first)) }
        var length = 0
        for _ in 0..<Int(first & 0x7F) {
            guard let byte = frame.readInteger(as: UInt8.self) else { throw Malformed() }
            length = length << 8 | Int(byte)
        }
        return (tag, length)
    }

    static func parse(_ frame: inout ByteBuffer) throws -> LDAPResponse {
        guard try readHeader(&frame).tag == 0x30 else { throw Malformed() }
        let id = try readHeader(&frame)
        guard id.tag == 0x02, id.length <= 4, let idBytes = frame.readBytes(length: id.length) else {
            throw Malformed()
        }
        let messageID = idBytes.reduce(0) { $0 << 8 | Int($1) }
        let op = try readHeader(&frame).tag
        let code = try readHeader(&frame)
        guard code.tag == 0x0A, code.length <= 4, let codeBytes = frame.readBytes(length: code.length) else {
            throw Malformed()
        }
        return LDAPResponse(messageID: messageID, op: op, resultCode: codeBytes.reduce(0) { $0 << 8 | Int($1) })
    }
}
