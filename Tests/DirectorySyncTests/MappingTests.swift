import DirectorySync
import LDAPCore
import NIOCore
import Testing

@Suite("Attribute mapping")
struct MappingTests {
    /// objectGUID {01234567-89ab-cdef-0123-456789abcdef} as Active Directory stores it: Data1, Data2 and Data3
    /// little-endian, Data4 in order (MS-DTYP §2.3.4.2).
    static let guidBytes: [UInt8] = [
        0x67, 0x45, 0x23, 0x01, 0xAB, 0x89, 0xEF, 0xCD, 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF,
    ]

    @Test("a GUID's 16 bytes give the canonical text form, the first three fields little-endian")
    func guidText() throws {
        #expect(UniqueIdentifier.guidText(Self.guidBytes) == "01234567-89ab-cdef-0123-456789abcdef")
        #expect(UniqueIdentifier.guidBytes("01234567-89AB-CDEF-0123-456789ABCDEF") == Self.guidBytes)
        #expect(UniqueIdentifier.guidBytes("{01234567-89ab-cdef-0123-456789abcdef}") == Self.guidBytes)
        #expect(UniqueIdentifier.guidText(Array(Self.guidBytes.prefix(15))) == nil)
        #expect(UniqueIdentifier.guidBytes("not-a-guid") == nil)
    }

    @Test("a GUID finds its entry again with the stored bytes in the filter")
    func guidFilter() throws {
        let filter = try #require(
            UniqueIdentifier.filter(attribute: "objectGUID", text: "01234567-89ab-cdef-0123-456789abcdef", type: .guid))
        guard case .equalityMatch(let assertion) = filter else {
            Issue.record("expected an equality filter")
            return
        }
        #expect(Array(assertion.assertionValue.readableBytesView) == Self.guidBytes)
    }

    @Test("String and ASCII byte array identifiers are text; bytes outside their type are refused")
    func otherIdentifierTypes() {
        #expect(UniqueIdentifier.text(of: ByteBuffer(string: "5f1c-entry"), as: .string) == "5f1c-entry")
        #expect(UniqueIdentifier.text(of: ByteBuffer(string: "ABC123"), as: .asciiByteArray) == "ABC123")
        #expect(UniqueIdentifier.text(of: ByteBuffer(bytes: [0x41, 0xC3]), as: .asciiByteArray) == nil)
        #expect(UniqueIdentifier.text(of: ByteBuffer(bytes: [0xFF, 0xFE]), as: .string) == nil)
        #expect(
            UniqueIdentifier.text(of: ByteBuffer(bytes: Self.guidBytes), as: .guid)
                == "01234567-89ab-cdef-0123-456789abcdef")
    }

    @Test(
        "an extension after an x is split from the phone number",
        arguments: [
            ("555-123-4567 x890", "555-123-4567", "890"), ("555-123-4567x890", "555-123-4567", "890"),
            ("+1 555 0100 X 12", "+1 555 0100", "12"), ("555-123-4567", "555-123-4567", nil),
            ("555-123-4567 x", "555-123-4567 x", nil), ("x890", "x890", nil), ("  555 0100  ", "555 0100", nil),
            ("box 12 x 3", "box 12", "3"),
        ] as [(String, String, String?)])
    func phoneExtension(_ text: String, _ number: String, _ phoneExtension: String?) {
        let parsed = PhoneNumber(parsing: text)
        #expect(parsed.number == number)
        #expect(parsed.phoneExtension == phoneExtension)
    }

    @Test(
        "an ADsPath loses its LDAP://server/ part; a DN stays as it is",
        arguments: [
            ("LDAP://dc1.example.com/CN=Alice,OU=People,DC=example,DC=com", "CN=Alice,OU=People,DC=example,DC=com"),
            ("ldap://dc1:389/CN=Alice,DC=example,DC=com", "CN=Alice,DC=example,DC=com"),
            ("LDAP://CN=Alice,DC=example,DC=com", "CN=Alice,DC=example,DC=com"),
            ("GC://gc.example.com/CN=Bob,DC=example,DC=com", "CN=Bob,DC=example,DC=com"),
            ("LDAP://CN=A/B,DC=example,DC=com", "CN=A/B,DC=example,DC=com"),
            ("CN=Alice,DC=example,DC=com", "CN=Alice,DC=example,DC=com"),
        ])
    func adsPath(_ value: String, _ expected: String) {
        #expect(AdsPath.distinguishedName(value) == expected)
    }

    @Test("an entry name is within a subtree at an RDN boundary only, whatever the case or spacing")
    func entryNames() throws {
        func name(_ text: String) throws -> EntryName { try #require(EntryName(parsing: text)) }
        let people = try name("OU=People,DC=Example,DC=Test")
        #expect(try name("uid=alice,ou=people,dc=example,dc=test").isWithin(subtree: people))
        #expect(try name("ou=people, dc=example, dc=test").isWithin(subtree: people))
        #expect(try name("uid=alice,ou=people,dc=example,dc=test") == name("UID=Alice,OU=People,DC=example,DC=test"))
        #expect(try !name("uid=alice,ou=otherpeople,dc=example,dc=test").isWithin(subtree: people))
        // A value ending in a backslash, then a real separator: within.
        #expect(try name(#"cn=a\\,ou=people,dc=example,dc=test"#).isWithin(subtree: people))
        // An escaped comma inside a value is no RDN boundary.
        #expect(try !name(#"cn=a\,ou=people,dc=example,dc=test"#).isWithin(subtree: people))
        #expect(try !name("cn=x\\,ou=people\\,dc=example\\,dc=test,dc=other").isWithin(subtree: people))
        #expect(try !name("dc=example,dc=test").isWithin(subtree: people))
        #expect(try name("dc=test").isWithin(subtree: EntryName(DistinguishedName.root)))
    }

    @Test("a user entry maps every attribute row, with the username fallback and the ADsPath stripped")
    func mapsEntry() throws {
        var map = AttributeMap()
        map.userGroup = "department"
        map.phoneCallLanguage = "preferredLanguage"
        map.distinguishedName = "adsPath"
        let entry = SearchResultEntry(
            objectName: "CN=Alice,OU=People,DC=example,DC=com",
            attributes: [
                PartialAttribute(type: "objectGUID", values: [ByteBuffer(bytes: Self.guidBytes)]),
                PartialAttribute("adsPath", ["LDAP://dc1/CN=Alice,OU=People,DC=example,DC=com"]),
                PartialAttribute("sAMAccountName", ["alice"]), PartialAttribute("givenName", ["Alice"]),
                PartialAttribute("sn", ["Liddell"]), PartialAttribute("mail", ["alice@example.com"]),
                PartialAttribute("department", ["Sales"]), PartialAttribute("preferredLanguage", ["en"]),
                PartialAttribute("telephoneNumber", ["555-123-4567 x890"]), PartialAttribute("mobile", ["555-000 x1"]),
                PartialAttribute("description", ["  "]),
            ])
        let user = try AttributeMapper(map).user(from: entry).get()
        #expect(user.uniqueID == "01234567-89ab-cdef-0123-456789abcdef")
        #expect(user.username == "alice")  // userPrincipalName is missing: sAMAccountName
        #expect(user.profile.dn == "CN=Alice,OU=People,DC=example,DC=com")
        #expect(user.profile.firstName == "Alice" && user.profile.lastName == "Liddell")
        #expect(user.profile.email == "alice@example.com" && user.profile.userGroup == "Sales")
        #expect(user.profile.phoneCallLanguage == "en" && user.profile.textMessageLanguage == nil)
        #expect(user.profile.businessPhone == "555-123-4567" && user.profile.phoneExtension == "890")
        #expect(user.profile.mobilePhone == "555-000")
        #expect(user.profile.description == nil)
    }

    @Test("with an extension attribute, phones are kept whole and the extension comes from it")
    func extensionAttribute() throws {
        var map = AttributeMap()
        map.uniqueIdentifierType = .string
        map.phoneExtension = "telephoneExtension"
        let entry = SearchResultEntry(
            objectName: "cn=a,dc=x",
            attributes: [
                PartialAttribute("objectGUID", ["a"]), PartialAttribute("userPrincipalName", ["a@x"]),
                PartialAttribute("telephoneNumber", ["555 x1"]), PartialAttribute("telephoneExtension", ["77"]),
            ])
        let user = try AttributeMapper(map).user(from: entry).get()
        #expect(user.profile.businessPhone == "555 x1")
        #expect(user.profile.phoneExtension == "77")
        #expect(user.profile.dn == "cn=a,dc=x")  // no distinguishedName attribute: the entry's name
    }

    @Test("an entry without identifier or username, or with a GUID of the wrong size, is not a user")
    func refusals() {
        let mapper = AttributeMapper(AttributeMap())
        let noName = SearchResultEntry(
            objectName: "cn=a,dc=x",
            attributes: [PartialAttribute(type: "objectGUID", values: [ByteBuffer(bytes: Self.guidBytes)])])
        let shortGUID = SearchResultEntry(
            objectName: "cn=a,dc=x",
            attributes: [PartialAttribute("objectGUID", ["short"]), PartialAttribute("sAMAccountName", ["a"])])
        let noID = SearchResultEntry(objectName: "cn=a,dc=x", attributes: [PartialAttribute("sAMAccountName", ["a"])])
        for entry in [noName, shortGUID, noID] {
            guard case .failure(let failure) = mapper.user(from: entry) else {
                Issue.record("\(entry.objectName) mapped")
                continue
            }
            #expect(failure.entry == "cn=a,dc=x")
        }
    }
}
