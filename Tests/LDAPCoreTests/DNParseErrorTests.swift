import Testing

@testable import LDAPCore

/// Every class of malformed DN is rejected with the byte offset of the problem.
@Suite("Distinguished name rejections")
struct DistinguishedNameRejectionTests {
    struct Fixture: Sendable, CustomTestStringConvertible {
        var input: String
        var kind: DNParseError.Kind
        var offset: Int
        init(_ input: String, _ kind: DNParseError.Kind, at offset: Int) {
            self.input = input
            self.kind = kind
            self.offset = offset
        }
        var testDescription: String { "\(input.debugDescription) -> \(kind) at \(offset)" }
    }

    static let fixtures: [Fixture] = [
        .init("cn", .missingEquals, at: 2),
        .init("cn=a,dc", .missingEquals, at: 7),
        .init("c n=a", .missingEquals, at: 2),
        .init("cn;lang-en=a", .missingEquals, at: 2),
        .init("=a", .emptyAttributeType, at: 0),
        .init(",cn=a", .emptyAttributeType, at: 0),
        .init("cn=a,,dc=b", .emptyAttributeType, at: 5),
        .init("cn=a, =b", .emptyAttributeType, at: 6),
        .init("cn=a+=b", .emptyAttributeType, at: 5),
        .init("1cn=a", .invalidAttributeType, at: 0),
        .init("-cn=a", .invalidAttributeType, at: 0),
        .init("2.5..4=a", .invalidAttributeType, at: 0),
        .init("2.05.4.3=a", .invalidAttributeType, at: 0),
        .init("2.5.4.3.=a", .invalidAttributeType, at: 0),
        .init("OID.cn=a", .invalidAttributeType, at: 0),
        .init("cn=a,cn_x=b", .invalidAttributeType, at: 7),
        .init("cn=a,ü=b", .invalidAttributeType, at: 5),
        .init(#"\63n=a"#, .invalidAttributeType, at: 0),
        .init(#"cn=a\zz"#, .invalidEscape, at: 4),
        .init(#"cn=a\4g"#, .invalidEscape, at: 4),
        .init(#"cn=a\*"#, .invalidEscape, at: 4),
        .init(#"cn=a\"#, .unterminatedEscape, at: 4),
        .init(#"cn=a\4"#, .unterminatedEscape, at: 4),
        .init("cn=#", .invalidHexString, at: 4),
        .init("cn=#,dc=x", .invalidHexString, at: 4),
        .init("cn=#0", .invalidHexString, at: 5),
        .init("cn=#0g", .invalidHexString, at: 5),
        .init("cn=#04zz", .invalidHexString, at: 6),
        .init("cn=#04 x", .invalidHexString, at: 7),
        .init(#"cn=a"b"#, .unexpectedCharacter, at: 4),
        .init("cn=<a>", .unexpectedCharacter, at: 3),
        .init("cn=a>", .unexpectedCharacter, at: 4),
        .init("cn=a\u{0}", .unexpectedCharacter, at: 4),
        .init("cn=a,", .trailingSeparator, at: 4),
        .init("cn=a;", .trailingSeparator, at: 4),
        .init("cn=a+ ", .trailingSeparator, at: 4),
        .init("cn=a, dc=b,  ", .trailingSeparator, at: 10),
        .init(#"cn=\E4\B8"#, .invalidUTF8, at: 3),
        .init(#"cn=ok,dc=\C0\80"#, .invalidUTF8, at: 9),
        .init(#"cn=\ED\A0\80"#, .invalidUTF8, at: 3),
        .init(#"cn=\F4\90\80\80"#, .invalidUTF8, at: 3),
        .init(#"cn=中\B8"#, .invalidUTF8, at: 3),
    ]

    @Test("rejects a malformed DN and says where", arguments: fixtures)
    func rejects(fixture: Fixture) {
        let error = #expect(throws: DNParseError.self) { try DistinguishedName(parsing: fixture.input) }
        #expect(error?.kind == fixture.kind)
        #expect(error?.offset == fixture.offset)
        #expect(error?.description.contains("offset \(fixture.offset)") == true)
        #expect(error?.message.isEmpty == false)
    }

    @Test("rejects bytes that are not UTF-8")
    func rejectsInvalidUTF8Bytes() {
        let bytes: [UInt8] = [0x63, 0x6E, 0x3D, 0x61, 0xFF, 0x2C, 0x64, 0x63, 0x3D, 0x78]
        let error = #expect(throws: DNParseError.self) { try DistinguishedName(parsingUTF8: bytes) }
        #expect(error?.kind == .invalidUTF8)
        #expect(error?.offset == 3)
    }

    @Test("names the character at fault in the message without breaking the line")
    func messageNamesCharacter() {
        let quote = #expect(throws: DNParseError.self) { try DistinguishedName(parsing: #"cn=a"b"#) }
        #expect(quote?.message.contains(#"'"'"#) == true)
        let nul = #expect(throws: DNParseError.self) { try DistinguishedName(parsing: "cn=a\u{0}") }
        #expect(nul?.message.contains("0x00") == true)
        #expect(nul?.description.contains("\u{0}") == false)
    }

    @Test("keeps the message short when the attribute type is huge")
    func messageStaysShort() {
        let error = #expect(throws: DNParseError.self) {
            try DistinguishedName(parsing: String(repeating: "a", count: 65_536))
        }
        #expect(error?.kind == .missingEquals)
        #expect(error?.offset == 65_536)
        #expect((error?.message.utf8.count ?? .max) < 200)
    }
}
