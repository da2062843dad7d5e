import NIOCore

/// One whole LDAPMessage as it arrived, with only its messageID and operation tag read.
///
/// The proxy relays operations it does not inspect as these original bytes (DESIGN.md decision 2)
/// and decodes fully only what it must (binds, StartTLS, policy lookups).
public struct LDAPFrame: Hashable, Sendable {
    public var messageID: Int32
    /// The protocolOp identifier octet (see `OperationTag`).
    public var operationTag: UInt8
    /// The complete BER encoding of the LDAPMessage.
    public var bytes: ByteBuffer

    public init(messageID: Int32, operationTag: UInt8, bytes: ByteBuffer) {
        self.messageID = messageID
        self.operationTag = operationTag
        self.bytes = bytes
    }

    /// Decodes the whole message.
    public func decode(maxDepth: Int = BERReader.defaultMaxDepth) throws(LDAPDecodingError) -> LDAPMessage {
        try LDAPMessage(decoding: bytes, maxDepth: maxDepth)
    }

    /// Builds a frame from a message (encoding it).
    public init(_ message: LDAPMessage, allocator: ByteBufferAllocator = ByteBufferAllocator()) {
        self.init(
            messageID: message.messageID, operationTag: message.protocolOp.tag,
            bytes: message.encoded(allocator: allocator))
    }
}

/// Limits a frame parser enforces before a message is allocated or decoded.
public struct LDAPFrameLimits: Hashable, Sendable {
    /// Largest whole message accepted, in bytes (default 1 MiB).
    public var maxMessageSize: Int
    /// Deepest nesting of constructed elements accepted (default 32).
    public var maxDepth: Int

    public init(maxMessageSize: Int = 1 << 20, maxDepth: Int = BERReader.defaultMaxDepth) {
        self.maxMessageSize = maxMessageSize
        self.maxDepth = maxDepth
    }
}
