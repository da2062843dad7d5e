import Foundation

/// The bind cache and lockout counters kept in the store, so that every replica sharing it sees the same ones
/// (``PostgresUserStore``). The proxy's gate reaches them through adapters; with SQLite it keeps them in memory.
///
/// Times are wall-clock `Date`s: replicas share no monotonic clock.
public protocol SharedPolicyStore: Sendable {
    /// The salt of bind-cache keys: derived from the store key (HKDF-SHA256, RFC 5869), so every replica computes
    /// the same key for the same DN and secret while the table alone is useless to whoever reads it.
    var bindCacheSalt: [UInt8] { get }
    /// Whether an unexpired entry with `key` is there.
    func bindCacheContains(_ key: [UInt8], now: Date) async throws(UserStoreError) -> Bool
    /// Adds (or renews) the entry `key` until `expiresAt`.
    func bindCacheInsert(_ key: [UInt8], expiresAt: Date, now: Date) async throws(UserStoreError)
    /// Whether `user` or `address` is locked at `now`.
    func isLockedOut(user: String, address: String?, now: Date) async throws(UserStoreError) -> Bool
    /// Counts a failed bind for `user` and `address`; one reaching its limit within the window is locked.
    func recordLockoutFailure(user: String, address: String?, limits: LockoutLimits, now: Date)
        async throws(UserStoreError)
    /// Forgets `user`'s failures (a successful bind).
    func clearLockoutFailures(user: String) async throws(UserStoreError)
}

/// The lockout rules in the store's terms (`mfa.lockout.*`).
public struct LockoutLimits: Sendable, Hashable {
    /// Failures per user within `window` that lock the user; 0 turns user lockout off.
    public var maxFailures: Int
    /// Failures per client address within `window` that lock the address; 0 turns it off.
    public var maxFailuresPerAddress: Int
    /// How long a failure counts, in seconds.
    public var window: TimeInterval
    /// How long a lock lasts, in seconds.
    public var duration: TimeInterval

    public init(maxFailures: Int, maxFailuresPerAddress: Int, window: TimeInterval, duration: TimeInterval) {
        self.maxFailures = maxFailures
        self.maxFailuresPerAddress = maxFailuresPerAddress
        self.window = window
        self.duration = duration
    }
}
