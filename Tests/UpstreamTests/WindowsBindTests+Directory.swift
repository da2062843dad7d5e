import Foundation
import LDAPCore
import Testing

@testable import Upstream

/// The Windows bind type through `UpstreamDirectory` (the gate's primary bind, a client's dedicated
/// connection, the query pool) and channel bindings, against the same Samba AD DC.
extension WindowsBindTests {
    func directory(
        queries: WindowsQueryBind.Identity, security: ConnectionSecurity = .plain
    ) throws -> UpstreamDirectory {
        let endpoint = if case .ldaps = security { dc.ldaps } else { dc.ldap }
        var settings = DirectorySettings(
            servers: [.init(endpoint: endpoint, authenticationSecurity: security, querySecurity: security)],
            queryBind: nil, timeouts: .init(connect: .seconds(5), operation: .seconds(20)))
        settings.baseDN = dc.baseDN
        settings.windowsAuthentication = dc.settings(.negotiate)
        settings.windowsQueries = WindowsQueryBind(identity: queries, settings: dc.settings(.kerberos))
        return try UpstreamDirectory(settings: settings, logger: .init(label: "test"))
    }

    static func code(_ outcome: AuthenticationOutcome) -> ResultCode? {
        guard case .answered(let response, _) = outcome else { return nil }
        return UpstreamDirectory.resultCode(of: response)
    }

    @Test("authenticate: a client's simple bind becomes a Windows bind, in all three name forms, over plain LDAP")
    func authenticateNameForms() async throws {
        let directory = try directory(
            queries: .service(.clientKeytab(path: dc.serviceKeytab, principal: dc.servicePrincipal)))
        let dn = "CN=alice,CN=Users,\(dc.baseDN)"
        for name in ["EXAMPLE\\alice", "alice@example.test", dn] {
            let outcome = await directory.authenticate(
                BindRequest(name: name, authentication: .simple(.init(dc.alicePassword))))
            #expect(Self.code(outcome) == .success, "\(name)")
        }
        let wrong = await directory.authenticate(
            BindRequest(name: "EXAMPLE\\alice", authentication: .simple(.init("Wrong-\(dc.alicePassword)"))))
        #expect(Self.code(wrong) == .invalidCredentials)
        await directory.shutdown()
    }

    @Test("openClientConnection: the client's own connection is Windows-bound and carries its operations")
    func clientConnection() async throws {
        let directory = try directory(queries: .account(name: "EXAMPLE\\bob", password: .init(dc.bobPassword)))
        let connection = try await directory.openClientConnection(
            bind: BindRequest(name: "alice@example.test", authentication: .simple(.init(dc.alicePassword))))
        defer { connection.close() }
        try await expectFinds(connection, "bob")
        await #expect(throws: UpstreamDirectory.ClientBindRefused.self) {
            _ = try await directory.openClientConnection(
                bind: BindRequest(
                    name: "alice@example.test", authentication: .simple(.init("nope-\(dc.alicePassword)"))))
        }
        await directory.shutdown()
    }

    @Test("a simple bind over plain LDAP gets 8 with a hint to use ssl or windows")
    func strongAuthHint() async throws {
        var settings = DirectorySettings(
            servers: [.init(endpoint: dc.ldap, authenticationSecurity: .plain, querySecurity: .plain)], queryBind: nil)
        settings.baseDN = dc.baseDN
        let directory = try UpstreamDirectory(settings: settings, logger: .init(label: "test"))
        let outcome = await directory.authenticate(
            BindRequest(
                name: "CN=alice,CN=Users,\(dc.baseDN)", authentication: .simple(.init(dc.alicePassword))))
        guard case .answered(let response, _) = outcome, case .bindResponse(let bind) = response.protocolOp else {
            Issue.record("no answer: \(outcome)")
            return
        }
        #expect(bind.result.resultCode == .strongerAuthRequired)
        #expect(bind.result.diagnosticMessage.contains("set directory.bind_type.authentications to ssl"))
        await directory.shutdown()
    }

    @Test("channel binding over LDAPS is RFC 5929 tls-server-end-point of the DC's certificate, and is accepted")
    func channelBinding() async throws {
        let connection = try await dc.connect(.ldaps(dc.tls))
        defer { connection.close() }
        let binding = try #require(try await connection.tlsChannelBinding())
        // openssl computes the same SHA-256 (the dev certificate is signed with SHA-256).
        let certificate = URL(fileURLWithPath: dc.caFile).deletingLastPathComponent().appendingPathComponent(
            "server.pem")
        let fingerprint = try SambaDC.run(
            "/usr/bin/openssl", "x509", "-in", certificate.path, "-noout", "-fingerprint", "-sha256")
        let hex = fingerprint.split(separator: "=").last!.filter { $0.isHexDigit }.lowercased()
        let prefix = Array("tls-server-end-point:".utf8)
        #expect(Array(binding.prefix(prefix.count)) == prefix)
        #expect(binding.dropFirst(prefix.count).map { String(format: "%02x", $0) }.joined() == hex)
        for (mechanism, name, password) in [
            (WindowsBindSettings.Mechanism.kerberos, "EXAMPLE\\alice", dc.alicePassword),
            (.ntlm, "EXAMPLE\\bob", dc.bobPassword),
        ] {
            let (result, bound) = try await bind(name, password, mechanism, over: .ldaps(dc.tls))
            bound.close()
            #expect(result.resultCode == .success, "\(mechanism)")
        }
    }

    @Test("the tls-server-end-point hash follows the certificate's signature algorithm (RFC 5929 §4.1)")
    func channelBindingHash() {
        // A skeleton Certificate: SEQUENCE { SEQUENCE {} (tbs), SEQUENCE { OID } }.
        func certificate(_ oid: [UInt8]) -> [UInt8] {
            let algorithm: [UInt8] = [0x30, UInt8(oid.count + 2), 0x06, UInt8(oid.count)] + oid
            let content: [UInt8] = [0x30, 0x00] + algorithm
            return [0x30, UInt8(content.count)] + content
        }
        #expect(ChannelBinding.signatureHash(of: certificate(ChannelBinding.sha384WithRSA)) == .sha384)
        #expect(ChannelBinding.signatureHash(of: certificate(ChannelBinding.ecdsaWithSHA512)) == .sha512)
        // sha1WithRSAEncryption (1.2.840.113549.1.1.5): SHA-256.
        #expect(
            ChannelBinding.signatureHash(of: certificate([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x05]))
                == .sha256)
        #expect(
            ChannelBinding.tlsServerEndPoint(certificate: certificate(ChannelBinding.sha384WithRSA)).count == 21 + 48)
    }
}
