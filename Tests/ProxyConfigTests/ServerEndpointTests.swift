import Testing

@testable import ProxyConfig

/// Writing servers as Azure MFA Server does (`a;b`) or as a list, and how their connections are secured.
@Suite("Directory servers")
struct ServerEndpointTests {
    @Test(
        "parses URLs, bare hosts and IPv6 literals",
        arguments: [
            ("ldap://dc1.example.test:3389", ServerEndpoint.Scheme.ldap, "dc1.example.test", 3389),
            ("ldaps://dc1.example.test", .ldaps, "dc1.example.test", 636),
            ("LDAP://dc1/", .ldap, "dc1", 389),
            ("ldap://[::1]:389", .ldap, "::1", 389),
            ("ldaps://[fe80::1%eth0]", .ldaps, "fe80::1%eth0", 636),
            ("dc2.example.test", .ldap, "dc2.example.test", 389),
            ("10.0.0.5:10389", .ldap, "10.0.0.5", 10389),
            ("[2001:db8::5]:636", .ldap, "2001:db8::5", 636),
        ])
    func parses(text: String, scheme: ServerEndpoint.Scheme, host: String, port: Int) throws {
        let endpoint = try ServerEndpoint.parse(text).get()
        #expect(endpoint.url == text)
        #expect(endpoint.scheme == scheme)
        #expect(endpoint.host == host)
        #expect(endpoint.port == port)
    }

    @Test(
        "rejects other schemes, bad ports, paths and unbracketed IPv6",
        arguments: [
            "ldapi://%2Frun%2Fslapd", "http://dc1", "ldap://dc1:0", "ldap://dc1:65536", "ldap://dc1:x",
            "ldap://dc1:", "ldap://dc1/dc=example", "ldap://user@dc1", "::1", "ldap://[::1", "ldap://", "dc 1",
        ])
    func rejects(text: String) {
        #expect(throws: HostPortError.self) { try ServerEndpoint.parse(text).get() }
    }

    @Test("names the index of an empty item in 'a;;b'")
    func emptyItem() throws {
        let sandbox = try Sandbox()
        let yaml = Sandbox.directory.replacingOccurrences(
            of: "\"ldaps://dir.example.test\"", with: "\"ldaps://a;;ldaps://b\"")
        let problems = sandbox.problems(yaml)
        #expect(problems.map(\.keyPath) == ["directory.servers[1]"])
        #expect(problems.first?.message == "the server is empty")
    }

    @Test("names the index of a bad item in a list")
    func badListItem() throws {
        let sandbox = try Sandbox()
        let yaml = """
            directory:
              servers:
                - ldaps://a.example.test
                - ldaps://b.example.test:99999
                - url: ftp://c.example.test
              base_dn: "dc=example,dc=test"
              bind_dn: "cn=reader,dc=example,dc=test"
            """
        let problems = sandbox.problems(yaml)
        #expect(problems.map(\.keyPath) == ["directory.servers[1]", "directory.servers[2].url"])
    }

    @Test("gives the same endpoints for the text and the list form")
    func textAndListAgree() throws {
        let sandbox = try Sandbox()
        let text = try sandbox.load(
            """
            directory:
              servers: "ldap://127.0.0.1:3389; ldaps://127.0.0.1:3636;backup.example.test"
              base_dn: "dc=example,dc=test"
              bind_dn: "cn=reader,dc=example,dc=test"
            """)
        let list = try sandbox.load(
            """
            directory:
              servers:
                - ldap://127.0.0.1:3389
                - url: ldaps://127.0.0.1:3636
                - backup.example.test
              base_dn: "dc=example,dc=test"
              bind_dn: "cn=reader,dc=example,dc=test"
            """)
        #expect(text.directory.servers.count == 3)
        #expect(text.directory.servers == list.directory.servers)
        #expect(
            text.directory.servers.map(\.description) == [
                "ldap://127.0.0.1:3389", "ldaps://127.0.0.1:3636", "ldap://backup.example.test:389",
            ])
    }

    @Test("lets a server override the global TLS settings")
    func perServerTLS() throws {
        let sandbox = try Sandbox()
        let globalCA = try sandbox.write("tls/ca.pem")
        let otherCA = try sandbox.write("tls/other.pem")
        let configuration = try sandbox.load(
            """
            directory:
              servers:
                - ldap://a.example.test
                - url: ldap://b.example.test
                  starttls: false
                  ca_file: tls/other.pem
                  verify_hostname: false
              base_dn: "dc=example,dc=test"
              bind_dn: "cn=reader,dc=example,dc=test"
              bind_type: {queries: simple, authentications: simple}
              tls:
                ca_file: tls/ca.pem
                starttls: true
            """)
        let servers = configuration.directory.servers
        #expect(servers.map(\.caFile) == [globalCA, otherCA])
        #expect(servers.map(\.starttls) == [true, false])
        #expect(servers.map(\.verifyHostname) == [true, false])
        #expect(servers.map { $0.security(for: .simple) } == [.startTLS, .plain])
        #expect(configuration.warnings.map(\.keyPath).contains("directory.servers[1].verify_hostname"))
    }

    @Test("derives the connection's security from the scheme, the bind type and starttls")
    func security() {
        let ldap = ServerEndpoint(url: "ldap://h", scheme: .ldap, host: "h", port: 389)
        let ldaps = ServerEndpoint(url: "ldaps://h", scheme: .ldaps, host: "h", port: 636, starttls: false)
        var forcedOn = ldap
        forcedOn.starttls = true
        var forcedOff = ldap
        forcedOff.starttls = false
        #expect(ldaps.security(for: .simple) == .tls)
        #expect(ldaps.security(for: .ssl) == .tls)
        #expect(ldap.security(for: .ssl) == .startTLS)
        #expect(ldap.security(for: .simple) == .plain)
        #expect(ldap.security(for: .anonymous) == .plain)
        #expect(forcedOn.security(for: .simple) == .startTLS)
        #expect(forcedOff.security(for: .ssl) == nil)
        #expect(forcedOff.security(for: .simple) == .plain)
    }

    @Test("refuses bind type ssl on an ldap:// server with starttls: false")
    func sslWithoutTLS() throws {
        let sandbox = try Sandbox()
        let yaml = """
            directory:
              servers:
                - ldaps://a.example.test
                - url: ldap://b.example.test
                  starttls: false
              base_dn: "dc=example,dc=test"
              bind_dn: "cn=reader,dc=example,dc=test"
            """
        let problems = sandbox.problems(yaml)
        #expect(problems.map(\.keyPath) == ["directory.servers[1]"])
        #expect(problems.first?.message.contains("bind type ssl") == true)
    }

    @Test("warns when passwords would cross the network in clear, but not on loopback")
    func plainWarning() throws {
        let sandbox = try Sandbox()
        let configuration = try sandbox.load(
            """
            directory:
              servers: "ldap://127.0.0.1:3389;ldap://dir.example.test"
              base_dn: "dc=example,dc=test"
              bind_dn: "cn=reader,dc=example,dc=test"
              bind_type: {queries: simple, authentications: simple}
            """)
        #expect(configuration.warnings.map(\.keyPath) == ["directory.servers[1]"])
        #expect(configuration.warnings.first?.message.contains("unencrypted") == true)
    }
}
