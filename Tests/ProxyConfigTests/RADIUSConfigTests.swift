import Testing

@testable import ProxyConfig

/// `mfa.radius`: servers, the shared secret (never in the file), and how requests are sent.
@Suite("RADIUS provider")
struct RADIUSConfigTests {
    static let secret = "a-shared-secret-of-30-bytes-xx"

    /// The directory section with `mfa.provider: radius` and `lines` under `mfa.radius`.
    static func yaml(_ lines: String...) -> String {
        Sandbox.directory + "\nmfa:\n  provider: radius\n  radius:\n" + lines.map { "    \($0)\n" }.joined()
    }

    /// The bind password and `LDAP_MFA_PROXY_RADIUS_SECRET`.
    static func environment(secret: String) -> [String: String] {
        Sandbox.passwordEnvironment.merging(["LDAP_MFA_PROXY_RADIUS_SECRET": secret]) { $1 }
    }

    /// A sandbox with the shared secret in `radius.secret`.
    static func sandbox() throws -> Sandbox {
        let sandbox = try Sandbox()
        try sandbox.write("radius.secret", secret + "\n")
        return sandbox
    }

    @Test("reads servers as a list or as text with ';' or ',', with port 1812 by default")
    func servers() throws {
        let sandbox = try Self.sandbox()
        let list = try sandbox.load(
            Self.yaml(
                "servers:", "  - radius1.example.test", "  - 192.0.2.10:1645", "  - \"[2001:db8::1]\"",
                "secret_file: radius.secret"))
        let text = try sandbox.load(
            Self.yaml(
                "servers: \"radius1.example.test; 192.0.2.10:1645, [2001:db8::1]\"", "secret_file: radius.secret"))
        let expected: [ProxyConfiguration.MFA.RADIUS.Server] = [
            .init(host: "radius1.example.test"), .init(host: "192.0.2.10", port: 1645), .init(host: "2001:db8::1"),
        ]
        #expect(list.mfa.radius?.servers == expected)
        #expect(text.mfa.radius?.servers == expected)
        #expect(expected.map(\.description) == ["radius1.example.test:1812", "192.0.2.10:1645", "[2001:db8::1]:1812"])
    }

    @Test("reads the secret file without its line break, and every other key")
    func everyKey() throws {
        let sandbox = try Self.sandbox()
        let configuration = try sandbox.load(
            Self.yaml(
                "servers: [radius.example.test]", "secret_file: radius.secret", "timeout: 500ms", "retries: 5",
                "send: password_and_code", "nas_identifier: vpn-ldap"))
        let radius = try #require(configuration.mfa.radius)
        #expect(radius.secret.utf8String == Self.secret)
        #expect(radius.timeout == .milliseconds(500))
        #expect(radius.retries == 5)
        #expect(radius.send == .passwordAndCode)
        #expect(radius.nasIdentifier == "vpn-ldap")
        #expect(configuration.warnings.isEmpty)
    }

    @Test("fills in the defaults: 2s per try, 3 tries, the code alone, NAS-Identifier ldap-mfa-proxy")
    func defaults() throws {
        let sandbox = try Self.sandbox()
        let radius = try #require(
            try sandbox.load(Self.yaml("servers: radius.example.test", "secret_file: radius.secret")).mfa.radius)
        #expect(radius.timeout == .seconds(2))
        #expect(radius.retries == 3)
        #expect(radius.send == .code)
        #expect(radius.nasIdentifier == "ldap-mfa-proxy")
    }

    @Test("needs servers and a secret when radius is the provider")
    func required() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Sandbox.directory + "\nmfa:\n  provider: radius\n")
        #expect(problems.map(\.keyPath) == ["mfa.radius.servers", "mfa.radius.secret_file"])
        #expect(problems.last?.fix.contains("LDAP_MFA_PROXY_RADIUS_SECRET") == true)
        let empty = sandbox.problems(Self.yaml("servers: []"), environment: Self.environment(secret: "s"))
        #expect(empty.map(\.keyPath) == ["mfa.radius.servers"])
        #expect(empty.first?.message == "the list is empty")
    }

    @Test("names the index of a bad server")
    func badServers() throws {
        let sandbox = try Self.sandbox()
        let text = sandbox.problems(
            Self.yaml("servers: \"a.example.test;;b.example.test:99999\"", "secret_file: radius.secret"))
        #expect(text.map(\.keyPath) == ["mfa.radius.servers[1]", "mfa.radius.servers[2]"])
        let list = sandbox.problems(Self.yaml("servers: [\"::1\", {host: x}]", "secret_file: radius.secret"))
        #expect(list.map(\.keyPath) == ["mfa.radius.servers[0]", "mfa.radius.servers[1]"])
    }

    @Test("refuses a secret written in the file, without repeating it or suggesting the key")
    func inlineSecret() throws {
        let sandbox = try Self.sandbox()
        let problems = sandbox.problems(
            Self.yaml("servers: [radius.example.test]", "secret: hunter2hunter2", "secret_file: radius.secret"))
        #expect(problems.map(\.keyPath) == ["mfa.radius.secret"])
        #expect(problems.first?.message == "a shared secret written in the configuration is refused")
        #expect(problems.first?.fix == "put it in a file and set secret_file, or set LDAP_MFA_PROXY_RADIUS_SECRET")
        #expect(!problems.description.contains("hunter2"))
        let misspelt = sandbox.problems(
            Self.yaml("servers: [radius.example.test]", "secrt: x", "secret_file: radius.secret"))
        #expect(misspelt.map(\.keyPath) == ["mfa.radius.secrt"])
        #expect(misspelt.first?.fix.contains("'secret'") == false)
    }

    @Test("takes the secret from LDAP_MFA_PROXY_RADIUS_SECRET, which wins over the file")
    func environmentSecret() throws {
        let sandbox = try Sandbox()
        var environment = Sandbox.passwordEnvironment
        environment["LDAP_MFA_PROXY_RADIUS_SECRET"] = "from-the-environment-32-bytes-xx"
        let alone = try sandbox.load(Self.yaml("servers: [radius.example.test]"), environment: environment)
        #expect(alone.mfa.radius?.secret.utf8String == "from-the-environment-32-bytes-xx")
        #expect(alone.warnings.isEmpty)
        let both = try sandbox.load(
            Self.yaml("servers: [radius.example.test]", "secret_file: not-read"), environment: environment)
        #expect(both.mfa.radius?.secret.utf8String == "from-the-environment-32-bytes-xx")
        #expect(both.warnings.map(\.keyPath) == ["mfa.radius.secret_file"])
        environment["LDAP_MFA_PROXY_RADIUS_SECRET"] = ""
        let empty = sandbox.problems(Self.yaml("servers: [radius.example.test]"), environment: environment)
        #expect(empty.map(\.keyPath) == ["mfa.radius.secret_file"])
    }

    @Test("names a secret file that is missing or empty")
    func badSecretFile() throws {
        let sandbox = try Sandbox()
        try sandbox.write("empty.secret", "\n")
        let missing = sandbox.problems(Self.yaml("servers: [radius.example.test]", "secret_file: nope"))
        #expect(missing.map(\.keyPath) == ["mfa.radius.secret_file"])
        #expect(missing.first?.message == "cannot read '\(sandbox.path)/nope': no such file")
        let empty = sandbox.problems(Self.yaml("servers: [radius.example.test]", "secret_file: empty.secret"))
        #expect(empty.map(\.keyPath) == ["mfa.radius.secret_file"])
        #expect(empty.first?.message == "the shared secret file '\(sandbox.path)/empty.secret' is empty")
    }

    @Test("warns about a secret shorter than 16 bytes")
    func shortSecret() throws {
        let sandbox = try Sandbox()
        let configuration = try sandbox.load(
            Self.yaml("servers: [radius.example.test]"), environment: Self.environment(secret: "testing123"))
        #expect(configuration.warnings.map(\.keyPath) == ["mfa.radius.secret_file"])
        #expect(configuration.warnings.first?.message.contains("10 bytes") == true)
    }

    @Test(
        "checks ranges and choices",
        arguments: [
            ("retries: 0", "mfa.radius.retries"), ("retries: 11", "mfa.radius.retries"),
            ("timeout: 0s", "mfa.radius.timeout"), ("timeout: 2m", "mfa.radius.timeout"),
            ("send: password", "mfa.radius.send"), ("nas_identifier: \"\"", "mfa.radius.nas_identifier"),
        ])
    func ranges(line: String, keyPath: String) throws {
        let sandbox = try Self.sandbox()
        let problems = sandbox.problems(Self.yaml("servers: [radius.example.test]", "secret_file: radius.secret", line))
        #expect(problems.map(\.keyPath) == [keyPath])
    }

    @Test("checks the section but neither needs nor reads the secret when another provider is chosen")
    func unusedSection() throws {
        let sandbox = try Sandbox()
        let yaml = Sandbox.directory + "\nmfa:\n  radius:\n    servers: [radius.example.test]\n    secret_file: nope\n"
        let configuration = try sandbox.load(yaml)
        #expect(configuration.mfa.radius == nil)
        #expect(configuration.warnings.map(\.keyPath) == ["mfa.radius"])
        #expect(sandbox.problems(yaml + "    retries: 0\n").map(\.keyPath) == ["mfa.radius.retries"])
    }

    @Test("keeps the shared secret out of description and dump")
    func redacted() throws {
        let sandbox = try Self.sandbox()
        let configuration = try sandbox.load(
            Self.yaml("servers: [radius.example.test]", "secret_file: radius.secret"))
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in [String(describing: configuration), String(reflecting: configuration), dumped] {
            #expect(!text.contains(Self.secret))
        }
    }
}
