import LDAPCore
import Testing

@testable import Upstream

/// Windows binds (SASL GSS-SPNEGO with Kerberos or NTLMv2) against a real Samba AD DC.
@Suite("Windows bind against a Samba AD DC", .serialized, .sambaDC)
struct WindowsBindTests {
    var dc: SambaDC { SambaDC.current! }

    func bind(
        _ name: String, _ password: String, _ mechanism: WindowsBindSettings.Mechanism,
        over security: ConnectionSecurity, settings: WindowsBindSettings? = nil
    ) async throws -> (WindowsBindResult, UpstreamConnection) {
        let connection = try await dc.connect(security)
        do {
            let result = try await connection.windowsBind(
                name: name, password: SensitiveBytes(password), settings: settings ?? dc.settings(mechanism))
            return (result, connection)
        } catch {
            connection.close()
            throw error
        }
    }

    /// The connection is authenticated (Samba refuses anonymous searches): a search finds `user`.
    func expectFinds(_ connection: UpstreamConnection, _ user: String) async throws {
        let answer = try await connection.search(
            SearchRequest(
                baseObject: dc.baseDN, scope: .wholeSubtree,
                filter: .equalityMatch(AttributeValueAssertion("sAMAccountName", user)),
                attributes: ["sAMAccountName"]))
        #expect(answer.result.resultCode == .success)
        #expect(answer.entries.count == 1)
    }

    @Test("Kerberos over LDAPS with a user principal name")
    func kerberosLDAPSWithUPN() async throws {
        let (result, connection) = try await bind(
            "alice@example.test", dc.alicePassword, .kerberos, over: .ldaps(dc.tls))
        defer { connection.close() }
        #expect(result.resultCode == .success)
        #expect(result.mechanism == .kerberos)
        #expect(result.securityLayer == .none)
        try await expectFinds(connection, "alice")
    }

    @Test("Kerberos over StartTLS with DOMAIN\\user")
    func kerberosStartTLSWithDownLevelName() async throws {
        let (result, connection) = try await bind(
            "EXAMPLE\\alice", dc.alicePassword, .kerberos, over: .startTLS(dc.tls))
        defer { connection.close() }
        #expect(result.resultCode == .success)
        #expect(result.mechanism == .kerberos)
        try await expectFinds(connection, "alice")
    }

    @Test("NTLM over LDAPS with DOMAIN\\user")
    func ntlmLDAPSWithDownLevelName() async throws {
        let (result, connection) = try await bind("EXAMPLE\\bob", dc.bobPassword, .ntlm, over: .ldaps(dc.tls))
        defer { connection.close() }
        #expect(result.resultCode == .success)
        #expect(result.mechanism == .ntlm)
        #expect(result.securityLayer == .none)
        try await expectFinds(connection, "bob")
    }

    @Test("NTLM over StartTLS with a user principal name")
    func ntlmStartTLSWithUPN() async throws {
        let (result, connection) = try await bind("bob@example.test", dc.bobPassword, .ntlm, over: .startTLS(dc.tls))
        defer { connection.close() }
        #expect(result.resultCode == .success)
        #expect(result.mechanism == .ntlm)
        try await expectFinds(connection, "bob")
    }

    @Test("a wrong password stops at the KDC with Kerberos: invalidCredentials, no NTLM retry")
    func kerberosWrongPassword() async throws {
        for mechanism in [WindowsBindSettings.Mechanism.kerberos, .negotiate] {
            let error = await #expect(throws: WindowsBindError.self) {
                _ = try await bind("alice@example.test", "wrong-password", mechanism, over: .ldaps(dc.tls))
            }
            #expect(error?.kind == .invalidCredentials)
            #expect(error?.mechanism == .kerberos)
            #expect(error?.resultCode == .invalidCredentials)
            #expect(error?.isCredentialFailure == true)
        }
    }

    @Test("a wrong password with NTLM is the DC's invalidCredentials (49)")
    func ntlmWrongPassword() async throws {
        for name in ["EXAMPLE\\bob", "bob@example.test"] {
            let (result, connection) = try await bind(name, "wrong-password", .ntlm, over: .ldaps(dc.tls))
            connection.close()
            #expect(result.resultCode == .invalidCredentials, "\(name)")
            #expect(result.mechanism == .ntlm)
        }
    }

    @Test("a disabled account is refused by the KDC")
    func disabledAccount() async throws {
        let error = await #expect(throws: WindowsBindError.self) {
            _ = try await bind("EXAMPLE\\dave", dc.davePassword, .kerberos, over: .ldaps(dc.tls))
        }
        #expect(error?.kind == .accountRestricted)
        let (result, connection) = try await bind("EXAMPLE\\dave", dc.davePassword, .ntlm, over: .ldaps(dc.tls))
        connection.close()
        #expect(result.resultCode == .invalidCredentials)
    }

    @Test("negotiate uses Kerberos when the realm's KDC answers")
    func negotiatePrefersKerberos() async throws {
        let (result, connection) = try await bind("EXAMPLE\\alice", dc.alicePassword, .negotiate, over: .ldaps(dc.tls))
        defer { connection.close() }
        #expect(result.resultCode == .success)
        #expect(result.mechanism == .kerberos)
    }

    @Test("negotiate falls back to NTLM when no KDC for the realm can be found")
    func negotiateFallsBackWithoutKDC() async throws {
        // A realm krb5.conf has no KDC for (and DNS lookups are off): "Cannot find KDC".
        let settings = WindowsBindSettings(mechanism: .negotiate, realms: ["EXAMPLE": "NO-KDC.TEST"])
        let (result, connection) = try await bind(
            "alice@example.test", dc.alicePassword, .negotiate, over: .ldaps(dc.tls), settings: settings)
        defer { connection.close() }
        #expect(result.resultCode == .success)
        #expect(result.mechanism == .ntlm)
    }

    @Test("negotiate uses NTLM for a domain with no configured realm; kerberos alone cannot")
    func negotiateWithoutRealm() async throws {
        let settings = WindowsBindSettings(mechanism: .negotiate)
        let (result, connection) = try await bind(
            "EXAMPLE\\alice", dc.alicePassword, .negotiate, over: .startTLS(dc.tls), settings: settings)
        connection.close()
        #expect(result.resultCode == .success)
        #expect(result.mechanism == .ntlm)
        let error = await #expect(throws: WindowsBindError.self) {
            _ = try await bind(
                "EXAMPLE\\alice", dc.alicePassword, .kerberos, over: .startTLS(dc.tls),
                settings: WindowsBindSettings(mechanism: .kerberos))
        }
        #expect(error?.kind == .unmappableName)
    }

    @Test("an unknown service principal: kerberos fails clearly, negotiate falls back to NTLM")
    func unknownServicePrincipal() async throws {
        var settings = dc.settings(.kerberos)
        settings.servicePrincipalHost = "no-such-dc.example.test"
        let error = await #expect(throws: WindowsBindError.self) {
            _ = try await bind("EXAMPLE\\alice", dc.alicePassword, .kerberos, over: .ldaps(dc.tls), settings: settings)
        }
        #expect(error?.kind == .servicePrincipalUnknown)
        settings.mechanism = .negotiate
        let (result, connection) = try await bind(
            "EXAMPLE\\alice", dc.alicePassword, .negotiate, over: .ldaps(dc.tls), settings: settings)
        connection.close()
        #expect(result.resultCode == .success)
        #expect(result.mechanism == .ntlm)
    }

    @Test("a DN is resolved by the resolvePrincipal hook")
    func distinguishedName() async throws {
        var settings = dc.settings(.negotiate)
        settings.resolvePrincipal = { dn in
            dn.lowercased().hasPrefix("cn=alice,")
                ? WindowsAccountName(.downLevel(domain: "EXAMPLE", user: "alice")) : nil
        }
        let (result, connection) = try await bind(
            "CN=alice,CN=Users,DC=example,DC=test", dc.alicePassword, .negotiate, over: .ldaps(dc.tls),
            settings: settings)
        connection.close()
        #expect(result.resultCode == .success)
        let error = await #expect(throws: WindowsBindError.self) {
            _ = try await bind(
                "CN=nobody,DC=example,DC=test", "x", .negotiate, over: .ldaps(dc.tls), settings: settings)
        }
        #expect(error?.kind == .unmappableName)
    }

    @Test("a simple bind over plain LDAP gets strongerAuthRequired (8)")
    func simpleBindOverPlainLDAP() async throws {
        let connection = try await dc.connect(.plain)
        defer { connection.close() }
        let response = try await connection.bind(
            BindRequest(name: "alice@example.test", authentication: .simple(SensitiveBytes(dc.alicePassword))))
        guard case .bindResponse(let answer) = response.protocolOp else {
            Issue.record("not a BindResponse")
            return
        }
        #expect(answer.result.resultCode == .strongerAuthRequired)
    }

    @Test("over plain LDAP both mechanisms sign and seal, and the connection works after the bind")
    func plainLDAPSecurityLayer() async throws {
        for (name, password, mechanism) in [
            ("EXAMPLE\\alice", dc.alicePassword, WindowsBindSettings.Mechanism.kerberos),
            ("EXAMPLE\\bob", dc.bobPassword, .ntlm),
        ] {
            let (result, connection) = try await bind(name, password, mechanism, over: .plain)
            defer { connection.close() }
            #expect(result.resultCode == .success, "\(mechanism)")
            #expect(result.securityLayer == .confidentiality, "\(mechanism)")
            try await expectFinds(connection, name == "EXAMPLE\\alice" ? "alice" : "bob")
            try await expectFinds(connection, "carol")
        }
    }

    @Test("the proxy's own identity from a client keytab, over LDAPS and over plain LDAP")
    func serviceKeytab() async throws {
        for security in [ConnectionSecurity.ldaps(dc.tls), .plain] {
            let connection = try await dc.connect(security)
            defer { connection.close() }
            let result = try await connection.windowsBind(
                service: .clientKeytab(path: dc.serviceKeytab, principal: dc.servicePrincipal),
                settings: dc.settings(.kerberos))
            #expect(result.resultCode == .success)
            #expect(result.mechanism == .kerberos)
            #expect(result.securityLayer == (security == .plain ? .confidentiality : .none))
            try await expectFinds(connection, "alice")
        }
    }

    @Test("the proxy's own identity from a credential cache filled by kinit -k")
    func serviceCredentialCache() async throws {
        let cache = SambaDC.instanceDirectory.appendingPathComponent("svc-proxy.ccache").path
        _ = try SambaDC.run("/usr/bin/kinit", "-k", "-t", dc.serviceKeytab, "-c", "FILE:\(cache)", dc.servicePrincipal)
        let connection = try await dc.connect(.startTLS(dc.tls))
        defer { connection.close() }
        let result = try await connection.windowsBind(
            service: .credentialCache("FILE:\(cache)"), settings: dc.settings(.kerberos))
        #expect(result.resultCode == .success)
        try await expectFinds(connection, "bob")
        let empty = try await dc.connect(.startTLS(dc.tls))
        defer { empty.close() }
        await #expect(throws: WindowsBindError.self) {
            _ = try await empty.windowsBind(
                service: .credentialCache("FILE:\(cache).missing"), settings: dc.settings(.kerberos))
        }
    }
}
