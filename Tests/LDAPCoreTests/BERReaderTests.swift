import NIOCore
import Testing

@testable import LDAPCore

@Suite("BER reader and writer")
struct BERReaderTests {
    @Test(
        "reads INTEGERs in their minimal forms",
        arguments: [
            ("020100", Int64(0)), ("02017f", 127), ("02020080", 128), ("020180", -128), ("0202ff7f", -129),
            ("02047fffffff", 2_147_483_647), ("020480000000", -2_147_483_648), ("02050080000000", 2_147_483_648),
            ("02087fffffffffffffff", Int64.max),
        ])
    func readsIntegers(hex: String, value: Int64) throws {
        var reader = BERReader(hexBuffer(hex))
        #expect(try reader.readInteger("test") == value)
        var writer = BERWriter()
        writer.writeInteger(value)
        #expect(hexString(writer.buffer) == hex)
    }

    @Test(
        "rejects non-minimal, empty and oversized INTEGERs",
        arguments: [
            "02020001", "0202ffff", "0200", "0209008000000000000000",
        ])
    func rejectsBadIntegers(hex: String) {
        var reader = BERReader(hexBuffer(hex))
        #expect(throws: LDAPDecodingError.self) { try reader.readInteger("test") }
    }

    @Test("checks an INTEGER's range")
    func checksRange() {
        var reader = BERReader(hexBuffer("0201ff"))
        let error = #expect(throws: LDAPDecodingError.self) { try reader.readInteger(in: 0...127, "messageID") }
        #expect(error?.kind == .invalidValue)
    }

    @Test(
        "accepts long-form lengths of 1 to 4 octets, even non-minimal ones",
        arguments: [
            "048103616263", "04820003616263", "0483000003616263", "048400000003616263",
        ])
    func acceptsLongForms(hex: String) throws {
        var reader = BERReader(hexBuffer(hex))
        let value = try reader.readOctetString("test")
        #expect(value == ByteBuffer(string: "abc"))
        #expect(reader.isAtEnd)
    }

    @Test("rejects indefinite, 5-octet and reserved lengths", arguments: ["0480616263", "0485000000000361", "04ff"])
    func rejectsForbiddenLengths(hex: String) {
        var reader = BERReader(hexBuffer(hex))
        let error = #expect(throws: LDAPDecodingError.self) { try reader.readOctetString("test") }
        #expect(error?.kind == .invalidLength)
    }

    @Test("reports a length longer than the data as truncation")
    func lengthBeyondData() {
        var reader = BERReader(hexBuffer("040561"))
        let error = #expect(throws: LDAPDecodingError.self) { try reader.readOctetString("test") }
        #expect(error?.kind == .truncated)
    }

    @Test("rejects the constructed form of an OCTET STRING")
    func rejectsConstructedOctetString() {
        var reader = BERReader(hexBuffer("2403040161"))
        let error = #expect(throws: LDAPDecodingError.self) { try reader.readOctetString("test") }
        #expect(error?.kind == .unexpectedTag)
        #expect(error?.message.contains("constructed") == true)
    }

    @Test("rejects the high-tag-number form")
    func rejectsHighTagNumber() {
        var reader = BERReader(hexBuffer("1f2001ff"))
        #expect(throws: LDAPDecodingError.self) { try reader.readAnyElement("test") }
    }

    @Test("reads BOOLEANs and refuses wrong sizes")
    func booleans() throws {
        var reader = BERReader(hexBuffer("0101ff010100010101"))
        #expect(try reader.readBoolean("a") == true)
        #expect(try reader.readBoolean("b") == false)
        #expect(try reader.readBoolean("c") == true)
        var bad = BERReader(hexBuffer("01020000"))
        #expect(throws: LDAPDecodingError.self) { try bad.readBoolean("d") }
        var empty = BERReader(hexBuffer("0100"))
        #expect(throws: LDAPDecodingError.self) { try empty.readBoolean("e") }
    }

    @Test("refuses nesting beyond the reader's limit")
    func nestingLimit() throws {
        // Three SEQUENCEs inside each other with a limit of 2.
        var reader = BERReader(hexBuffer("3004 3002 3000"), maxDepth: 2)
        var first = try reader.readConstructed(.sequence, "1")
        var second = try first.readConstructed(.sequence, "2")
        let error = #expect(throws: LDAPDecodingError.self) { try second.readConstructed(.sequence, "3") }
        #expect(error?.kind == .nestingTooDeep)
    }

    @Test("reports bytes left inside a SEQUENCE")
    func trailingBytes() throws {
        var reader = BERReader(hexBuffer("3005 020101 0500"))
        var sequence = try reader.readConstructed(.sequence, "seq")
        _ = try sequence.readInteger("int")
        let error = #expect(throws: LDAPDecodingError.self) { try sequence.finish("seq") }
        #expect(error?.kind == .trailingBytes)
    }

    @Test(
        "writes long-form lengths for constructed elements of every size",
        arguments: [0, 1, 127, 128, 255, 256, 70_000])
    func writesConstructedLengths(size: Int) throws {
        var writer = BERWriter()
        writer.writeConstructed(.sequence) { w in
            w.writeOctetString(bytes: [UInt8](repeating: 0x41, count: size))
        }
        var reader = BERReader(writer.buffer)
        var sequence = try reader.readConstructed(.sequence, "outer")
        let inner = try sequence.readOctetString("inner")
        #expect(inner.readableBytes == size)
        #expect(inner.readableBytesView.allSatisfy { $0 == 0x41 })
        #expect(reader.isAtEnd)
        try sequence.finish("outer")
    }

    @Test("rejects invalid UTF-8 in an LDAPString")
    func rejectsInvalidUTF8() {
        var reader = BERReader(hexBuffer("0402c328"))
        let error = #expect(throws: LDAPDecodingError.self) { try reader.readString("name") }
        #expect(error?.kind == .invalidValue)
    }
}
