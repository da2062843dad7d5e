import LDAPCore
import NIOCore

/// Turns the inbound byte stream of an LDAP connection into `LDAPFrame`s (RFC 4511 §5.1),
/// enforcing the size and nesting limits before a message is buffered whole.
///
/// Use as `ByteToMessageHandler(LDAPFrameDecoder(limits:))`. A malformed or oversized message
/// is reported as an `LDAPDecodingError` through `errorCaught`; the connection's handler then
/// answers with a Notice of Disconnection (protocolError) and closes (RFC 4511 §4.4.1).
public struct LDAPFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = LDAPFrame

    public let parser: LDAPFrameParser

    public init(limits: LDAPFrameLimits = LDAPFrameLimits()) {
        self.parser = LDAPFrameParser(limits: limits)
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> LDAPFrame? {
        try parser.nextFrame(from: &buffer)
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> LDAPFrame? {
        try decode(buffer: &buffer)
    }
}

/// Writes `LDAPFrame`s (already encoded messages) to the wire.
public struct LDAPFrameEncoder: MessageToByteEncoder {
    public typealias OutboundIn = LDAPFrame

    public init() {}

    public func encode(data: LDAPFrame, out: inout ByteBuffer) {
        var bytes = data.bytes
        out.writeBuffer(&bytes)
    }
}
