import NIOCore

/// Reads BER elements (X.690 §8) from a slice of a `ByteBuffer`, with LDAP's restrictions
/// (RFC 4511 §5.1): definite lengths only, primitive/constructed form checked by exact tag,
/// minimal INTEGER encodings, and a nesting-depth limit.
///
/// Reading a constructed element returns a child reader over its contents only, so a length that
/// overruns its parent is caught as truncation, and `finish()` reports bytes left inside a
/// SEQUENCE. Values are returned as slices of the original buffer: no copy.
public struct BERReader {
    public var buffer: ByteBuffer
    /// How many constructed elements enclose this reader's contents.
    public let depth: Int
    public let maxDepth: Int

    /// The default maximum nesting depth of a message.
    public static let defaultMaxDepth = 32

    @inlinable public init(_ buffer: ByteBuffer, maxDepth: Int = BERReader.defaultMaxDepth) {
        self.buffer = buffer
        self.depth = 0
        self.maxDepth = maxDepth
    }

    @usableFromInline init(child buffer: ByteBuffer, depth: Int, maxDepth: Int) {
        self.buffer = buffer
        self.depth = depth
        self.maxDepth = maxDepth
    }

    @inlinable public var isAtEnd: Bool { buffer.readableBytes == 0 }

    /// The next identifier octet, if any.
    @inlinable public var nextTag: UInt8? { buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) }

    /// Reads one whole element of any tag; its contents are returned as a slice.
    @inlinable
    public mutating func readAnyElement(_ what: @autoclosure () -> String) throws(LDAPDecodingError) -> (
        tag: UInt8, contents: ByteBuffer
    ) {
        let end = buffer.writerIndex
        switch try BERHeader.peek(in: buffer, at: buffer.readerIndex, end: end) {
        case .needMoreBytes:
            throw .truncated(what())
        case .complete(let header):
            guard header.contentLength <= buffer.readableBytes - header.headerLength else {
                throw .truncated(what())
            }
            buffer.moveReaderIndex(forwardBy: header.headerLength)
            let contents = buffer.readSlice(length: header.contentLength)!
            return (header.tag, contents)
        }
    }

    /// Reads one element whose tag must be exactly `tag`.
    @inlinable
    public mutating func readElement(_ tag: BERTag, _ what: @autoclosure () -> String) throws(LDAPDecodingError)
        -> ByteBuffer
    {
        guard let found = nextTag else { throw .truncated(what()) }
        guard found == tag.rawValue else { throw .unexpectedTag(expected: tag, found: found, in: what()) }
        return try readAnyElement(what()).contents
    }

    /// Reads a constructed element (SEQUENCE, SET or a constructed tagged type) and returns a
    /// reader over its contents, one level deeper.
    @inlinable
    public mutating func readConstructed(_ tag: BERTag, _ what: @autoclosure () -> String) throws(LDAPDecodingError)
        -> BERReader
    {
        if depth + 1 > maxDepth { throw .nestingTooDeep(limit: maxDepth) }
        let contents = try readElement(tag, what())
        return BERReader(child: contents, depth: depth + 1, maxDepth: maxDepth)
    }

    /// Reads a constructed element whatever its tag (used for CHOICEs) and returns the tag and a
    /// reader over its contents.
    @inlinable
    public mutating func readAnyConstructed(_ what: @autoclosure () -> String) throws(LDAPDecodingError) -> (
        tag: UInt8, reader: BERReader
    ) {
        if depth + 1 > maxDepth { throw .nestingTooDeep(limit: maxDepth) }
        let (tag, contents) = try readAnyElement(what())
        return (tag, BERReader(child: contents, depth: depth + 1, maxDepth: maxDepth))
    }

    /// Reads an OCTET STRING (or an implicitly tagged one) as a slice.
    @inlinable
    public mutating func readOctetString(_ tag: BERTag, _ what: @autoclosure () -> String)
        throws(LDAPDecodingError) -> ByteBuffer
    {
        try readElement(tag, what())
    }

    /// Reads an LDAPString / LDAPOID / LDAPDN: an OCTET STRING holding UTF-8 (RFC 4511 §4.1.2).
    @inlinable
    public mutating func readString(_ tag: BERTag, _ what: @autoclosure () -> String)
        throws(LDAPDecodingError) -> String
    {
        let bytes = try readElement(tag, what())
        return try Self.utf8String(bytes, what())
    }

    @inlinable
    static func utf8String(_ bytes: ByteBuffer, _ what: @autoclosure () -> String) throws(LDAPDecodingError)
        -> String
    {
        let string = bytes.withUnsafeReadableBytes { String(validating: $0, as: UTF8.self) }
        guard let string else { throw .invalidValue("\(what()): not valid UTF-8 (RFC 4511 §4.1.2)") }
        return string
    }

    /// Reads an INTEGER (or ENUMERATED, or implicitly tagged INTEGER) into an `Int64`.
    ///
    /// X.690 §8.3.2: the encoding is minimal (the first nine bits are not all equal) and at least
    /// one octet long. Values that do not fit in 64 bits are rejected.
    @inlinable
    public mutating func readInteger(_ tag: BERTag, _ what: @autoclosure () -> String)
        throws(LDAPDecodingError) -> Int64
    {
        let bytes = try readElement(tag, what())
        return try Self.integerValue(bytes, what())
    }

    @inlinable
    static func integerValue(_ bytes: ByteBuffer, _ what: @autoclosure () -> String) throws(LDAPDecodingError)
        -> Int64
    {
        let count = bytes.readableBytes
        guard count > 0 else { throw .invalidValue("\(what()): INTEGER with no content octets") }
        guard count <= 8 else { throw .invalidValue("\(what()): INTEGER larger than 64 bits") }
        let start = bytes.readerIndex
        let first = bytes.getInteger(at: start, as: UInt8.self)!
        if count > 1 {
            let second = bytes.getInteger(at: start + 1, as: UInt8.self)!
            if (first == 0x00 && second & 0x80 == 0) || (first == 0xFF && second & 0x80 != 0) {
                throw .invalidValue("\(what()): INTEGER is not minimally encoded (X.690 §8.3.2)")
            }
        }
        var value = Int64(Int8(bitPattern: first))
        for i in 1..<count {
            value = (value << 8) | Int64(bytes.getInteger(at: start + i, as: UInt8.self)!)
        }
        return value
    }

    /// Reads an INTEGER that must lie in `range` (e.g. `0...maxInt` for a messageID).
    @inlinable
    public mutating func readInteger(
        _ tag: BERTag, in range: ClosedRange<Int64>, _ what: @autoclosure () -> String
    ) throws(LDAPDecodingError) -> Int64 {
        let value = try readInteger(tag, what())
        guard range.contains(value) else {
            throw .invalidValue("\(what()): \(value) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }

    /// Reads an ENUMERATED value (X.690 §8.4) as an `Int`.
    @inlinable
    public mutating func readEnumerated(_ tag: BERTag, _ what: @autoclosure () -> String)
        throws(LDAPDecodingError) -> Int
    {
        Int(try readInteger(tag, in: Int64(Int32.min)...Int64(Int32.max), what()))
    }

    /// Reads a BOOLEAN (X.690 §8.2): exactly one octet; zero is FALSE, anything else TRUE.
    @inlinable
    public mutating func readBoolean(_ tag: BERTag, _ what: @autoclosure () -> String)
        throws(LDAPDecodingError) -> Bool
    {
        let bytes = try readElement(tag, what())
        guard bytes.readableBytes == 1 else {
            throw .invalidValue("\(what()): BOOLEAN must have exactly one content octet")
        }
        return bytes.getInteger(at: bytes.readerIndex, as: UInt8.self)! != 0
    }

    /// Reads a NULL (X.690 §8.8): no content octets.
    @inlinable
    public mutating func readNull(_ tag: BERTag, _ what: @autoclosure () -> String) throws(LDAPDecodingError) {
        let bytes = try readElement(tag, what())
        guard bytes.readableBytes == 0 else { throw .invalidValue("\(what()): NULL must have no content octets") }
    }

    /// Reads the element only if its tag is `tag`; `nil` when the next element has another tag
    /// or there is none (OPTIONAL and DEFAULT components).
    @inlinable
    public mutating func readOptionalElement(_ tag: BERTag, _ what: @autoclosure () -> String)
        throws(LDAPDecodingError) -> ByteBuffer?
    {
        guard nextTag == tag.rawValue else { return nil }
        return try readElement(tag, what())
    }

    /// Throws when bytes are left: every SEQUENCE must be read to its end.
    @inlinable
    public func finish(_ what: @autoclosure () -> String) throws(LDAPDecodingError) {
        if buffer.readableBytes != 0 { throw .trailingBytes(buffer.readableBytes, in: what()) }
    }
}

// MARK: - Universal-tag shorthands

extension BERReader {
    /// Reads an OCTET STRING with its universal tag.
    @inlinable
    public mutating func readOctetString(_ what: @autoclosure () -> String) throws(LDAPDecodingError) -> ByteBuffer {
        try readElement(.octetString, what())
    }

    /// Reads an LDAPString with the universal OCTET STRING tag.
    @inlinable
    public mutating func readString(_ what: @autoclosure () -> String) throws(LDAPDecodingError) -> String {
        try readString(.octetString, what())
    }

    /// Reads an INTEGER with its universal tag.
    @inlinable
    public mutating func readInteger(_ what: @autoclosure () -> String) throws(LDAPDecodingError) -> Int64 {
        try readInteger(.integer, what())
    }

    /// Reads an INTEGER with its universal tag that must lie in `range`.
    @inlinable
    public mutating func readInteger(in range: ClosedRange<Int64>, _ what: @autoclosure () -> String)
        throws(LDAPDecodingError) -> Int64
    {
        try readInteger(.integer, in: range, what())
    }

    /// Reads an ENUMERATED with its universal tag.
    @inlinable
    public mutating func readEnumerated(_ what: @autoclosure () -> String) throws(LDAPDecodingError) -> Int {
        try readEnumerated(.enumerated, what())
    }

    /// Reads a BOOLEAN with its universal tag.
    @inlinable
    public mutating func readBoolean(_ what: @autoclosure () -> String) throws(LDAPDecodingError) -> Bool {
        try readBoolean(.boolean, what())
    }
}
