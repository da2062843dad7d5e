import Foundation
import Logging
import NIOCore
import ProxyServer
import UserStore

/// The gate's bind cache in the user store's table (`store.postgres`): replicas share it.
struct StoreBindCacheBackend: SharedBindCacheBackend {
    let store: any SharedPolicyStore
    let logger: Logger

    func contains(_ key: [UInt8]) async throws -> Bool {
        do {
            return try await store.bindCacheContains(key, now: Date())
        } catch {
            logger.warning(
                "bind cache unavailable; the bind goes through the second factor", metadata: ["error": "\(error)"])
            throw error
        }
    }

    func insert(_ key: [UInt8], timeToLive: TimeAmount) async throws {
        let now = Date()
        do {
            try await store.bindCacheInsert(
                key, expiresAt: now + Double(timeToLive.nanoseconds) / 1e9, now: now)
        } catch {
            logger.warning("cannot record a bind-cache entry", metadata: ["error": "\(error)"])
            throw error
        }
    }
}

/// The gate's lockout counters in the user store's table (`store.postgres`): a lock reached through one replica
/// holds on every replica.
struct StoreLockoutBackend: SharedLockoutBackend {
    let store: any SharedPolicyStore
    let logger: Logger

    func isLocked(user: String, address: String?) async throws -> Bool {
        try await logged("cannot read the shared lockout state; this process's own counters apply") {
            try await store.isLockedOut(user: user, address: address, now: Date())
        }
    }

    func recordFailure(user: String, address: String?, rules: LockoutRules) async throws {
        let limits = LockoutLimits(
            maxFailures: rules.maxFailures, maxFailuresPerAddress: rules.maxFailuresPerAddress,
            window: Double(rules.window.nanoseconds) / 1e9, duration: Double(rules.duration.nanoseconds) / 1e9)
        try await logged("cannot record a failed bind in the shared lockout state; counted in this process") {
            try await store.recordLockoutFailure(user: user, address: address, limits: limits, now: Date())
        }
    }

    func recordSuccess(user: String) async throws {
        try await logged("cannot clear a user's failed binds in the shared lockout state") {
            try await store.clearLockoutFailures(user: user)
        }
    }

    private func logged<T>(_ message: Logger.Message, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            logger.warning(message, metadata: ["error": "\(error)"])
            throw error
        }
    }
}
