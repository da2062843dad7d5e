import NIOCore
import Testing

@testable import LDAPCore

/// The BER form of search filters (RFC 4511 §4.5.1.7), against byte vectors computed by hand from
/// the ASN.1 of RFC 4511 §4.5.1 with its implicit context tags: and [0], or [1], not [2],
/// equalityMatch [3], substrings [4], greaterOrEqual [5], lessOrEqual [6], present [7] (primitive),
/// approxMatch [8], extensibleMatch [9]; inside SubstringFilter initial [0], any [1], final [2];
/// inside MatchingRuleAssertion matchingRule [1], type [2], matchValue [3], dnAttributes [4].
@Suite("Filter BER encoding")
struct FilterBERTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        var filter: String
        var hex: String
        var testDescription: String { filter }
    }

    static let vectors: [Vector] = [
        // a3 len { 04 02 "cn", 04 01 "a" }
        .init(filter: "(cn=a)", hex: "a3 07 04 02 63 6e 04 01 61"),
        .init(filter: "(cn>=a)", hex: "a5 07 04 02 63 6e 04 01 61"),
        .init(filter: "(cn<=a)", hex: "a6 07 04 02 63 6e 04 01 61"),
        .init(filter: "(cn~=a)", hex: "a8 07 04 02 63 6e 04 01 61"),
        .init(filter: "(cn=)", hex: "a3 06 04 02 63 6e 04 00"),
        .init(filter: #"(uid=\00\ff)"#, hex: "a3 09 04 03 75 69 64 04 02 00 ff"),
        // present [7] is the primitive attribute description itself.
        .init(filter: "(objectClass=*)", hex: "87 0b 6f 62 6a 65 63 74 43 6c 61 73 73"),
        .init(filter: "(&)", hex: "a0 00"),
        .init(filter: "(|)", hex: "a1 00"),
        .init(filter: "(!(cn=a))", hex: "a2 09 a3 07 04 02 63 6e 04 01 61"),
        .init(filter: "(&(cn=a)(sn=b))", hex: "a0 12 a3 07 04 02 63 6e 04 01 61 a3 07 04 02 73 6e 04 01 62"),
        .init(filter: "(|(cn=a)(!(sn=b)))", hex: "a1 14 a3 07 04 02 63 6e 04 01 61 a2 09 a3 07 04 02 73 6e 04 01 62"),
        // a4 len { 04 02 "cn", 30 len { 80 "a", 81 "b", 82 "c" } }
        .init(filter: "(cn=a*b*c)", hex: "a4 0f 04 02 63 6e 30 09 80 01 61 81 01 62 82 01 63"),
        .init(filter: "(cn=*b*)", hex: "a4 09 04 02 63 6e 30 03 81 01 62"),
        .init(filter: "(cn=a*)", hex: "a4 09 04 02 63 6e 30 03 80 01 61"),
        .init(filter: "(cn=*c)", hex: "a4 09 04 02 63 6e 30 03 82 01 63"),
        // a9 len { 81 "2.5.13.5", 82 "cn", 83 "John", 84 01 ff }
        .init(
            filter: "(cn:dn:2.5.13.5:=John)",
            hex: "a9 17 81 08 32 2e 35 2e 31 33 2e 35 82 02 63 6e 83 04 4a 6f 68 6e 84 01 ff"),
        .init(filter: "(:1.2.3:=x)", hex: "a9 0a 81 05 31 2e 32 2e 33 83 01 78"),
        .init(filter: "(cn:=x)", hex: "a9 07 82 02 63 6e 83 01 78"),
        .init(
            filter: "(groupType:1.2.840.113556.1.4.804:=2)",
            hex: """
                a9 26 81 16 31 2e 32 2e 38 34 30 2e 31 31 33 35 35 36 2e 31 2e 34 2e 38 30 34
                82 09 67 72 6f 75 70 54 79 70 65 83 01 32
                """),
        // Long-form lengths: 207 content octets, and 210 for the "and" around it.
        .init(
            filter: "(cn=" + String(repeating: "a", count: 200) + ")",
            hex: "a3 81 cf 04 02 63 6e 04 81 c8" + String(repeating: "61", count: 200)),
        .init(
            filter: "(&(cn=" + String(repeating: "a", count: 200) + "))",
            hex: "a0 81 d2 a3 81 cf 04 02 63 6e 04 81 c8" + String(repeating: "61", count: 200)),
    ]

    @Test("encodes to the bytes of RFC 4511 §4.5.1.7 and decodes them back", arguments: vectors)
    func vector(_ vector: Vector) throws {
        let filter = try Filter(parsing: vector.filter)
        var writer = BERWriter()
        filter.write(to: &writer)
        #expect(hexString(writer.buffer) == hexString(hexBuffer(vector.hex)))
        var reader = BERReader(hexBuffer(vector.hex))
        #expect(try Filter(from: &reader) == filter)
        #expect(reader.isAtEnd)
    }

    @Test("uses a three-octet length for a 70000-byte value")
    func longValue() throws {
        let filter = Filter.equalityMatch(
            AttributeValueAssertion(
                attributeDescription: "cn", assertionValue: ByteBuffer(repeating: 0x61, count: 70_000)))
        var writer = BERWriter()
        filter.write(to: &writer)
        // 4 + 5 + 70000 = 70009 = 0x011179 content octets.
        let header = writer.buffer.getSlice(at: writer.buffer.readerIndex, length: 14)!
        #expect(hexString(header) == hexString(hexBuffer("a3 83 01 11 79 04 02 63 6e 04 83 01 11 70")))
        #expect(writer.buffer.readableBytes == 5 + 70_009)
        var reader = BERReader(writer.buffer)
        #expect(try Filter(from: &reader) == filter)
    }

    static let everyChoice: [String] = [
        "(cn=a)", "(cn>=a)", "(cn<=a)", "(cn~=a)", "(cn=*)", "(cn=a*b*c)", "(cn=*b)", "(cn=a*)", "(cn=*b*c*)",
        "(cn:=a)", "(cn:dn:=a)", "(:1.2.3:=a)", "(:dn:1.2.3:=a)", "(cn:caseExactMatch:=a)",
        "(member:1.2.840.113556.1.4.1941:=CN=Jane,DC=y)", #"(objectGUID=\01\02\ff\00)"#, "(&)", "(|)",
        "(!(cn=a))", "(&(cn=a)(|(sn=b)(!(uid=c))))",
    ]

    @Test("decode(encode(f)) == f for every choice", arguments: everyChoice)
    func roundTrip(_ text: String) throws {
        let filter = try Filter(parsing: text)
        var writer = BERWriter()
        filter.write(to: &writer)
        var reader = BERReader(writer.buffer)
        #expect(try Filter(from: &reader) == filter)
        #expect(reader.isAtEnd)
    }

    @Test("reads one filter and leaves what follows it")
    func leavesFollowingBytes() throws {
        var reader = BERReader(hexBuffer("a3 07 04 02 63 6e 04 01 61  87 02 73 6e"))
        #expect(try Filter(from: &reader) == .equalityMatch(AttributeValueAssertion("cn", "a")))
        #expect(try Filter(from: &reader) == .present("sn"))
        #expect(reader.isAtEnd)
    }
}

/// Malformed BER filters are refused with the right kind of error, never a trap.
@Suite("Filter BER rejections")
struct FilterBERRejectionTests {
    struct Fixture: Sendable, CustomTestStringConvertible {
        var name: String
        var hex: String
        var kind: LDAPDecodingError.Kind
        var testDescription: String { name }
    }

    static let fixtures: [Fixture] = [
        .init(
            name: "substrings: final before any", hex: "a4 0c 04 02 63 6e 30 06 82 01 61 81 01 62", kind: .invalidValue),
        .init(
            name: "substrings: initial after any", hex: "a4 0c 04 02 63 6e 30 06 81 01 61 80 01 62", kind: .invalidValue
        ),
        .init(name: "substrings: two finals", hex: "a4 0c 04 02 63 6e 30 06 82 01 61 82 01 62", kind: .invalidValue),
        .init(name: "substrings: two initials", hex: "a4 0c 04 02 63 6e 30 06 80 01 61 80 01 62", kind: .invalidValue),
        .init(name: "substrings: unknown choice [3]", hex: "a4 09 04 02 63 6e 30 03 83 01 61", kind: .invalidValue),
        .init(name: "substrings: empty sequence", hex: "a4 06 04 02 63 6e 30 00", kind: .invalidValue),
        .init(name: "substrings: bytes after the sequence", hex: "a4 08 04 02 63 6e 30 00 04 00", kind: .trailingBytes),
        .init(name: "unknown choice [10]", hex: "aa 02 04 00", kind: .unexpectedTag),
        .init(name: "universal OCTET STRING as a filter", hex: "04 01 61", kind: .unexpectedTag),
        .init(name: "and with a primitive tag", hex: "80 00", kind: .unexpectedTag),
        .init(name: "present in the constructed form", hex: "a7 00", kind: .unexpectedTag),
        .init(name: "and holding a non-filter", hex: "a0 03 04 01 61", kind: .unexpectedTag),
        .init(name: "extensible match with neither rule nor type", hex: "a9 03 83 01 78", kind: .invalidValue),
        .init(name: "extensible match without a value", hex: "a9 04 82 02 63 6e", kind: .truncated),
        .init(
            name: "extensible match with a bad dnAttributes", hex: "a9 0b 82 02 63 6e 83 01 78 84 02 00 ff",
            kind: .invalidValue),
        .init(name: "not holding two filters", hex: "a2 0b a3 07 04 02 63 6e 04 01 61 04 00", kind: .trailingBytes),
        .init(name: "not holding nothing", hex: "a2 00", kind: .truncated),
        .init(name: "equality with a third element", hex: "a3 09 04 02 63 6e 04 01 61 04 00", kind: .trailingBytes),
        .init(name: "attribute description that is not UTF-8", hex: "87 02 c3 28", kind: .invalidValue),
        .init(name: "empty input", hex: "", kind: .truncated),
        .init(name: "tag only", hex: "a3", kind: .truncated),
        .init(name: "last byte missing", hex: "a3 07 04 02 63 6e 04 01", kind: .truncated),
        .init(name: "inner length overruns its parent", hex: "a3 07 04 02 63 6e 04 05 61 62", kind: .truncated),
        .init(name: "indefinite length", hex: "a0 80 00 00", kind: .invalidLength),
    ]

    @Test("refuses a malformed filter", arguments: fixtures)
    func rejects(_ fixture: Fixture) {
        var reader = BERReader(hexBuffer(fixture.hex))
        #expect {
            try Filter(from: &reader)
        } throws: { error in
            (error as? LDAPDecodingError)?.kind == fixture.kind
        }
    }

    /// `count` nested `not`s around `(cn=a)`, built from the inside out.
    static func nestedNots(_ count: Int) -> ByteBuffer {
        var bytes: [UInt8] = [0xA3, 0x07, 0x04, 0x02, 0x63, 0x6E, 0x04, 0x01, 0x61]
        for _ in 0..<count {
            precondition(bytes.count < 0x80, "short-form lengths only")
            bytes = [0xA2, UInt8(bytes.count)] + bytes
        }
        return ByteBuffer(bytes: bytes)
    }

    @Test("refuses 25 nested nots, and accepts exactly maxDepth filters on a path")
    func nesting() throws {
        var deep = BERReader(Self.nestedNots(25))
        #expect {
            try Filter(from: &deep)
        } throws: { error in
            (error as? LDAPDecodingError)?.kind == .nestingTooDeep
        }
        var limit = BERReader(Self.nestedNots(Filter.defaultMaxDepth - 1))
        #expect(throws: Never.self) { try Filter(from: &limit) }
        var over = BERReader(Self.nestedNots(Filter.defaultMaxDepth))
        #expect(throws: LDAPDecodingError.self) { try Filter(from: &over) }
        var custom = BERReader(Self.nestedNots(2))
        #expect(throws: Never.self) { try Filter(from: &custom, maxDepth: 3) }
    }
}

@Suite("Filter BER random round trips")
struct FilterBERRandomTests {
    @Test("2000 seeded random filters of depth up to 5 encode and decode back to themselves")
    func randomRoundTrips() throws {
        var generator = RandomFilterGenerator(seed: 0x4245_5246_494C_5452)
        for _ in 0..<2000 {
            let filter = generator.filter(depth: 5)
            var writer = BERWriter()
            filter.write(to: &writer)
            var reader = BERReader(writer.buffer)
            #expect(try Filter(from: &reader, maxDepth: 5) == filter, "\(filter)")
            #expect(reader.isAtEnd)
        }
    }
}
