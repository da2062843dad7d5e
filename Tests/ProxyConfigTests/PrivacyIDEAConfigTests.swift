import Testing

@testable import ProxyConfig

/// `mfa.privacyidea`: the server, its TLS, and how long checks and pushes may take.
@Suite("privacyIDEA provider")
struct PrivacyIDEAConfigTests {
    /// The directory section with `mfa.provider: privacyidea` and `lines` under `mfa.privacyidea`.
    static func yaml(_ lines: String...) -> String {
        Sandbox.directory + "\nmfa:\n  provider: privacyidea\n  privacyidea:\n"
            + lines.map { "    \($0)\n" }.joined()
    }

    @Test("reads every key, with relative paths from the file's folder")
    func everyKey() throws {
        let sandbox = try Sandbox()
        let ca = try sandbox.write("tls/pi-ca.pem")
        let configuration = try sandbox.load(
            Self.yaml(
                "url: https://pi.example.test:8443/pi", "realm: corp", "ca_file: tls/pi-ca.pem",
                "push_timeout: 90s", "timeout: 5s"))
        let privacyIDEA = try #require(configuration.mfa.privacyIDEA)
        #expect(privacyIDEA.url.absoluteString == "https://pi.example.test:8443/pi")
        #expect(privacyIDEA.realm == "corp")
        #expect(privacyIDEA.caFile == ca)
        #expect(privacyIDEA.verifyHostname)
        #expect(privacyIDEA.pushTimeout == .seconds(90))
        #expect(privacyIDEA.timeout == .seconds(5))
        #expect(configuration.warnings.isEmpty)
    }

    @Test("fills in the defaults: no realm, system roots, hostname checked, 60s push, 10s per request")
    func defaults() throws {
        let sandbox = try Sandbox()
        let privacyIDEA = try #require(try sandbox.load(Self.yaml("url: https://pi.example.test")).mfa.privacyIDEA)
        #expect(privacyIDEA.realm == nil)
        #expect(privacyIDEA.caFile == nil)
        #expect(privacyIDEA.verifyHostname)
        #expect(privacyIDEA.pushTimeout == .seconds(60))
        #expect(privacyIDEA.timeout == .seconds(10))
    }

    @Test("needs the URL when privacyidea is the provider")
    func missingURL() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Sandbox.directory + "\nmfa:\n  provider: privacyidea\n")
        #expect(problems.map(\.keyPath) == ["mfa.privacyidea.url"])
        #expect(problems.first?.message == "missing: provider privacyidea needs the server's URL")
    }

    @Test(
        "refuses what is not an http or https URL to a server",
        arguments: [
            "pi.example.test", "ftp://pi.example.test", "https://", "https://admin:pw@pi.example.test",
            "https://pi.example.test/?realm=x", "https://pi.example.test:70000", "[a, b]",
        ])
    func badURL(url: String) throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Self.yaml("url: \(url)"))
        #expect(problems.map(\.keyPath) == ["mfa.privacyidea.url"])
    }

    @Test("does not repeat a password written in the URL")
    func passwordInURL() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Self.yaml("url: https://admin:hunter2@pi.example.test"))
        #expect(problems.first?.message == "holds a user name or password")
        #expect(!problems.description.contains("hunter2"))
    }

    @Test("warns about http:// to another host, but not to loopback")
    func plainHTTP() throws {
        let sandbox = try Sandbox()
        let remote = try sandbox.load(Self.yaml("url: http://pi.example.test"))
        #expect(remote.warnings.map(\.keyPath) == ["mfa.privacyidea.url"])
        #expect(remote.warnings.first?.message == "users' codes would travel unencrypted to pi.example.test")
        for url in ["http://127.0.0.1:5000", "http://localhost:5000/pi", "http://[::1]:5000"] {
            let local = try sandbox.load(Self.yaml("url: \"\(url)\""))
            #expect(local.warnings.isEmpty, "\(url)")
        }
    }

    @Test("names a CA file that cannot be read")
    func missingCAFile() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Self.yaml("url: https://pi.example.test", "ca_file: nope.pem"))
        #expect(problems.map(\.keyPath) == ["mfa.privacyidea.ca_file"])
        #expect(problems.first?.message == "cannot read '\(sandbox.path)/nope.pem': no such file")
    }

    @Test(
        "checks the ranges of the timeouts",
        arguments: [
            ("push_timeout: 500ms", "mfa.privacyidea.push_timeout"),
            ("push_timeout: 11m", "mfa.privacyidea.push_timeout"),
            ("timeout: 0s", "mfa.privacyidea.timeout"),
            ("timeout: 6m", "mfa.privacyidea.timeout"),
            ("verify_hostname: maybe", "mfa.privacyidea.verify_hostname"),
        ])
    func ranges(line: String, keyPath: String) throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Self.yaml("url: https://pi.example.test", line))
        #expect(problems.map(\.keyPath) == [keyPath])
    }

    @Test("says the push timeout's range in its problem")
    func pushTimeoutMessage() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Self.yaml("url: https://pi.example.test", "push_timeout: 0"))
        #expect(problems.first?.message == "must be from 1s to 10m, found '0'")
    }

    @Test("warns when hostname verification is off")
    func verifyHostnameOff() throws {
        let sandbox = try Sandbox()
        let configuration = try sandbox.load(Self.yaml("url: https://pi.example.test", "verify_hostname: false"))
        #expect(configuration.mfa.privacyIDEA?.verifyHostname == false)
        #expect(configuration.warnings.map(\.keyPath) == ["mfa.privacyidea.verify_hostname"])
    }

    @Test("checks the section but warns that it is unused when another provider is chosen")
    func unusedSection() throws {
        let sandbox = try Sandbox()
        let yaml = Sandbox.directory + "\nmfa:\n  privacyidea:\n    realm: corp\n"
        let configuration = try sandbox.load(yaml)
        #expect(configuration.mfa.provider == .totp)
        #expect(configuration.mfa.privacyIDEA == nil)
        #expect(configuration.warnings.map(\.keyPath) == ["mfa.privacyidea"])
        #expect(configuration.warnings.first?.message == "not used: mfa.provider is totp")
        let problems = sandbox.problems(yaml + "    url: pi.example.test\n")
        #expect(problems.map(\.keyPath) == ["mfa.privacyidea.url"])
    }

    @Test("takes the URL from the environment")
    func urlFromEnvironment() throws {
        let sandbox = try Sandbox()
        var environment = Sandbox.passwordEnvironment
        environment["LDAP_MFA_PROXY__MFA__PROVIDER"] = "privacyidea"
        environment["LDAP_MFA_PROXY__MFA__PRIVACYIDEA__URL"] = "https://pi.example.test/"
        let configuration = try sandbox.load(Sandbox.directory, environment: environment)
        #expect(configuration.mfa.privacyIDEA?.url.host == "pi.example.test")
    }
}
