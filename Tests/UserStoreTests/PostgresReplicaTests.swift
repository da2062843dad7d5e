import Crypto
import Foundation
import Testing

@testable import UserStore

/// Two ``PostgresUserStore`` instances on one server stand for two proxy replicas: what one records, the other
/// obeys.
@Suite("PostgreSQL store shared by replicas")
struct PostgresReplicaTests {
    @Test("of many concurrent acceptances of one step through two replicas, exactly one is recorded")
    func replay() async throws {
        let key = SymmetricKey(size: .bits256)
        try await withPostgresStore(key: key) { first, server in
            let second = try server.store(key: key)
            defer { Task { await second.close() } }
            try await first.enrolTOTP(username: "alice", secret: [1, 2, 3, 4])
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<16 {
                    let store = index % 2 == 0 ? first : second
                    group.addTask { try await store.recordAcceptedStep(1000, for: "ALICE") }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
            #expect(try await !second.recordAcceptedStep(999, for: "alice"))
            #expect(try await second.recordAcceptedStep(1001, for: "alice"))
            #expect(try await !first.recordAcceptedStep(1001, for: "alice"))
            #expect(try await !first.recordAcceptedStep(5, for: "nobody"))
            #expect(try await first.user(named: "alice")?.lastUsedAt != nil)
        }
    }

    @Test("the lease goes to one replica at a time, to another once it expired or was released")
    func lease() async throws {
        let key = SymmetricKey(size: .bits256)
        try await withPostgresStore(key: key) { first, server in
            let second = try server.store(key: key)
            defer { Task { await second.close() } }
            let t0 = Date(timeIntervalSince1970: 1_800_000_000)
            let taken = try await first.acquireSyncLease(holder: "a", duration: 60, now: t0)
            #expect(taken.acquired && taken.lease.holder == "a")
            let refused = try await second.acquireSyncLease(holder: "b", duration: 60, now: t0 + 10)
            #expect(!refused.acquired && refused.lease.holder == "a")
            let renewed = try await first.acquireSyncLease(holder: "a", duration: 60, now: t0 + 30)
            #expect(renewed.acquired && renewed.lease.acquiredAt == t0 && renewed.lease.expiresAt == t0 + 90)
            let afterExpiry = try await second.acquireSyncLease(holder: "b", duration: 60, now: t0 + 91)
            #expect(afterExpiry.acquired && afterExpiry.lease.holder == "b")
            try await second.releaseSyncLease(holder: "a")  // not a's any more: nothing happens
            #expect(try await first.syncLease()?.holder == "b")
            try await second.releaseSyncLease(holder: "b")
            #expect(try await first.syncLease() == nil)
            // Eight replicas asking at once: one gets it.
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    let store = index % 2 == 0 ? first : second
                    group.addTask {
                        try await store.acquireSyncLease(holder: "r\(index)", duration: 60, now: t0 + 200).acquired
                    }
                }
                return try await group.reduce(into: 0) { $0 += $1 ? 1 : 0 }
            }
            #expect(winners == 1)
        }
    }

    @Test("a lockout counted through two replicas holds on both, per user and per address, and expires")
    func lockout() async throws {
        let key = SymmetricKey(size: .bits256)
        try await withPostgresStore(key: key) { first, server in
            let second = try server.store(key: key)
            defer { Task { await second.close() } }
            let limits = LockoutLimits(maxFailures: 3, maxFailuresPerAddress: 5, window: 60, duration: 300)
            let t0 = Date()
            try await first.recordLockoutFailure(user: "uid=a", address: "192.0.2.1", limits: limits, now: t0)
            try await second.recordLockoutFailure(user: "uid=a", address: "192.0.2.1", limits: limits, now: t0 + 1)
            #expect(try await !first.isLockedOut(user: "uid=a", address: nil, now: t0 + 2))
            try await first.recordLockoutFailure(user: "uid=a", address: "192.0.2.1", limits: limits, now: t0 + 2)
            #expect(try await second.isLockedOut(user: "uid=a", address: nil, now: t0 + 3))
            #expect(try await !second.isLockedOut(user: "uid=b", address: "192.0.2.9", now: t0 + 3))
            #expect(try await !second.isLockedOut(user: "uid=a", address: nil, now: t0 + 303))
            // Before the clock moves past the window below (a write then may clean up old counters):
            // the address reached 5 failures (3 for uid=a, 2 more now), whoever the user.
            for user in ["uid=d", "uid=e"] {
                try await second.recordLockoutFailure(user: user, address: "192.0.2.1", limits: limits, now: t0 + 5)
            }
            #expect(try await first.isLockedOut(user: "uid=z", address: "192.0.2.1", now: t0 + 6))
            // Failures older than the window do not count.
            try await second.recordLockoutFailure(user: "uid=c", address: nil, limits: limits, now: t0)
            try await second.recordLockoutFailure(user: "uid=c", address: nil, limits: limits, now: t0 + 61)
            try await first.recordLockoutFailure(user: "uid=c", address: nil, limits: limits, now: t0 + 62)
            #expect(try await !first.isLockedOut(user: "uid=c", address: nil, now: t0 + 63))
            // A success clears a user's failures.
            try await first.clearLockoutFailures(user: "uid=c")
            try await first.recordLockoutFailure(user: "uid=c", address: nil, limits: limits, now: t0 + 64)
            #expect(try await !first.isLockedOut(user: "uid=c", address: nil, now: t0 + 65))
            // Concurrent failures from both replicas all count.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<3 {
                    let store = index % 2 == 0 ? first : second
                    group.addTask {
                        try await store.recordLockoutFailure(user: "uid=f", address: nil, limits: limits, now: t0 + 7)
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await second.isLockedOut(user: "uid=f", address: nil, now: t0 + 8))
        }
    }

    @Test("a bind-cache entry written through one replica is found through the other until it expires")
    func bindCache() async throws {
        let key = SymmetricKey(size: .bits256)
        try await withPostgresStore(key: key) { first, server in
            let second = try server.store(key: key)
            defer { Task { await second.close() } }
            #expect(first.bindCacheSalt == second.bindCacheSalt)
            #expect(first.bindCacheSalt.count == 32)
            #expect(PostgresUserStore.deriveSalt(SymmetricKey(size: .bits256)) != first.bindCacheSalt)
            let now = Date()
            let entry: [UInt8] = Array(repeating: 7, count: 32)
            try await first.bindCacheInsert(entry, expiresAt: now + 30, now: now)
            #expect(try await second.bindCacheContains(entry, now: now + 29))
            #expect(try await !second.bindCacheContains(entry, now: now + 30))
            #expect(try await !second.bindCacheContains(Array(repeating: 8, count: 32), now: now))
        }
    }
}
