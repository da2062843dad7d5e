import Foundation
import NIOCore
import Testing

@testable import LDAPCore

/// PDUs captured from real clients and a real slapd (see Fixtures/README.md for how each was
/// produced and scripts/capture-fixtures/ to regenerate them).
@Suite("Captured traffic")
struct FixtureTests {
    struct Fixture: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: ByteBuffer
        var testDescription: String { name }
    }

    static let fixtures: [Fixture] = {
        guard let folder = Bundle.module.url(forResource: "Fixtures", withExtension: nil),
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return [] }
        return names.filter { $0.hasSuffix(".hex") }.sorted().compactMap { name in
            guard let text = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) else {
                return nil
            }
            let hex = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.joined(separator: " ")
            return Fixture(name: name, bytes: hexBuffer(hex))
        }
    }()

    @Test("the fixture folder holds captured traffic for every operation")
    func coverage() throws {
        #expect(Self.fixtures.count >= 60)
        var tags = Set<UInt8>()
        for fixture in Self.fixtures {
            var bytes = fixture.bytes
            if let frame = try LDAPFrameParser().nextFrame(from: &bytes) { tags.insert(frame.operationTag) }
        }
        let every: [UInt8] = [
            OperationTag.bindRequest, OperationTag.bindResponse, OperationTag.unbindRequest, OperationTag.searchRequest,
            OperationTag.searchResultEntry, OperationTag.searchResultDone, OperationTag.searchResultReference,
            OperationTag.modifyRequest, OperationTag.modifyResponse, OperationTag.addRequest, OperationTag.addResponse,
            OperationTag.delRequest, OperationTag.delResponse, OperationTag.modifyDNRequest,
            OperationTag.modifyDNResponse,
            OperationTag.compareRequest, OperationTag.compareResponse, OperationTag.abandonRequest,
            OperationTag.extendedRequest, OperationTag.extendedResponse, OperationTag.intermediateResponse,
        ]
        #expect(Set(every).subtracting(tags).isEmpty, "missing: \(Set(every).subtracting(tags))")
    }

    @Test("every captured PDU frames, decodes, and re-encodes to an equal message", arguments: fixtures)
    func decodes(fixture: Fixture) throws {
        var stream = fixture.bytes
        let frame = try #require(try LDAPFrameParser().nextFrame(from: &stream))
        #expect(stream.readableBytes == 0)
        let message = try frame.decode()
        #expect(message.messageID == frame.messageID)
        let reencoded = message.encoded()
        #expect(try LDAPMessage(decoding: reencoded) == message)
        // Where the sender used minimal lengths (libldap and ldap3 do), our bytes are identical,
        // controls included; a proxy that re-encodes must not change what it relays.
        if !fixture.name.contains("ldap3-dirsync") {
            #expect(reencoded == fixture.bytes, "re-encoding changed the bytes of \(fixture.name)")
        }
    }

    @Test("captured controls parse as their typed views")
    func typedControls() throws {
        func message(_ name: String) throws -> LDAPMessage {
            let fixture = try #require(Self.fixtures.first { $0.name == name })
            return try LDAPMessage(decoding: fixture.bytes)
        }
        let paged = try message("ldapsearch-paged-request-page1.hex")
        let control = try #require(paged.control(PagedResultsControl.oid))
        #expect(try PagedResultsControl(control: control).size == 5)
        let done = try message("ldapsearch-paged-done-page1.hex")
        let cookie = try PagedResultsControl(control: try #require(done.control(PagedResultsControl.oid))).cookie
        #expect(cookie.readableBytes > 0)
        let dirSync = try message("ldap3-dirsync-request.hex")
        let request = try DirSyncRequestControl(control: try #require(dirSync.control(DirSyncRequestControl.oid)))
        #expect(request.cookie.readableBytes == 0)
        let asq = try message("ldap3-asq-request.hex")
        #expect(
            try AttributeScopedQueryControl(control: try #require(asq.control(AttributeScopedQueryControl.oid)))
                .sourceAttribute == "member")
        let proxied = try message("ldapsearch-proxyauthz-request.hex")
        let authz = try ProxiedAuthorizationControl(
            control: try #require(proxied.control(ProxiedAuthorizationControl.oid)))
        #expect(authz.authorizationID.hasPrefix("dn:"))
        let manage = try message("ldapsearch-managedsait-request.hex")
        #expect(manage.control(ManageDsaITControl.oid) != nil)
    }

    @Test("a captured bind's password never shows in the decoded message's description")
    func capturedPasswordRedacted() throws {
        let fixture = try #require(Self.fixtures.first { $0.name == "ldapwhoami-bind-request.hex" })
        let message = try LDAPMessage(decoding: fixture.bytes)
        var dumped = ""
        dump(message, to: &dumped)
        for text in [String(describing: message), String(reflecting: message), dumped] {
            #expect(!text.contains("alice-password"))
        }
    }
}
