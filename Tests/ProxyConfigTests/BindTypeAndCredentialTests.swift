import Testing

@testable import ProxyConfig

/// Bind types for queries and authentications, the service account, and where its password comes from.
@Suite("Bind types and credentials")
struct BindTypeAndCredentialTests {
    static let servers = """
        directory:
          servers: "ldaps://dir.example.test"
          base_dn: "dc=example,dc=test"
        """

    @Test("reads the password file without its trailing newline")
    func passwordFile() throws {
        let sandbox = try Sandbox()
        try sandbox.write("secrets/bind", "s3cret pass\n")
        let configuration = try sandbox.load(
            Sandbox.directory + "\n  bind_password_file: secrets/bind\n", environment: [:])
        #expect(configuration.directory.bindPassword?.utf8String == "s3cret pass")
        #expect(configuration.directory.bindDN?.description == "cn=reader,ou=service,dc=example,dc=test")
    }

    @Test("removes only one trailing line break, CRLF included")
    func oneLineBreak() throws {
        let sandbox = try Sandbox()
        try sandbox.write("bind", "pass\n\n")
        try sandbox.write("bind-crlf", "pass\r\n")
        let twice = try sandbox.load(Sandbox.directory + "\n  bind_password_file: bind\n", environment: [:])
        let crlf = try sandbox.load(Sandbox.directory + "\n  bind_password_file: bind-crlf\n", environment: [:])
        #expect(twice.directory.bindPassword?.utf8String == "pass\n")
        #expect(crlf.directory.bindPassword?.utf8String == "pass")
    }

    @Test("names the key and the path of a missing or empty password file")
    func badPasswordFile() throws {
        let sandbox = try Sandbox()
        let empty = try sandbox.write("empty", "\n")
        let missing = sandbox.problems(Sandbox.directory + "\n  bind_password_file: nope\n", environment: [:])
        #expect(missing.map(\.keyPath) == ["directory.bind_password_file"])
        #expect(missing.first?.message == "cannot read '\(sandbox.path)/nope': no such file")
        let blank = sandbox.problems(Sandbox.directory + "\n  bind_password_file: empty\n", environment: [:])
        #expect(blank.map(\.keyPath) == ["directory.bind_password_file"])
        #expect(blank.first?.message.contains(empty) == true)
    }

    @Test("needs a password for simple and ssl queries")
    func passwordRequired() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Sandbox.directory, environment: [:])
        #expect(problems.map(\.keyPath) == ["directory.bind_password_file"])
        #expect(problems.first?.fix.contains("LDAP_MFA_PROXY_BIND_PASSWORD") == true)
    }

    @Test("refuses a password written in the file, and does not suggest that key for a misspelt one")
    func inlinePassword() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Sandbox.directory + "\n  bind_password: hunter2\n")
        #expect(problems.map(\.keyPath) == ["directory.bind_password"])
        #expect(
            problems.first?.fix
                == "put it in a file and set bind_password_file, or set LDAP_MFA_PROXY_BIND_PASSWORD")
        #expect(problems.first.map { String(describing: $0) }?.contains("hunter2") == false)
    }

    @Test("lets the environment's password win over the file, which is then not read")
    func environmentPasswordWins() throws {
        let sandbox = try Sandbox()
        let configuration = try sandbox.load(
            Sandbox.directory + "\n  bind_password_file: does-not-exist\n",
            environment: ["LDAP_MFA_PROXY_BIND_PASSWORD": "from-env"])
        #expect(configuration.directory.bindPassword?.utf8String == "from-env")
        #expect(configuration.warnings.map(\.keyPath) == ["directory.bind_password_file"])
    }

    @Test("needs a bind DN for simple and ssl queries")
    func bindDNRequired() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Self.servers + "\n  bind_type:\n    queries: simple\n")
        #expect(problems.map(\.keyPath) == ["directory.bind_dn"])
    }

    @Test("needs neither bind DN nor password for anonymous queries")
    func anonymousQueries() throws {
        let sandbox = try Sandbox()
        let configuration = try sandbox.load(
            Self.servers + "\n  bind_type:\n    queries: anonymous\n", environment: [:])
        #expect(configuration.directory.bindType.queries == .anonymous)
        #expect(configuration.directory.bindType.authentications == .ssl)
        #expect(configuration.directory.bindDN == nil)
        #expect(configuration.directory.bindPassword == nil)
    }

    @Test("accepts windows for both purposes (issue 5; details in WindowsConfigTests)")
    func windowsAccepted() throws {
        let sandbox = try Sandbox()
        let yaml = Self.servers + "\n  bind_type:\n    queries: windows\n    authentications: Windows\n"
        let configuration = try sandbox.load(yaml, environment: [:])
        #expect(configuration.directory.bindType == .init(queries: .windows, authentications: .windows))
    }

    @Test("refuses anonymous for authentications")
    func anonymousAuthentications() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Sandbox.directory + "\n  bind_type:\n    authentications: anonymous\n")
        #expect(problems.map(\.keyPath) == ["directory.bind_type.authentications"])
    }

    @Test("lists the valid values of an unknown bind type")
    func unknownBindType() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Sandbox.directory + "\n  bind_type:\n    queries: kerberos\n")
        #expect(problems.map(\.keyPath) == ["directory.bind_type.queries"])
        #expect(problems.first?.fix == "use one of: anonymous, simple, ssl, windows")
    }

    @Test("reads username attributes in order and rejects names that are not attributes")
    func usernameAttributes() throws {
        let sandbox = try Sandbox()
        let yaml = Sandbox.directory + "\n  attributes:\n    username: [userPrincipalName, sAMAccountName]\n"
        #expect(try sandbox.load(yaml).directory.usernameAttributes == ["userPrincipalName", "sAMAccountName"])
        #expect(try sandbox.load(Sandbox.directory).directory.usernameAttributes == ["uid"])
        let bad = sandbox.problems(Sandbox.directory + "\n  attributes:\n    username: [uid, \"mail address\"]\n")
        #expect(bad.map(\.keyPath) == ["directory.attributes.username[1]"])
    }
}
