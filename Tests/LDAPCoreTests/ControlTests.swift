import NIOCore
import Testing

@testable import LDAPCore

@Suite("Controls")
struct ControlTests {
    @Test("paged results round-trips and matches RFC 2696's layout")
    func pagedResults() throws {
        let control = PagedResultsControl(size: 5, cookie: ByteBuffer()).control()
        #expect(control.oid == "1.2.840.113556.1.4.319")
        #expect(control.value == hexBuffer("3005 020105 0400"))
        #expect(try PagedResultsControl(control: control) == PagedResultsControl(size: 5))
    }

    @Test("DirSync request keeps a flags value with the top bit set")
    func dirSyncFlags() throws {
        let flags = Int32(bitPattern: 0x8000_0000)
        let control = DirSyncRequestControl(flags: flags, maxBytes: 0x7FFF_FFFF, cookie: ByteBuffer(string: "c"))
            .control()
        #expect(control.criticality)
        let parsed = try DirSyncRequestControl(control: control)
        #expect(parsed.flags == flags)
        #expect(parsed.maxBytes == 0x7FFF_FFFF)
        // Some clients send 0x80000000 as the positive five-octet INTEGER 00 80 00 00 00.
        let positive = LDAPControl(
            oid: DirSyncRequestControl.oid, criticality: true, value: hexBuffer("300c 02050080000000 020100 0400"))
        #expect(try DirSyncRequestControl(control: positive).flags == flags)
    }

    @Test("DirSync response reads MoreResults and the cookie")
    func dirSyncResponse() throws {
        let control = LDAPControl(oid: DirSyncResponseControl.oid, value: hexBuffer("300a 020101 020100 0402 abcd"))
        let parsed = try DirSyncResponseControl(control: control)
        #expect(parsed.moreResults)
        #expect(parsed.cookie == hexBuffer("abcd"))
        #expect(try DirSyncResponseControl(control: parsed.control()) == parsed)
    }

    @Test("attribute scoped query request and response round-trip")
    func asq() throws {
        let request = AttributeScopedQueryControl(sourceAttribute: "member")
        #expect(request.control().value == hexBuffer("3008 0406 6d656d626572"))
        #expect(try AttributeScopedQueryControl(control: request.control()) == request)
        let response = AttributeScopedQueryResponseControl(searchResult: .invalidAttributeSyntax)
        #expect(try AttributeScopedQueryResponseControl(control: response.control()) == response)
    }

    @Test("ManageDsaIT has no value and proxied authorization must be critical")
    func simpleControls() throws {
        #expect(try ManageDsaITControl(control: ManageDsaITControl().control()) == ManageDsaITControl())
        let withValue = LDAPControl(oid: ManageDsaITControl.oid, value: ByteBuffer(string: "x"))
        #expect(throws: LDAPDecodingError.self) { try ManageDsaITControl(control: withValue) }
        let proxied = ProxiedAuthorizationControl(authorizationID: "dn:uid=bob,dc=example,dc=test")
        #expect(proxied.control().value == ByteBuffer(string: "dn:uid=bob,dc=example,dc=test"))
        #expect(try ProxiedAuthorizationControl(control: proxied.control()) == proxied)
        var notCritical = proxied.control()
        notCritical.criticality = false
        #expect(throws: LDAPDecodingError.self) { try ProxiedAuthorizationControl(control: notCritical) }
    }

    @Test(
        "typed parsing refuses a malformed or missing value",
        arguments: [
            LDAPControl(oid: PagedResultsControl.oid, value: nil),
            LDAPControl(oid: PagedResultsControl.oid, value: hexBuffer("3003 020105")),
            LDAPControl(oid: PagedResultsControl.oid, value: hexBuffer("3005 020105 0400 00")),
            LDAPControl(oid: PagedResultsControl.oid, value: hexBuffer("3005 0201ff 0400")),
            LDAPControl(oid: "1.2.3", value: hexBuffer("3005 020105 0400")),
        ])
    func malformedPaged(control: LDAPControl) {
        #expect(throws: LDAPDecodingError.self) { try PagedResultsControl(control: control) }
    }

    @Test("password modify values round-trip")
    func passwordModify() throws {
        let value = PasswordModifyRequestValue(
            userIdentity: "u:alice", oldPassword: SensitiveBytes("a"), newPassword: nil)
        #expect(try PasswordModifyRequestValue(decoding: value.encoded()) == value)
        let response = PasswordModifyResponseValue(generatedPassword: SensitiveBytes("gen"))
        #expect(try PasswordModifyResponseValue(decoding: response.encoded()) == response)
    }
}
