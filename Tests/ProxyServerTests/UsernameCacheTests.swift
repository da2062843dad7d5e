import NIOCore
import Testing

@testable import ProxyServer

@Suite("Username cache")
struct UsernameCacheTests {
    let t0 = NIODeadline.uptimeNanoseconds(5_000_000_000)

    @Test("a name is remembered until its time to live has passed, and no longer")
    func expiry() {
        let cache = UsernameCache(timeToLive: .seconds(60))
        cache.insert("alice", for: "uid=alice,ou=people,dc=example,dc=test", now: t0)
        #expect(cache.username(for: "uid=alice,ou=people,dc=example,dc=test", now: t0 + .seconds(59)) == "alice")
        #expect(cache.username(for: "uid=alice,ou=people,dc=example,dc=test", now: t0 + .seconds(60)) == nil)
        #expect(cache.count == 0)
        #expect(cache.username(for: "uid=bob,ou=people,dc=example,dc=test", now: t0) == nil)
    }

    @Test("a zero time to live keeps nothing")
    func off() {
        let cache = UsernameCache(timeToLive: .zero)
        cache.insert("alice", for: "k", now: t0)
        #expect(cache.username(for: "k", now: t0) == nil)
        #expect(cache.count == 0)
    }

    @Test("when full, expired entries go first, then everything; the new entry is always kept")
    func capacity() {
        let cache = UsernameCache(timeToLive: .seconds(10), capacity: 3)
        cache.insert("a", for: "ka", now: t0)
        cache.insert("b", for: "kb", now: t0 + .seconds(5))
        cache.insert("c", for: "kc", now: t0 + .seconds(5))
        cache.insert("d", for: "kd", now: t0 + .seconds(11))  // ka has expired: only it goes
        #expect(cache.count == 3)
        #expect(cache.username(for: "kb", now: t0 + .seconds(11)) == "b")
        cache.insert("e", for: "ke", now: t0 + .seconds(12))  // nothing expired: all go
        #expect(cache.count == 1)
        #expect(cache.username(for: "ke", now: t0 + .seconds(12)) == "e")
        cache.insert("e2", for: "ke", now: t0 + .seconds(13))  // a known key replaces, nothing dropped
        #expect(cache.username(for: "ke", now: t0 + .seconds(13)) == "e2")
    }
}
