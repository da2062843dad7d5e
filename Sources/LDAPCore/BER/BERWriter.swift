import NIOCore

/// Writes BER elements (X.690 §8) into a `ByteBuffer`, always with definite, minimal lengths
/// (the subset RFC 4511 §5.1 requires senders to use).
///
/// Constructed elements are written in one pass: a one-octet length is reserved, the contents
/// written after it, and the contents moved forward when the length needs the long form.
public struct BERWriter {
    public var buffer: ByteBuffer

    @inlinable public init(buffer: ByteBuffer) { self.buffer = buffer }

    @inlinable public init(allocator: ByteBufferAllocator = ByteBufferAllocator(), capacity: Int = 64) {
        self.buffer = allocator.buffer(capacity: capacity)
    }

    @inlinable
    mutating func writeHeader(_ tag: BERTag, length: Int) {
        buffer.writeInteger(tag.rawValue)
        writeLength(length)
    }

    @inlinable
    mutating func writeLength(_ length: Int) {
        if length < 0x80 {
            buffer.writeInteger(UInt8(length))
            return
        }
        let octets = Self.lengthOctets(length)
        buffer.writeInteger(UInt8(0x80 | octets))
        for i in stride(from: octets - 1, through: 0, by: -1) {
            buffer.writeInteger(UInt8(truncatingIfNeeded: length >> (8 * i)))
        }
    }

    @inlinable
    static func lengthOctets(_ length: Int) -> Int {
        var octets = 1
        while octets < 8 && length >> (8 * octets) != 0 { octets += 1 }
        return octets
    }

    /// Writes a constructed element whose contents `body` writes.
    @inlinable
    public mutating func writeConstructed<E: Error>(_ tag: BERTag, _ body: (inout BERWriter) throws(E) -> Void)
        throws(E)
    {
        buffer.writeInteger(tag.rawValue)
        let lengthIndex = buffer.writerIndex
        buffer.writeInteger(UInt8(0))
        let contentStart = buffer.writerIndex
        try body(&self)
        let length = buffer.writerIndex - contentStart
        if length < 0x80 {
            buffer.setInteger(UInt8(length), at: lengthIndex)
            return
        }
        let octets = Self.lengthOctets(length)
        // Grow by `octets`, then move the contents forward to make room for the long form.
        buffer.writeRepeatingByte(0, count: octets)
        let base = contentStart - buffer.readerIndex
        buffer.withUnsafeMutableReadableBytes { raw in
            let source = raw.baseAddress! + base
            (source + octets).copyMemory(from: source, byteCount: length)
        }
        buffer.setInteger(UInt8(0x80 | octets), at: lengthIndex)
        for i in 0..<octets {
            buffer.setInteger(UInt8(truncatingIfNeeded: length >> (8 * (octets - 1 - i))), at: lengthIndex + 1 + i)
        }
    }

    /// Writes an OCTET STRING (or an implicitly tagged one).
    @inlinable
    public mutating func writeOctetString(_ value: ByteBuffer, tag: BERTag = .octetString) {
        writeHeader(tag, length: value.readableBytes)
        var copy = value
        buffer.writeBuffer(&copy)
    }

    /// Writes an OCTET STRING from bytes.
    @inlinable
    public mutating func writeOctetString(bytes: some Collection<UInt8>, tag: BERTag = .octetString) {
        writeHeader(tag, length: bytes.count)
        buffer.writeBytes(bytes)
    }

    /// Writes an LDAPString / LDAPDN / LDAPOID as UTF-8 (RFC 4511 §4.1.2).
    @inlinable
    public mutating func writeString(_ value: String, tag: BERTag = .octetString) {
        var value = value
        value.withUTF8 { utf8 in
            writeHeader(tag, length: utf8.count)
            buffer.writeBytes(utf8)
        }
    }

    /// Writes an INTEGER in its minimal two's-complement form (X.690 §8.3).
    @inlinable
    public mutating func writeInteger(_ value: Int64, tag: BERTag = .integer) {
        var octets = 8
        while octets > 1 {
            let top = value >> (8 * (octets - 1) - 1)
            if top == 0 || top == -1 { octets -= 1 } else { break }
        }
        writeHeader(tag, length: octets)
        for i in stride(from: octets - 1, through: 0, by: -1) {
            buffer.writeInteger(UInt8(truncatingIfNeeded: value >> (8 * i)))
        }
    }

    /// Writes an ENUMERATED (X.690 §8.4).
    @inlinable
    public mutating func writeEnumerated(_ value: Int, tag: BERTag = .enumerated) {
        writeInteger(Int64(value), tag: tag)
    }

    /// Writes a BOOLEAN: TRUE as 0xFF (RFC 4511 §5.1), FALSE as 0x00.
    @inlinable
    public mutating func writeBoolean(_ value: Bool, tag: BERTag = .boolean) {
        writeHeader(tag, length: 1)
        buffer.writeInteger(value ? UInt8(0xFF) : 0)
    }

    /// Writes a NULL (X.690 §8.8).
    @inlinable
    public mutating func writeNull(tag: BERTag = .null) {
        writeHeader(tag, length: 0)
    }

    /// Writes bytes that are already a complete BER encoding.
    @inlinable
    public mutating func writeEncoded(_ element: ByteBuffer) {
        var copy = element
        buffer.writeBuffer(&copy)
    }
}
