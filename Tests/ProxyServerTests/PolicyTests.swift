import LDAPCore
import NIOCore
import Testing

@testable import ProxyServer

@Suite("MFA policy")
struct PolicyTests {
    let t0 = NIODeadline.uptimeNanoseconds(5_000_000_000)

    @Test(
        "network ranges match IPv4, IPv6 and IPv4-mapped addresses",
        arguments: [
            ("10.0.0.0/8", "10.200.3.4", true), ("10.0.0.0/8", "11.0.0.1", false), ("192.0.2.7", "192.0.2.7", true),
            ("192.0.2.7", "192.0.2.8", false), ("192.0.2.0/25", "192.0.2.127", true),
            ("192.0.2.0/25", "192.0.2.128", false),
            ("2001:db8::/32", "2001:db8:1::5", true), ("2001:db8::/32", "2001:db9::1", false),
            ("127.0.0.0/8", "::ffff:127.0.0.1", true), ("0.0.0.0/0", "203.0.113.9", true), ("::1", "::1", true),
        ])
    func networkRanges(range: String, address: String, expected: Bool) throws {
        let network = try #require(NetworkRange(range))
        #expect(network.contains(address) == expected)
    }

    @Test("malformed ranges are refused", arguments: ["10.0.0.0/33", "300.1.1.1", "::1/129", "abc", "10.0.0.0/x", ""])
    func badRanges(text: String) {
        #expect(NetworkRange(text) == nil)
    }

    @Test("a user is locked after max failures within the window, and only for the duration")
    func userLockout() {
        var state = LockoutState(
            rules: LockoutRules(maxFailures: 3, maxFailuresPerAddress: 0, window: .seconds(60), duration: .seconds(300))
        )
        state.recordFailure(user: "alice", address: "192.0.2.1", now: t0)
        state.recordFailure(user: "alice", address: "192.0.2.1", now: t0 + .seconds(10))
        #expect(!state.isLocked(user: "alice", address: nil, now: t0 + .seconds(11)))
        state.recordFailure(user: "alice", address: "192.0.2.1", now: t0 + .seconds(20))
        #expect(state.isLocked(user: "alice", address: nil, now: t0 + .seconds(21)))
        #expect(!state.isLocked(user: "bob", address: "192.0.2.1", now: t0 + .seconds(21)))
        #expect(!state.isLocked(user: "alice", address: nil, now: t0 + .seconds(321)))
    }

    @Test("failures older than the window do not count, and a success clears the user's count")
    func windowAndSuccess() {
        var state = LockoutState(
            rules: LockoutRules(maxFailures: 2, maxFailuresPerAddress: 0, window: .seconds(60), duration: .seconds(300))
        )
        state.recordFailure(user: "alice", address: nil, now: t0)
        state.recordFailure(user: "alice", address: nil, now: t0 + .seconds(61))
        #expect(!state.isLocked(user: "alice", address: nil, now: t0 + .seconds(62)))
        state.recordSuccess(user: "alice")
        state.recordFailure(user: "alice", address: nil, now: t0 + .seconds(63))
        #expect(!state.isLocked(user: "alice", address: nil, now: t0 + .seconds(64)))
    }

    @Test("a client address is locked across users")
    func addressLockout() {
        var state = LockoutState(
            rules: LockoutRules(maxFailures: 0, maxFailuresPerAddress: 3, window: .seconds(60), duration: .seconds(60)))
        for user in ["a", "b", "c"] { state.recordFailure(user: user, address: "198.51.100.9", now: t0) }
        #expect(state.isLocked(user: "d", address: "198.51.100.9", now: t0 + .seconds(1)))
        #expect(!state.isLocked(user: "d", address: "198.51.100.10", now: t0 + .seconds(1)))
    }

    @Test("the bind cache matches the same DN and secret only, within its time to live")
    func bindCache() {
        let cache = BindCache(timeToLive: .seconds(30))
        cache.insert(dn: "uid=a,dc=x", secret: ByteBuffer(string: "pw,123456"), now: t0)
        #expect(cache.contains(dn: "uid=a,dc=x", secret: ByteBuffer(string: "pw,123456"), now: t0 + .seconds(29)))
        #expect(!cache.contains(dn: "uid=a,dc=x", secret: ByteBuffer(string: "pw,123457"), now: t0 + .seconds(1)))
        #expect(!cache.contains(dn: "uid=b,dc=x", secret: ByteBuffer(string: "pw,123456"), now: t0 + .seconds(1)))
        #expect(!cache.contains(dn: "uid=a,dc=x", secret: ByteBuffer(string: "pw,123456"), now: t0 + .seconds(30)))
        let off = BindCache(timeToLive: .zero)
        off.insert(dn: "uid=a,dc=x", secret: ByteBuffer(string: "pw,1"), now: t0)
        #expect(!off.contains(dn: "uid=a,dc=x", secret: ByteBuffer(string: "pw,1"), now: t0))
    }

    @Test("the bind cache key is a salted hash, not the secret")
    func bindCacheKey() {
        let one = BindCache(timeToLive: .seconds(1))
        let two = BindCache(timeToLive: .seconds(1))
        let secret = ByteBuffer(string: "hunter2,123456")
        #expect(one.key(dn: "uid=a", secret: secret) != two.key(dn: "uid=a", secret: secret))
        #expect(!one.key(dn: "uid=a", secret: secret).description.contains("hunter2"))
    }

    @Test("exemptions by network, DN, subtree, group and required groups")
    func exemptions() throws {
        let policy = MFAPolicy(
            exemptDNs: [try DistinguishedName(parsing: "cn=svc-app,ou=service,dc=example,dc=test")],
            exemptSubtrees: [try DistinguishedName(parsing: "ou=robots,dc=example,dc=test")],
            exemptGroups: [try DistinguishedName(parsing: "cn=no-mfa,ou=groups,dc=example,dc=test")],
            exemptNetworks: [try #require(NetworkRange("10.9.0.0/16"))])
        #expect(policy.exemption(dn: nil, clientAddress: "10.9.1.1") == "exempt-network")
        #expect(
            policy.exemption(
                dn: try DistinguishedName(parsing: "CN=SVC-APP, ou=Service,dc=example,dc=test"),
                clientAddress: "192.0.2.1") == "exempt-dn")
        #expect(
            policy.exemption(
                dn: try DistinguishedName(parsing: "cn=r2,ou=robots,dc=example,dc=test"), clientAddress: nil)
                == "exempt-subtree")
        #expect(
            policy.exemption(
                dn: try DistinguishedName(parsing: "uid=alice,ou=people,dc=example,dc=test"), clientAddress: "192.0.2.1"
            ) == nil)
        let group = try DistinguishedName(parsing: "cn=no-mfa,ou=groups,dc=example,dc=test").normalized
        #expect(policy.exemption(groups: [group]) == "exempt-group")
        #expect(policy.exemption(groups: []) == nil)
        let required = MFAPolicy(requiredGroups: [
            try DistinguishedName(parsing: "cn=vpn-users,ou=groups,dc=example,dc=test")
        ])
        #expect(required.exemption(groups: []) == "not-in-required-group")
        #expect(
            required.exemption(groups: [
                try DistinguishedName(parsing: "cn=VPN-users,ou=groups,dc=example,dc=test").normalized
            ]) == nil)
    }
}
