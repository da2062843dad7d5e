import NIOCore

/// Where the bind cache keeps its entries when replicas share them (`store.postgres`). The App implements it over
/// the user store; with SQLite there is none and the cache lives in memory.
public protocol SharedBindCacheBackend: Sendable {
    /// Whether an unexpired entry `key` (a salted SHA-256, never a secret) exists.
    func contains(_ key: [UInt8]) async throws -> Bool
    /// Adds `key` for `timeToLive`.
    func insert(_ key: [UInt8], timeToLive: TimeAmount) async throws
}

/// Where lockout counters live when replicas share them (`store.postgres`): a user locked through one replica is
/// locked on all of them.
public protocol SharedLockoutBackend: Sendable {
    func isLocked(user: String, address: String?) async throws -> Bool
    func recordFailure(user: String, address: String?, rules: LockoutRules) async throws
    func recordSuccess(user: String) async throws
}
