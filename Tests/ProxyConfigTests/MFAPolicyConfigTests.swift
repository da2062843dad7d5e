import LDAPCore
import Testing

@testable import ProxyConfig

/// `mfa.*` policy: fail mode, exemptions, required groups, unknown users, bind cache, lockout, push keyword.
@Suite("MFA policy")
struct MFAPolicyConfigTests {
    /// The directory section and `lines` under `mfa`.
    static func yaml(_ lines: String...) -> String {
        Sandbox.directory + "\nmfa:\n" + lines.map { "  \($0)\n" }.joined()
    }

    @Test("reads exempt DNs, subtrees, groups and networks, and required groups")
    func exemptions() throws {
        let sandbox = try Sandbox()
        let configuration = try sandbox.load(
            Self.yaml(
                "exempt:",
                "  dns: [\"cn=backup,ou=service,dc=example,dc=test\", \"uid=scanner,ou=people,dc=example,dc=test\"]",
                "  subtrees: [\"OU=Service Accounts,DC=example,DC=test\"]",
                "  groups:", "    - cn=no-mfa,ou=groups,dc=example,dc=test",
                "  networks: [10.0.0.0/8, 192.0.2.7, \"2001:db8::/32\", \"::1\"]",
                "required_groups: [\"cn=vpn-users,ou=groups,dc=example,dc=test\"]"))
        let exempt = configuration.mfa.exempt
        #expect(
            exempt.dns.map(\.description) == [
                "cn=backup,ou=service,dc=example,dc=test", "uid=scanner,ou=people,dc=example,dc=test",
            ])
        #expect(exempt.subtrees.map(\.description) == ["OU=Service Accounts,DC=example,DC=test"])
        #expect(exempt.groups.map(\.description) == ["cn=no-mfa,ou=groups,dc=example,dc=test"])
        #expect(exempt.networks == ["10.0.0.0/8", "192.0.2.7", "2001:db8::/32", "::1"])
        #expect(configuration.mfa.requiredGroups.map(\.description) == ["cn=vpn-users,ou=groups,dc=example,dc=test"])
        #expect(configuration.warnings.isEmpty)
    }

    @Test("reads DN lists from one text with ';' between DNs, so the environment can set them")
    func dnListsAsText() throws {
        let sandbox = try Sandbox()
        var environment = Sandbox.passwordEnvironment
        environment["LDAP_MFA_PROXY__MFA__EXEMPT__DNS"] = "cn=a,dc=example,dc=test; cn=b\\;c,dc=example,dc=test"
        environment["LDAP_MFA_PROXY__MFA__EXEMPT__NETWORKS"] = "10.0.0.0/8, 192.168.0.0/16"
        let exempt = try sandbox.load(Sandbox.directory, environment: environment).mfa.exempt
        #expect(exempt.dns.count == 2)
        #expect(exempt.dns.last?.rdns.first?.description == "cn=b\\;c")
        #expect(exempt.networks == ["10.0.0.0/8", "192.168.0.0/16"])
    }

    @Test(
        "names the item of a DN list that is not a DN, or is empty",
        arguments: [
            ("exempt:\n    dns: [\"cn=ok,dc=example,dc=test\", \"not a dn\"]", "mfa.exempt.dns[1]"),
            ("exempt:\n    subtrees: [\"ou=x,\"]", "mfa.exempt.subtrees[0]"),
            ("exempt:\n    subtrees: [\"\"]", "mfa.exempt.subtrees[0]"),
            ("exempt:\n    groups: \"cn=g,dc=example,dc=test;;cn=h\"", "mfa.exempt.groups[1]"),
            ("exempt:\n    groups: {cn: g}", "mfa.exempt.groups"),
            ("required_groups: [\"cn=g,dc=example,dc=test\", \"=x\"]", "mfa.required_groups[1]"),
        ])
    func badDNs(yaml: String, keyPath: String) throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Self.yaml(yaml))
        #expect(problems.map(\.keyPath) == [keyPath])
    }

    @Test(
        "names a network that is not an address range",
        arguments: [
            "10.0.0.0/33", "10.0.0", "2001:db8::/129", "vpn.example.test", "10.0.0.0/", "10.0.0.0/-1",
            "fe80::1%eth0", "10.0.0.0/8/8", "300.1.1.1", "10.0.0.0/ 8",
        ])
    func badNetworks(network: String) throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Self.yaml("exempt:", "  networks: [\"192.0.2.0/24\", \"\(network)\"]"))
        #expect(problems.map(\.keyPath) == ["mfa.exempt.networks[1]"])
    }

    @Test("parses IPv4 and IPv6 ranges and notices bits after the prefix")
    func addressRangeSyntax() throws {
        let v4 = try AddressRangeSyntax.parse("10.1.2.3/8").get()
        #expect(v4.address == [10, 1, 2, 3])
        #expect(v4.prefixLength == 8)
        #expect(v4.hasHostBits)
        #expect(v4.networkText == "10.0.0.0/8")
        let v6 = try AddressRangeSyntax.parse("2001:db8::/32").get()
        #expect(v6.address.count == 16)
        #expect(!v6.hasHostBits)
        #expect(try AddressRangeSyntax.parse("192.0.2.7").get().prefixLength == 32)
        #expect(try AddressRangeSyntax.parse("::ffff:192.0.2.0/120").get().prefixLength == 120)
        #expect(try !AddressRangeSyntax.parse("192.0.2.128/25").get().hasHostBits)
    }

    @Test("warns about a network with bits after the prefix, and one that holds every address")
    func networkWarnings() throws {
        let sandbox = try Sandbox()
        let configuration = try sandbox.load(Self.yaml("exempt:", "  networks: [10.1.2.3/8, 0.0.0.0/0, \"::/0\"]"))
        #expect(
            configuration.warnings.map(\.keyPath) == [
                "mfa.exempt.networks[0]", "mfa.exempt.networks[1]", "mfa.exempt.networks[2]",
            ])
        #expect(configuration.warnings.first?.message.contains("so it means 10.0.0.0/8") == true)
        #expect(configuration.warnings[1].message.contains("every IPv4 address") == true)
        #expect(configuration.warnings[2].message.contains("every IPv6 address") == true)
        #expect(configuration.mfa.exempt.networks == ["10.1.2.3/8", "0.0.0.0/0", "::/0"])
    }

    @Test("warns that safe mode lets users in on the password alone during an outage")
    func safeMode() throws {
        let sandbox = try Sandbox()
        let configuration = try sandbox.load(Self.yaml("fail_mode: safe"))
        #expect(configuration.mfa.failMode == .safe)
        #expect(configuration.warnings.map(\.keyPath) == ["mfa.fail_mode"])
        #expect(
            configuration.warnings.first?.message.contains("a provider outage lets users in on the password alone")
                == true)
        let problems = sandbox.problems(Self.yaml("fail_mode: open"))
        #expect(problems.map(\.keyPath) == ["mfa.fail_mode"])
        #expect(problems.first?.fix == "use one of: secure, safe")
    }

    @Test("warns when users the store does not know pass on the password alone")
    func requireUserMatchOff() throws {
        let sandbox = try Sandbox()
        let configuration = try sandbox.load(Self.yaml("require_user_match: false"))
        #expect(!configuration.mfa.requireUserMatch)
        #expect(configuration.warnings.map(\.keyPath) == ["mfa.require_user_match"])
        #expect(configuration.warnings.first?.message.contains("not yet enrolled") == true)
        #expect(try sandbox.load(Self.yaml("require_user_match: true")).warnings.isEmpty)
    }

    @Test("reads the bind cache's time to live: 0 is off, at most 10m, no warning")
    func bindCache() throws {
        let sandbox = try Sandbox()
        let on = try sandbox.load(Self.yaml("bind_cache:", "  ttl: 30s"))
        #expect(on.mfa.bindCacheTTL == .seconds(30))
        #expect(on.warnings.isEmpty)
        #expect(try sandbox.load(Self.yaml("bind_cache:", "  ttl: 0")).mfa.bindCacheTTL == .zero)
        let problems = sandbox.problems(Self.yaml("bind_cache:", "  ttl: 11m"))
        #expect(problems.map(\.keyPath) == ["mfa.bind_cache.ttl"])
        #expect(problems.first?.message == "must be from 0 to 10m, found '11m'")
    }

    @Test("reads the lockout rules; 0 turns a count off")
    func lockout() throws {
        let sandbox = try Sandbox()
        let lockout = try sandbox.load(
            Self.yaml(
                "lockout:", "  max_failures: 3", "  max_failures_per_address: 0", "  window: 5m", "  duration: 1h")
        ).mfa.lockout
        #expect(
            lockout == .init(maxFailures: 3, maxFailuresPerAddress: 0, window: .seconds(300), duration: .seconds(3600)))
    }

    @Test(
        "checks the ranges of the policy's numbers and durations",
        arguments: [
            ("lockout:\n    max_failures: -1", "mfa.lockout.max_failures"),
            ("lockout:\n    max_failures: 1001", "mfa.lockout.max_failures"),
            ("lockout:\n    max_failures_per_address: lots", "mfa.lockout.max_failures_per_address"),
            ("lockout:\n    window: 0s", "mfa.lockout.window"),
            ("lockout:\n    duration: 25h", "mfa.lockout.duration"),
            ("group_cache_ttl: 2h", "mfa.group_cache_ttl"),
            ("username_cache_ttl: 2h", "mfa.username_cache_ttl"),
            ("require_user_match: maybe", "mfa.require_user_match"),
            ("exempt:\n    subtree: [\"ou=x,dc=example,dc=test\"]", "mfa.exempt.subtree"),
        ])
    func ranges(yaml: String, keyPath: String) throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Self.yaml(yaml))
        #expect(problems.map(\.keyPath) == [keyPath])
    }

    @Test("reads the group cache's time to live; 0 asks the directory every time")
    func groupCache() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.load(Self.yaml("group_cache_ttl: 5m")).mfa.groupCacheTTL == .seconds(300))
        #expect(try sandbox.load(Self.yaml("group_cache_ttl: 0")).mfa.groupCacheTTL == .zero)
        #expect(try sandbox.load(Self.yaml("username_cache_ttl: 5m")).mfa.usernameCacheTTL == .seconds(300))
        #expect(try sandbox.load(Self.yaml("username_cache_ttl: 0")).mfa.usernameCacheTTL == .zero)
    }

    @Test("reads the push keyword, which must be a word without the delimiter")
    func pushKeyword() throws {
        let sandbox = try Sandbox()
        #expect(try sandbox.load(Self.yaml("otp:", "  push_keyword: Approve")).mfa.pushKeyword == "Approve")
        for (keyword, message) in [
            ("\"123456\"", "'123456' is only digits, which cannot be told apart from a code"),
            ("\"\"", "is empty"),
            ("\"push,me\"", "'push,me' holds the delimiter ',', so it would never be seen whole"),
        ] {
            let problems = sandbox.problems(Self.yaml("otp:", "  push_keyword: \(keyword)"))
            #expect(problems.map(\.keyPath) == ["mfa.otp.push_keyword"])
            #expect(problems.first?.message == message)
        }
    }
}
