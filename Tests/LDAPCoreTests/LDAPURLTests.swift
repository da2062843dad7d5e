import Testing

@testable import LDAPCore

/// LDAP URLs as referrals carry them (RFC 4516 §2).
@Suite("LDAP URLs")
struct LDAPURLTests {
    @Test(
        "reads scheme, host, port, DN and scope",
        arguments: [
            (
                "ldap://dc1.example.test/ou=remote,dc=example,dc=test", false, "dc1.example.test", 389,
                "ou=remote,dc=example,dc=test", nil as SearchRequest.Scope?
            ),
            ("LDAPS://127.0.0.1:6360/cn=a%2Cb,dc=x??sub", true, "127.0.0.1", 6360, "cn=a,b,dc=x", .wholeSubtree),
            ("ldap://h:3389/dc=x?cn?one?(objectClass=*)", false, "h", 3389, "dc=x", .singleLevel),
            ("ldap://h", false, "h", 389, "", nil),
            ("ldap://h/DC=Example%20Test??base", false, "h", 389, "DC=Example Test", .baseObject),
        ])
    func parses(
        text: String, ldaps: Bool, host: String, port: Int, dn: String, scope: SearchRequest.Scope?
    ) throws {
        let url = try #require(LDAPURL(text))
        #expect(url.isLDAPS == ldaps)
        #expect(url.host == host && url.port == port)
        #expect(url.dn == dn)
        #expect(url.scope == scope)
    }

    @Test(
        "refuses what it cannot follow",
        arguments: [
            "http://h/dc=x", "ldap:///dc=x", "ldap://h:0/", "ldap://h:70000/", "ldap://h:x/", "ldap://[::1]/dc=x",
            "ldap://h/dc=%zz", "ldap://h/dc=x??sideways", "ldap://h/dc=%ff",
        ])
    func refuses(text: String) {
        #expect(LDAPURL(text) == nil)
    }
}
