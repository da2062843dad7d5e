import NIOCore

/// `LDAPMessage ::= SEQUENCE { messageID, protocolOp, controls [0] Controls OPTIONAL }`
/// (RFC 4511 §4.1.1).
public struct LDAPMessage: Hashable, Sendable {
    /// 0...2^31-1 (RFC 4511 §4.1.1.1); 0 is reserved for unsolicited notifications.
    public var messageID: Int32
    public var protocolOp: ProtocolOp
    /// `nil` when the controls component is absent; an empty list when present but empty.
    public var controls: [LDAPControl]?

    public init(messageID: Int32, protocolOp: ProtocolOp, controls: [LDAPControl]? = nil) {
        self.messageID = messageID
        self.protocolOp = protocolOp
        self.controls = controls
    }

    /// Decodes exactly one message that fills `buffer` (bytes after it are an error).
    public init(decoding buffer: ByteBuffer, maxDepth: Int = BERReader.defaultMaxDepth) throws(LDAPDecodingError) {
        var reader = BERReader(buffer, maxDepth: maxDepth)
        try self.init(from: &reader)
        try reader.finish("LDAPMessage")
    }

    /// Reads one LDAPMessage element.
    public init(from reader: inout BERReader) throws(LDAPDecodingError) {
        var sequence = try reader.readConstructed(.sequence, "LDAPMessage")
        messageID = Int32(try sequence.readInteger(in: 0...Int64(Int32.max), "LDAPMessage.messageID"))
        protocolOp = try ProtocolOp(from: &sequence)
        if sequence.nextTag == 0xA0 {
            var list = try sequence.readConstructed(.contextConstructed(0), "LDAPMessage.controls")
            var controls: [LDAPControl] = []
            while !list.isAtEnd { controls.append(try LDAPControl(from: &list)) }
            self.controls = controls
        } else {
            controls = nil
        }
        try sequence.finish("LDAPMessage")
    }

    /// Writes this message's BER encoding.
    public func write(to writer: inout BERWriter) {
        writer.writeConstructed(.sequence) { w in
            w.writeInteger(Int64(messageID))
            protocolOp.write(to: &w)
            if let controls {
                w.writeConstructed(.contextConstructed(0)) { list in
                    for control in controls { control.write(to: &list) }
                }
            }
        }
    }

    /// This message's BER encoding in a new buffer.
    public func encoded(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var writer = BERWriter(allocator: allocator)
        write(to: &writer)
        return writer.buffer
    }

    /// The first control with `oid`, if any.
    public func control(_ oid: String) -> LDAPControl? {
        controls?.first { $0.oid == oid }
    }
}
