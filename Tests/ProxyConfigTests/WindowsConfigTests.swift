import Testing

@testable import ProxyConfig

/// `directory.bind_type: windows`, `directory.windows.*` and `directory.referrals` (issue 5).
@Suite("windows bind type configuration")
struct WindowsConfigTests {
    static let directory = """
        directory:
          servers: "ldap://dc1.example.test"
          base_dn: "DC=corp,DC=example,DC=test"
          bind_type:
            queries: windows
            authentications: windows
        """

    @Test("with no bind username, queries use the process's Kerberos credentials: no password needed")
    func processCredentials() throws {
        let configuration = try Sandbox().load(Self.directory, environment: [:])
        #expect(configuration.directory.windowsBindName == nil)
        #expect(configuration.directory.bindPassword == nil)
    }

    @Test("realm and NetBIOS domain default from the base DN; mechanism defaults to negotiate")
    func defaults() throws {
        let windows = try Sandbox().load(Self.directory, environment: [:]).directory.windows
        #expect(windows.realm == "CORP.EXAMPLE.TEST")
        #expect(windows.domain == "CORP")
        #expect(windows.mechanism == "negotiate")
        #expect(windows.servicePrincipalHost == nil)
        #expect(windows.channelBinding)
        #expect(try Sandbox().load(Self.directory, environment: [:]).directory.referrals == .return)
    }

    @Test("a bind username is kept as written (DOMAIN\\\\user) and needs its password")
    func bindUsername() throws {
        let sandbox = try Sandbox()
        let yaml = Self.directory + "\n  bind_dn: 'CORP\\svc-proxy'\n"
        let problems = sandbox.problems(yaml, environment: [:])
        #expect(problems.map(\.keyPath) == ["directory.bind_password_file"])
        let configuration = try sandbox.load(yaml)
        #expect(configuration.directory.windowsBindName == "CORP\\svc-proxy")
        #expect(configuration.directory.bindPassword != nil)
    }

    @Test("refuses a DN as the windows query account (a logon name is needed)")
    func bindDNRefused() throws {
        let yaml = Self.directory + "\n  bind_dn: 'CN=svc,DC=corp,DC=example,DC=test'\n"
        let problems = try Sandbox().problems(yaml)
        #expect(problems.map(\.keyPath) == ["directory.bind_dn"])
        #expect(problems.first?.message.contains("logon name") == true)
    }

    @Test("reads every directory.windows key")
    func keys() throws {
        let sandbox = try Sandbox()
        let krb5 = try sandbox.write("krb5.conf", "[libdefaults]\n")
        let keytab = try sandbox.write("proxy.keytab", "x")
        let yaml =
            Self.directory + """

                  windows:
                    mechanism: kerberos
                    domain: EXAMPLE
                    realm: EXAMPLE.TEST
                    krb5_config: \(krb5)
                    service_principal_host: dc1.example.test
                    keytab: \(keytab)
                    keytab_principal: svc-proxy@EXAMPLE.TEST
                    channel_binding: false
                """
        let windows = try sandbox.load(yaml, environment: [:]).directory.windows
        #expect(windows.mechanism == "kerberos")
        #expect(windows.domain == "EXAMPLE" && windows.realm == "EXAMPLE.TEST")
        #expect(windows.krb5Config == krb5)
        #expect(windows.servicePrincipalHost == "dc1.example.test")
        #expect(windows.keytab == keytab && windows.keytabPrincipal == "svc-proxy@EXAMPLE.TEST")
        #expect(!windows.channelBinding)
    }

    @Test("refuses an unknown mechanism, a keytab without principal, and referral chasing without hosts")
    func refusals() throws {
        let sandbox = try Sandbox()
        let keytab = try sandbox.write("proxy.keytab", "x")
        let yaml =
            Self.directory + """

                  referrals: chase
                  windows:
                    mechanism: ntlmv1
                    keytab: \(keytab)
                """
        let problems = sandbox.problems(yaml, environment: [:])
        #expect(
            Set(problems.map(\.keyPath)) == [
                "directory.windows.mechanism", "directory.windows.keytab_principal", "directory.referral_hosts",
            ])
        #expect(problems.first { $0.keyPath == "directory.referral_hosts" }?.message.contains("chase") == true)
    }

    @Test("referral chasing with its trusted hosts")
    func chase() throws {
        let sandbox = try Sandbox()
        let yaml =
            Self.directory + """

                  referrals: chase
                  referral_hosts: [dc1.child.example.test, DC2.child.example.test]
                """
        let directory = try sandbox.load(yaml, environment: [:]).directory
        #expect(directory.referrals == .chase)
        #expect(directory.referralHosts == ["dc1.child.example.test", "DC2.child.example.test"])
        let plain = try sandbox.load(Self.directory, environment: [:]).directory
        #expect(plain.referrals == .return && plain.referralHosts.isEmpty)
    }
}
