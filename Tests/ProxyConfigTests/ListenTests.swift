import Testing

@testable import ProxyConfig

/// `listen`: addresses, the certificate, and what needs it.
@Suite("Listen")
struct ListenTests {
    @Test("reads IPv4 and bracketed IPv6 addresses and the certificate, relative to the file's folder")
    func addressesAndTLS() throws {
        let sandbox = try Sandbox()
        let certificate = try sandbox.write("tls/server.pem")
        let key = try sandbox.write("tls/server.key")
        let yaml = """
            listen:
              ldap: "0.0.0.0:389"
              ldaps: "[::]:636"
              tls:
                certificate: tls/server.pem
                key: ./tls/../tls/server.key
                min_version: 1.3
                ciphers: "ECDHE+AESGCM"
            \(Sandbox.directory)
            """
        let listen = try sandbox.load(yaml).listen
        #expect(listen.ldap?.description == "0.0.0.0:389")
        #expect(listen.ldaps == ListenAddress(host: "::", port: 636))
        #expect(listen.ldaps?.description == "[::]:636")
        #expect(listen.tls?.certificateFile == certificate)
        #expect(listen.tls?.privateKeyFile == key)
        #expect(listen.tls?.minimumVersion == .v1_3)
        #expect(listen.tls?.ciphers == "ECDHE+AESGCM")
        #expect(listen.offersStartTLS)
    }

    @Test("needs a certificate and key for LDAPS")
    func ldapsNeedsCertificate() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems("listen:\n  ldaps: 127.0.0.1:6360\n" + Sandbox.directory)
        #expect(problems.map(\.keyPath) == ["listen.tls.certificate"])
    }

    @Test("names a certificate file that cannot be read, and a key without its certificate")
    func unreadableCertificate() throws {
        let sandbox = try Sandbox()
        try sandbox.write("server.key")
        let problems = sandbox.problems(
            "listen:\n  tls:\n    certificate: missing.pem\n    key: server.key\n" + Sandbox.directory)
        #expect(problems.map(\.keyPath) == ["listen.tls.certificate"])
        #expect(problems.first?.message == "cannot read '\(sandbox.path)/missing.pem': no such file")
    }

    @Test("refuses a port without host, an unbracketed IPv6 address, and both listeners off")
    func badAddresses() throws {
        let sandbox = try Sandbox()
        #expect(sandbox.problems("listen:\n  ldap: \"3890\"\n" + Sandbox.directory).map(\.keyPath) == ["listen.ldap"])
        #expect(
            sandbox.problems("listen:\n  ldap: \"::1:389\"\n" + Sandbox.directory).map(\.keyPath) == ["listen.ldap"])
        #expect(sandbox.problems("listen:\n  ldap: \"\"\n" + Sandbox.directory).map(\.keyPath) == ["listen"])
    }

    @Test("warns about a plain port on the network without StartTLS")
    func plainWithoutStartTLS() throws {
        let sandbox = try Sandbox()
        let configuration = try sandbox.load("listen:\n  ldap: 0.0.0.0:389\n" + Sandbox.directory)
        #expect(configuration.warnings.map(\.keyPath) == ["listen.ldap"])
    }
}
