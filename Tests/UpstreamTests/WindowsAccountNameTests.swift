import LDAPCore
import Testing

@testable import Upstream

@Suite("Windows account names")
struct WindowsAccountNameTests {
    @Test("parses DOMAIN\\user, user@suffix and a bare user")
    func forms() {
        #expect(WindowsAccountName(parsing: "EXAMPLE\\alice")?.form == .downLevel(domain: "EXAMPLE", user: "alice"))
        #expect(
            WindowsAccountName(parsing: "alice@example.test")?.form
                == .userPrincipalName(user: "alice", suffix: "example.test"))
        #expect(WindowsAccountName(parsing: "alice")?.form == .user("alice"))
    }

    @Test("refuses DNs, empty parts and doubled backslashes")
    func refusals() {
        for name in [
            "", "CN=alice,CN=Users,DC=example,DC=test", "uid=alice,ou=people", "\\alice", "EXAMPLE\\", "a\\b\\c", "@x",
            "x@",
        ] {
            #expect(WindowsAccountName(parsing: name) == nil, "\(name)")
        }
        #expect(WindowsAccountName.looksLikeDN("CN=alice,DC=example,DC=test"))
        #expect(!WindowsAccountName.looksLikeDN("EXAMPLE\\a=b"))
    }

    @Test("maps names to Kerberos principals with the configured realms")
    func kerberosPrincipals() {
        let settings = WindowsBindSettings(realms: ["example": "example.test"], defaultDomain: "EXAMPLE")
        func principal(_ name: String) -> String? {
            settings.kerberosPrincipal(for: WindowsAccountName(parsing: name)!).map {
                "\($0.user)|\($0.enterprise)|\($0.realm)"
            }
        }
        #expect(principal("EXAMPLE\\alice") == "alice|false|EXAMPLE.TEST")
        #expect(principal("alice") == "alice|false|EXAMPLE.TEST")
        #expect(principal("example.test\\alice") == "alice|false|EXAMPLE.TEST")
        #expect(principal("alice@example.test") == "alice@example.test|true|EXAMPLE.TEST")
        // An alternative UPN suffix is looked up in the default domain's realm.
        #expect(principal("alice@corp.example.com") == "alice@corp.example.com|true|EXAMPLE.TEST")
        #expect(principal("OTHER\\alice") == nil)
    }

    @Test("maps names to gss-ntlmssp names")
    func ntlmNames() {
        let settings = WindowsBindSettings(defaultDomain: "EXAMPLE")
        #expect(settings.ntlmName(for: WindowsAccountName(parsing: "EXAMPLE\\alice")!) == "EXAMPLE\\alice")
        #expect(settings.ntlmName(for: WindowsAccountName(parsing: "alice")!) == "EXAMPLE\\alice")
        #expect(settings.ntlmName(for: WindowsAccountName(parsing: "alice@example.test")!) == "alice\\@example.test")
    }

    @Test("refuses empty passwords and NUL characters before any network traffic")
    func passwords() {
        #expect(throws: WindowsBindError.self) { try UpstreamConnection.cPassword(SensitiveBytes("")) }
        #expect(throws: WindowsBindError.self) { try UpstreamConnection.cPassword(SensitiveBytes("a\u{0}b")) }
        #expect((try? UpstreamConnection.cPassword(SensitiveBytes("pässword")))?.count == 9)
    }
}
