import Testing

@testable import LDAPCore

/// Parsing and writing out DNs (RFC 4514 §2, §3): structure, escaping and round trips.
@Suite("Distinguished name parsing and string form")
struct DistinguishedNameTests {
    struct EscapeFixture: Sendable, CustomTestStringConvertible {
        var input: String
        var value: String
        var description: String
        var testDescription: String { input }
    }

    static let escapeFixtures: [EscapeFixture] = [
        .init(input: #"cn=Smith\, John"#, value: "Smith, John", description: #"cn=Smith\, John"#),
        .init(input: ##"cn=\#hash"##, value: "#hash", description: ##"cn=\#hash"##),
        .init(input: #"cn=\ lead"#, value: " lead", description: #"cn=\ lead"#),
        .init(input: #"cn=trail\ "#, value: "trail ", description: #"cn=trail\ "#),
        .init(input: #"cn=\E4\B8\AD"#, value: "中", description: "cn=中"),
        .init(input: #"CN=Lu\C4\8Di\C4\87"#, value: "Lučić", description: "CN=Lučić"),
        .init(input: #"cn=\4a\6F"#, value: "Jo", description: "cn=Jo"),
        .init(
            input: #"cn=a\+b\;c\<d\>e\"f\\g\=h"#,
            value: #"a+b;c<d>e"f\g=h"#,
            description: #"cn=a\+b\;c\<d\>e\"f\\g=h"#
        ),
        .init(input: #"cn=\00"#, value: "\u{0}", description: #"cn=\00"#),
        .init(input: #"CN=Before\0dAfter"#, value: "Before\rAfter", description: #"CN=Before\0DAfter"#),
        .init(input: #"cn=\20"#, value: " ", description: #"cn=\ "#),
        .init(input: #"cn=\ \ "#, value: "  ", description: #"cn=\ \ "#),
        .init(input: #"cn=a\  "#, value: "a ", description: #"cn=a\ "#),
        .init(input: "cn=  padded   ", value: "padded", description: "cn=padded"),
        .init(input: "cn=inner  spaces", value: "inner  spaces", description: "cn=inner  spaces"),
        .init(input: "cn=", value: "", description: "cn="),
        .init(input: "cn=a#b=c", value: "a#b=c", description: "cn=a#b=c"),
        .init(input: ##"cn=\#"##, value: "#", description: ##"cn=\#"##),
    ]

    @Test("unescapes values and writes them back with RFC 4514 escaping", arguments: escapeFixtures)
    func escapedValueRoundTrip(fixture: EscapeFixture) throws {
        let dn = try DistinguishedName(parsing: fixture.input)
        #expect(dn.rdns.count == 1)
        #expect(
            dn.rdns.first?.attributes == [
                AttributeTypeAndValue(type: dn.rdns[0].attributes[0].type, value: fixture.value)
            ])
        #expect(dn.description == fixture.description)
        #expect(try DistinguishedName(parsing: dn.description) == dn)
    }

    @Test("keeps a #hex value as raw BER bytes and writes it back as #hex")
    func hexValue() throws {
        let dn = try DistinguishedName(parsing: "1.3.6.1.4.1.1466.0=#04024869,DC=example,DC=com")
        let first = try #require(dn.rdns.first?.attributes.first)
        #expect(first.type == "1.3.6.1.4.1.1466.0")
        #expect(first.value == .berEncoded([0x04, 0x02, 0x48, 0x69]))
        #expect(dn.description == "1.3.6.1.4.1.1466.0=#04024869,DC=example,DC=com")
        #expect(try DistinguishedName(parsing: dn.description) == dn)
    }

    @Test("reads lower-case hex and spaces after a hex value, writes upper-case hex")
    func hexValueLowerCaseAndSpaces() throws {
        let dn = try DistinguishedName(parsing: "cn=#0a0b  , dc=x")
        #expect(dn.rdns[0].attributes[0].value == .berEncoded([0x0A, 0x0B]))
        #expect(dn.description == "cn=#0A0B,dc=x")
    }

    @Test("reads an escaped leading # as a string, not a hex value")
    func escapedSharpIsString() throws {
        let dn = try DistinguishedName(parsing: ##"cn=\#04024869"##)
        #expect(dn.rdns[0].attributes[0].value == .string("#04024869"))
    }

    @Test("parses a multi-valued RDN in written order and writes it back with +")
    func multiValuedRDN() throws {
        let dn = try DistinguishedName(parsing: "OU=Sales + CN=J. Smith,DC=example,DC=net")
        #expect(dn.rdns.count == 3)
        let first = dn.rdns[0]
        #expect(first.isMultiValued)
        #expect(first.attributes.map(\.type) == ["OU", "CN"])
        #expect(first.attributes.map(\.value) == [.string("Sales"), .string("J. Smith")])
        #expect(dn.description == "OU=Sales+CN=J. Smith,DC=example,DC=net")
        #expect(try DistinguishedName(parsing: dn.description) == dn)
    }

    @Test("parses an Active Directory DN and keeps the case of types and values")
    func activeDirectoryDN() throws {
        let text = "CN=Jane Doe,OU=Sales,DC=corp,DC=example,DC=com"
        let dn = try DistinguishedName(parsing: text)
        #expect(dn.rdns.map { $0.attributes[0].type } == ["CN", "OU", "DC", "DC", "DC"])
        #expect(
            dn.rdns.map { $0.attributes[0].value }
                == ["Jane Doe", "Sales", "corp", "example", "com"].map { .string($0) })
        #expect(dn.description == text)
        #expect(dn.parent?.description == "OU=Sales,DC=corp,DC=example,DC=com")
    }

    @Test("parses RFC 4514 §4 example with quotes and comma escaped")
    func rfcExampleWithQuotes() throws {
        let dn = try DistinguishedName(parsing: #"CN=James \"Jim\" Smith\, III,DC=example,DC=net"#)
        #expect(dn.rdns[0].attributes[0].value == .string(#"James "Jim" Smith, III"#))
        #expect(dn.description == #"CN=James \"Jim\" Smith\, III,DC=example,DC=net"#)
    }

    @Test("tolerates spaces around separators and =, and ; as RDN separator")
    func lenientSpacingAndSemicolon() throws {
        let dn = try DistinguishedName(parsing: "  cn = Alice Smith ; ou= People , dc =example  ")
        #expect(dn.description == "cn=Alice Smith,ou=People,dc=example")
    }

    @Test("strips an OID. prefix in either case from numeric attribute types")
    func oidPrefix() throws {
        #expect(try DistinguishedName(parsing: "OID.2.5.4.3=x").rdns[0].attributes[0].type == "2.5.4.3")
        #expect(
            try DistinguishedName(parsing: "oid.0.9.2342.19200300.100.1.25=com").description
                == "0.9.2342.19200300.100.1.25=com")
    }

    @Test("accepts descriptors with digits and hyphens")
    func descriptorWithHyphen() throws {
        let dn = try DistinguishedName(parsing: "msDS-cloudExtensionAttribute1=x")
        #expect(dn.rdns[0].attributes[0].type == "msDS-cloudExtensionAttribute1")
    }

    @Test("treats the empty string and a string of spaces as the root DN", arguments: ["", "   "])
    func rootDN(text: String) throws {
        let dn = try DistinguishedName(parsing: text)
        #expect(dn.isRoot)
        #expect(dn == .root)
        #expect(dn.description == "")
        #expect(dn.parent == nil)
    }

    @Test("parses UTF-8 bytes the same as the string")
    func parsesBytes() throws {
        let text = #"cn=Ünïcödé\, 中,dc=x"#
        #expect(try DistinguishedName(parsingUTF8: Array(text.utf8)) == DistinguishedName(parsing: text))
    }

    @Test("gives the parent by dropping the leftmost RDN, up to the root")
    func parentChain() throws {
        let dn = try DistinguishedName(parsing: "cn=a+uid=b,ou=x,dc=y")
        #expect(dn.parent == (try DistinguishedName(parsing: "ou=x,dc=y")))
        #expect(dn.parent?.parent == (try DistinguishedName(parsing: "dc=y")))
        #expect(dn.parent?.parent?.parent == .root)
        #expect(dn.parent?.parent?.parent?.parent == nil)
    }

    @Test("builds a child DN whose value is escaped when written out")
    func childEscapesValue() throws {
        let base = try DistinguishedName(parsing: "ou=People,dc=example")
        let child = base.child(RelativeDistinguishedName(type: "uid", value: " smith, j+r #1 "))
        #expect(child.description == #"uid=\ smith\, j\+r #1\ ,ou=People,dc=example"#)
        #expect(try DistinguishedName(parsing: child.description) == child)
        #expect(child.parent == base)
    }

    @Test("escapes control characters as hex so the string form stays on one line")
    func controlCharactersEscaped() throws {
        let dn = DistinguishedName(rdns: [RelativeDistinguishedName(type: "cn", value: "a\nb\u{7F}c\td")])
        #expect(dn.description == #"cn=a\0Ab\7Fc\09d"#)
        #expect(try DistinguishedName(parsing: dn.description) == dn)
    }

    @Test("refuses to build an RDN without attributes")
    func emptyRDN() {
        #expect(RelativeDistinguishedName(attributes: []) == nil)
        #expect(RelativeDistinguishedName(attributes: [.init(type: "cn", value: "a")])?.attributes.count == 1)
    }
}
