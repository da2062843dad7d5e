import NIOConcurrencyHelpers
import NIOCore
import Testing

@testable import ProxyServer

/// The bind cache and lockout tracker with a shared backend (`store.postgres`): they ask the backend, and fall
/// back to this process's own counters when it fails.
@Suite("Shared bind cache and lockout")
struct SharedPolicyBackendTests {
    final class Backend: SharedBindCacheBackend, SharedLockoutBackend, @unchecked Sendable {
        let lock = NIOLock()
        var keys: Set<[UInt8]> = []
        var failures: [String: Int] = [:]
        var broken = false

        func contains(_ key: [UInt8]) async throws -> Bool {
            try lock.withLock {
                if broken { throw CancellationError() }
                return keys.contains(key)
            }
        }

        func insert(_ key: [UInt8], timeToLive: TimeAmount) async throws {
            try lock.withLock {
                if broken { throw CancellationError() }
                keys.insert(key)
            }
        }

        func isLocked(user: String, address: String?) async throws -> Bool {
            try lock.withLock {
                if broken { throw CancellationError() }
                return failures[user, default: 0] >= 2
            }
        }

        func recordFailure(user: String, address: String?, rules: LockoutRules) async throws {
            try lock.withLock {
                if broken { throw CancellationError() }
                failures[user, default: 0] += 1
            }
        }

        func recordSuccess(user: String) async throws {
            lock.withLock { failures[user] = nil }
        }
    }

    @Test("two caches with the same salt on one backend share entries; another salt does not match")
    func sharedCache() async {
        let backend = Backend()
        let salt = [UInt8](repeating: 1, count: 32)
        let one = BindCache(timeToLive: .seconds(30), shared: backend, salt: salt)
        let two = BindCache(timeToLive: .seconds(30), shared: backend, salt: salt)
        let other = BindCache(timeToLive: .seconds(30), shared: backend, salt: [UInt8](repeating: 2, count: 32))
        await one.insert(dn: "uid=a", secret: ByteBuffer(string: "pw,123456"))
        #expect(await two.contains(dn: "uid=a", secret: ByteBuffer(string: "pw,123456")))
        #expect(await !other.contains(dn: "uid=a", secret: ByteBuffer(string: "pw,123456")))
        #expect(backend.keys.allSatisfy { !String(decoding: $0, as: UTF8.self).contains("pw,123456") })
        backend.broken = true
        #expect(await !two.contains(dn: "uid=a", secret: ByteBuffer(string: "pw,123456")))
    }

    @Test("a lock recorded through one tracker holds on another; a failing backend falls back to local counts")
    func sharedLockout() async {
        let backend = Backend()
        let rules = LockoutRules(maxFailures: 2, maxFailuresPerAddress: 0)
        let one = LockoutTracker(rules: rules, shared: backend)
        let two = LockoutTracker(rules: rules, shared: backend)
        await one.recordFailure(user: "u", address: "192.0.2.1")
        await one.recordFailure(user: "u", address: "192.0.2.1")
        #expect(await two.isLocked(user: "u", address: nil))
        await two.recordSuccess(user: "u")
        #expect(await !one.isLocked(user: "u", address: nil))
        backend.broken = true
        await one.recordFailure(user: "v", address: nil)
        await one.recordFailure(user: "v", address: nil)
        #expect(await one.isLocked(user: "v", address: nil))
        #expect(await !two.isLocked(user: "v", address: nil))
    }
}
