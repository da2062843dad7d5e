import Testing

@testable import LDAPCore

/// Normalised comparison (RFC 4517 caseIgnoreMatch, RFC 4518 spaces) and subtree tests.
@Suite("Distinguished name equivalence and subtrees")
struct DistinguishedNameNormalizationTests {
    struct Pair: Sendable, CustomTestStringConvertible {
        var left: String
        var right: String
        init(_ left: String, _ right: String) {
            self.left = left
            self.right = right
        }
        var testDescription: String { "\(left) | \(right)" }
    }

    static let equivalent: [Pair] = [
        .init("cn=Alice Smith,OU=People, dc=Example,dc=TEST", "CN=alice  smith,ou=people,DC=example,DC=test"),
        .init("2.5.4.3=Bob,dc=x", "cn=bob,dc=x"),
        .init("OID.2.5.4.3=Bob", "cn=Bob"),
        .init("commonName=Bob", "CN=bob"),
        .init("2.5.4.11=Sales,2.5.4.10=Corp,2.5.4.6=DE", "ou=sales,o=corp,c=de"),
        .init("2.5.4.7=Berlin+2.5.4.8=BE+2.5.4.9=Main St", "l=berlin+st=be+street=main st"),
        .init("0.9.2342.19200300.100.1.1=JDoe,0.9.2342.19200300.100.1.25=com", "UID=jdoe,DC=COM"),
        .init("userid=a,domainComponent=b", "uid=a,dc=b"),
        .init("cn=a+uid=b,dc=x", "UID=B+CN=A,dc=x"),
        .init(#"cn=\ Alice\ "#, "cn=alice"),
        .init(#"cn=Alice\09\0ASmith"#, "cn=alice smith"),
        .init("cn=#0405416c696365", "cn=alice"),
        .init("cn=#0C05416C696365", "cn=ALICE"),
        .init("cn=a;dc=b", "cn=a,dc=b"),
        .init(#"cn=Smith\, John"#, #"cn=smith\2c john"#),
        .init(#"cn=\E4\B8\AD"#, "cn=中"),
        .init("cn=e\u{301}", "cn=\u{E9}"),
        .init("", "   "),
    ]

    static let notEquivalent: [Pair] = [
        .init("cn=alice", "cn=alicia"),
        .init("cn=alice,dc=x", "cn=alice,dc=y"),
        .init("cn=alice", "uid=alice"),
        .init("cn=alice,dc=x", "cn=alice"),
        .init("cn=a b", "cn=ab"),
        .init("cn=a+uid=b", "cn=a,uid=b"),
        .init("cn=a+uid=b", "cn=a"),
        .init("cn=a+cn=a", "cn=a"),
        .init("cn=É", "cn=é"),
        .init("cn=#3003020101", "cn=#3003020102"),
        .init("cn=#0402486900", "cn=hi"),
        .init("2.5.4.4=x", "cn=x"),
        .init("cn=a,dc=x", "dc=x,cn=a"),
        .init("", "dc=x"),
    ]

    @Test("treats as equivalent DNs that differ only by case, spaces, OID forms and RDN order", arguments: equivalent)
    func equivalentDNs(pair: Pair) throws {
        let left = try DistinguishedName(parsing: pair.left)
        let right = try DistinguishedName(parsing: pair.right)
        #expect(left.isEquivalent(to: right))
        #expect(right.isEquivalent(to: left))
        #expect(left.normalized == right.normalized)
        #expect(left.normalized.hashValue == right.normalized.hashValue)
    }

    @Test("tells apart DNs that name different entries", arguments: notEquivalent)
    func differentDNs(pair: Pair) throws {
        let left = try DistinguishedName(parsing: pair.left)
        let right = try DistinguishedName(parsing: pair.right)
        #expect(!left.isEquivalent(to: right))
        #expect(!right.isEquivalent(to: left))
        #expect(left.normalized != right.normalized)
    }

    @Test("writes the normalised form with short lower-case types and folded values")
    func normalizedDescription() throws {
        let dn = try DistinguishedName(parsing: "UID=B+2.5.4.3=Alice  Smith ,OU=People,DC=Example")
        #expect(dn.normalized.description == "cn=alice smith+uid=b,ou=people,dc=example")
        #expect(dn.normalized.distinguishedName.normalized == dn.normalized)
    }

    @Test("keeps exact equality for DistinguishedName itself")
    func exactEqualityIsCaseSensitive() throws {
        #expect(try DistinguishedName(parsing: "CN=A") != DistinguishedName(parsing: "cn=a"))
        #expect(try DistinguishedName(parsing: "cn = a") == DistinguishedName(parsing: "cn=a"))
    }

    @Test("finds an exemption keyed by normalised DN whatever the spelling")
    func dictionaryKeys() throws {
        let exemptions: [NormalizedDN: String] = [
            try DistinguishedName(parsing: "CN=svc-backup,OU=Service Accounts,DC=corp,DC=example").normalized: "backup"
        ]
        let spelledDifferently = try DistinguishedName(
            parsing: "cn=SVC-BACKUP, ou=service  accounts, dc=CORP, dc=Example")
        #expect(exemptions[spelledDifferently.normalized] == "backup")
        let other = try DistinguishedName(parsing: "cn=svc-backup2,ou=service accounts,dc=corp,dc=example")
        #expect(exemptions[other.normalized] == nil)
    }

    static let within: [Pair] = [
        .init("cn=alice,ou=people,dc=x", "ou=people,dc=x"),
        .init("ou=people,dc=x", "ou=people,dc=x"),
        .init("CN=Alice,OU=People,DC=X", "ou=people, dc=x"),
        .init("uid=a,ou=people,dc=example,dc=test", "2.5.4.11=People,0.9.2342.19200300.100.1.25=example,dc=TEST"),
        .init("cn=a+uid=b,ou=x", "ou=x"),
        .init("cn=a,dc=x", ""),
        .init("", ""),
    ]

    static let notWithin: [Pair] = [
        .init("ou=people2,dc=x", "ou=people,dc=x"),
        .init("cn=a,dc=example,dc=test", "dc=ample,dc=test"),
        .init("ou=people,dc=x", "cn=alice,ou=people,dc=x"),
        .init("", "dc=x"),
        .init("cn=a,ou=people,dc=x,dc=y", "ou=people,dc=x"),
        .init(#"cn=a,ou=people\,dc=x"#, "dc=x"),
        .init("cn=a,ou=x+cn=y,dc=z", "ou=x,dc=z"),
        .init("cn=a,dc=x", "cn=a"),
    ]

    @Test("finds a DN within a subtree when it is the base or below it", arguments: within)
    func withinSubtree(pair: Pair) throws {
        let dn = try DistinguishedName(parsing: pair.left)
        let base = try DistinguishedName(parsing: pair.right)
        #expect(dn.isWithin(subtree: base))
        #expect(dn.normalized.isWithin(subtree: base.normalized))
    }

    @Test("does not find a DN within a subtree by string suffix or prefix tricks", arguments: notWithin)
    func notWithinSubtree(pair: Pair) throws {
        let dn = try DistinguishedName(parsing: pair.left)
        let base = try DistinguishedName(parsing: pair.right)
        #expect(!dn.isWithin(subtree: base))
        #expect(!dn.normalized.isWithin(subtree: base.normalized))
    }

    @Test("counts the root DN as containing every DN")
    func rootContainsEverything() throws {
        let dn = try DistinguishedName(parsing: "cn=a,ou=b,dc=c")
        #expect(dn.isWithin(subtree: .root))
        #expect(dn.normalized.isWithin(subtree: .root))
        #expect(!DistinguishedName.root.isWithin(subtree: dn))
    }

    @Test("recognises a direct child only one level below")
    func directChild() throws {
        let base = try DistinguishedName(parsing: "OU=People,DC=x")
        #expect(try DistinguishedName(parsing: "cn=a,ou=people,dc=x").isDirectChild(of: base))
        #expect(try !DistinguishedName(parsing: "cn=a,ou=b,ou=people,dc=x").isDirectChild(of: base))
        #expect(!base.isDirectChild(of: base))
        #expect(try !DistinguishedName(parsing: "cn=a,ou=other,dc=x").isDirectChild(of: base))
        #expect(try DistinguishedName(parsing: "dc=x").isDirectChild(of: .root))
        #expect(try DistinguishedName(parsing: "DC=X").normalized.isDirectChild(of: .root))
    }
}
