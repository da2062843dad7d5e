import Testing

@testable import ProxyConfig

/// Problems name the key, say what is wrong, and say how to fix it; all of them are collected.
@Suite("Problem reporting")
struct ProblemReportingTests {
    @Test("names the key of an unknown setting and suggests the closest known one")
    func unknownKey() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Sandbox.directory + "\n  bind_passwrd: x\n")
        #expect(problems.count == 1)
        #expect(problems.first?.keyPath == "directory.bind_passwrd")
        #expect(problems.first?.message == "unknown key 'directory.bind_passwrd'")
        #expect(problems.first?.fix == "did you mean 'directory.bind_password_file'?")
    }

    @Test("suggests a key's section when the key is in the wrong one")
    func keyInWrongSection() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Sandbox.directory + "\nlisten:\n  base_dn: dc=x\n")
        #expect(problems.map(\.keyPath) == ["listen.base_dn"])
        #expect(problems.first?.fix.contains("'directory.base_dn'") == true)
    }

    @Test("reports an unknown top-level section and unknown keys in server maps")
    func unknownSectionAndServerKey() throws {
        let sandbox = try Sandbox()
        let yaml = """
            directory:
              servers:
                - url: ldaps://a.example.test
                  verify_hostnme: true
              base_dn: "dc=example,dc=test"
              bind_dn: "cn=reader,dc=example,dc=test"
            metrics:
              port: 9090
            """
        let problems = sandbox.problems(yaml)
        #expect(Set(problems.map(\.keyPath)) == ["directory.servers[0].verify_hostnme", "metrics"])
        #expect(problems.first { $0.keyPath.hasSuffix("verify_hostnme") }?.fix.contains("verify_hostname") == true)
    }

    @Test("says which type was expected and what was found")
    func wrongType() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Sandbox.directory + "\nlisten:\n  max_connections: many\n")
        #expect(problems.map(\.keyPath) == ["listen.max_connections"])
        #expect(problems.first?.message == "expected an integer, found 'many'")
    }

    @Test("reports a section given where a value belongs, and a value where a section belongs")
    func sectionsAndValuesSwapped() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Sandbox.directory + "\n  connect_timeout:\n    seconds: 5\nmfa: totp\n")
        #expect(Set(problems.map(\.keyPath)) == ["directory.connect_timeout", "mfa"])
    }

    @Test("gives the line and column of a YAML syntax error")
    func syntaxError() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems("directory:\n  servers: [a, b\n  base_dn: x\n")
        #expect(problems.count == 1)
        #expect(problems.first?.keyPath == "")
        #expect(problems.first?.message.contains("line 3") == true)
        #expect(problems.first?.message.contains("column") == true)
    }

    @Test("reports a key written twice in one section, with its line")
    func duplicateKey() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Sandbox.directory + "\n  base_dn: dc=other\n")
        #expect(problems.count == 1)
        #expect(problems.first?.message.contains("'base_dn' appears more than once") == true)
        #expect(problems.first?.message.contains("line ") == true)
    }

    @Test("names the required keys that are missing")
    func missingRequired() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems("directory:\n  bind_dn: cn=reader,dc=example,dc=test\n")
        #expect(problems.map(\.keyPath) == ["directory.servers", "directory.base_dn"])
        #expect(problems.allSatisfy { $0.message.hasPrefix("missing") })
    }

    @Test("reports an empty file as missing the required keys")
    func emptyFile() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems("", environment: [:])
        #expect(problems.map(\.keyPath).contains("directory.servers"))
        #expect(problems.map(\.keyPath).contains("directory.base_dn"))
    }

    @Test("checks distinguished names with the DN parser")
    func invalidDN() throws {
        let sandbox = try Sandbox()
        let yaml = """
            directory:
              servers: ldaps://dir.example.test
              base_dn: "dc=example,"
              bind_dn: "reader"
            """
        let problems = sandbox.problems(yaml)
        #expect(problems.map(\.keyPath) == ["directory.base_dn", "directory.bind_dn"])
        #expect(problems.allSatisfy { $0.message.contains("is not a distinguished name") })
    }

    @Test(
        "checks ranges of numbers, sizes and durations",
        arguments: [
            ("mfa:\n  totp:\n    digits: 9", "mfa.totp.digits"),
            ("mfa:\n  totp:\n    window: 11", "mfa.totp.window"),
            ("listen:\n  max_message_size: 100", "listen.max_message_size"),
            ("listen:\n  max_message_size: 65MiB", "listen.max_message_size"),
            ("listen:\n  idle_timeout: 0s", "listen.idle_timeout"),
            ("listen:\n  idle_timeout: soon", "listen.idle_timeout"),
            ("listen:\n  ldap: 127.0.0.1:70000", "listen.ldap"),
            ("  bind_pool_size: 0", "directory.bind_pool_size"),
            ("  quarantine_initial: 2m\n  quarantine_max: 1m", "directory.quarantine_max"),
        ])
    func ranges(yaml: String, keyPath: String) throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Sandbox.directory + "\n" + yaml)
        #expect(problems.map(\.keyPath) == [keyPath])
    }

    @Test("collects every problem instead of stopping at the first")
    func collectsAll() throws {
        let sandbox = try Sandbox()
        let yaml = """
            listen:
              max_connections: many
            directory:
              servers: "ldap://a;;ftp://b"
              base_dn: "dc=example,dc=test"
              bind_type:
                queries: windows
                authentications: anonymous
            mfa:
              provider: duo
              exempt:
                networks: [10.0.0.0/33]
            log:
              level: loud
            """
        let problems = sandbox.problems(yaml)
        #expect(
            problems.map(\.keyPath) == [
                "listen.max_connections", "directory.servers[1]", "directory.servers[2]",
                "directory.bind_type.authentications", "mfa.provider", "mfa.exempt.networks[0]", "log.level",
            ])
    }

    @Test("prints one problem per line as 'key: message. Fix: fix'")
    func errorDescription() {
        let error = ConfigError(problems: [
            ConfigProblem(keyPath: "directory.servers[1]", message: "the server is empty", fix: "remove the ';'"),
            ConfigProblem(keyPath: "", message: "YAML syntax error at line 1, column 2: x", fix: "correct it"),
        ])
        #expect(
            error.description == """
                directory.servers[1]: the server is empty. Fix: remove the ';'
                YAML syntax error at line 1, column 2: x. Fix: correct it
                """)
    }
}
