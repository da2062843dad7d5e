import Foundation

/// The user store as the proxy, the synchroniser and the CLI use it, whatever holds the data: ``SQLiteUserStore``
/// (one file, the default) or ``PostgresUserStore`` (shared by replicas).
///
/// Every implementation keeps the same semantics: usernames match case-insensitively (Unicode NFC, then lowercase),
/// TOTP secrets are sealed with AES-256-GCM under the store key with the username key as authenticated data,
/// ``recordAcceptedStep(_:for:)`` accepts a step once across every process sharing the store, ``applySync(_:pending:state:now:)``
/// is one transaction, and the synchronisation lease is taken atomically.
public protocol MFAUserStore: Sendable {
    /// Where the data lives, for messages (a file path, or a PostgreSQL URL without its password).
    var location: String { get }

    // MARK: Users and TOTP (RFC 6238 §5.2)

    /// Every user, ordered by name (case-insensitively). Never includes secrets.
    func listUsers() async throws(UserStoreError) -> [UserRecord]
    /// The user named `username` (case-insensitively), or `nil`.
    func user(named username: String) async throws(UserStoreError) -> UserRecord?
    /// Removes the user's TOTP enrolment; false when the user had none.
    func reset(username: String) async throws(UserStoreError) -> Bool
    /// Enrols the user with `secret` (raw bytes), replacing any earlier secret and replay state.
    func enrolTOTP(username: String, secret: [UInt8]) async throws(UserStoreError)
    /// The user's decrypted TOTP secret, or `nil` when the user has none.
    func totpSecret(for username: String) async throws(UserStoreError) -> [UInt8]?
    /// Records that a code of `step` was accepted, if and only if `step` is greater than the last accepted step;
    /// returns whether it was recorded. Exactly one of concurrent callers with the same step gets `true`.
    func recordAcceptedStep(_ step: Int64, for username: String) async throws(UserStoreError) -> Bool
    /// nil when the store has no record of the user, false once a synchronisation disabled it.
    func isEnabled(username: String) async throws(UserStoreError) -> Bool?
    /// What a gated bind reads of the user, in one round trip where the store can: ``isEnabled(username:)`` and
    /// ``totpSecret(for:)`` together.
    func gateRead(username: String) async throws(UserStoreError) -> GateRead
    /// Every user with their directory attributes, ordered by name.
    func listUserDetails() async throws(UserStoreError) -> [UserDetails]

    // MARK: Directory synchronisation

    /// Every row with its directory side, ordered by key. Never includes secrets.
    func syncSnapshot() async throws(UserStoreError) -> [StoredSyncUser]
    /// Applies one cycle in one transaction: `writes`, the staged batch and `state`.
    func applySync(_ writes: [SyncWrite], pending: PendingUpdate, state: SyncStateRecord, now: Date)
        async throws(UserStoreError) -> SyncWriteReport
    /// Records `state` alone.
    func saveSyncState(_ state: SyncStateRecord) async throws(UserStoreError)
    /// What the last cycles left behind.
    func syncState() async throws(UserStoreError) -> SyncStateRecord
    /// The batch waiting for approval, or `nil`.
    func pendingBatch() async throws(UserStoreError) -> PendingBatch?
    /// Applies the staged batch in one transaction (only `batch` when given) and empties it.
    func approvePending(batch: String?, now: Date) async throws(UserStoreError) -> ApprovalResult
    /// Takes or renews the lease for `holder`; returns the other holder's lease when it has not expired.
    func acquireSyncLease(holder: String, duration: TimeInterval, now: Date)
        async throws(UserStoreError) -> (acquired: Bool, lease: SyncLease)
    /// Gives the lease up, if `holder` holds it.
    func releaseSyncLease(holder: String) async throws(UserStoreError)
    /// The current lease, expired or not.
    func syncLease() async throws(UserStoreError) -> SyncLease?

    // MARK: Health and lifetime

    /// Proves the store takes writes now (for `/readyz`).
    func checkWritable() async throws(UserStoreError)
    /// State that replicas share (bind cache, lockout), or nil when the store keeps none (SQLite: the proxy keeps
    /// them in memory).
    var sharedPolicyState: (any SharedPolicyStore)? { get }
    /// Releases connections; the store is not used afterwards. A no-op for SQLite.
    func close() async
}

/// ``MFAUserStore/gateRead(username:)``'s answer.
public struct GateRead: Sendable {
    /// nil when the store has no record of the user, false once a synchronisation disabled it.
    public var enabled: Bool?
    /// The decrypted TOTP secret, nil when the user has none.
    public var totpSecret: [UInt8]?

    public init(enabled: Bool?, totpSecret: [UInt8]?) {
        self.enabled = enabled
        self.totpSecret = totpSecret
    }
}

extension MFAUserStore {
    /// Two reads, for stores without a combined one.
    public func gateRead(username: String) async throws(UserStoreError) -> GateRead {
        let enabled = try await isEnabled(username: username)
        return GateRead(enabled: enabled, totpSecret: enabled == nil ? nil : try await totpSecret(for: username))
    }

    public func applySync(_ writes: [SyncWrite], pending: PendingUpdate, state: SyncStateRecord)
        async throws(UserStoreError) -> SyncWriteReport
    {
        try await applySync(writes, pending: pending, state: state, now: Date())
    }

    public func approvePending(batch: String? = nil) async throws(UserStoreError) -> ApprovalResult {
        try await approvePending(batch: batch, now: Date())
    }

    public func acquireSyncLease(holder: String, duration: TimeInterval)
        async throws(UserStoreError) -> (acquired: Bool, lease: SyncLease)
    {
        try await acquireSyncLease(holder: holder, duration: duration, now: Date())
    }
}

/// The key a username is stored under (Unicode NFC, then lowercase): two names with the same key are the same user.
public enum UsernameKey {
    /// The key of `username`, or nil for an empty name.
    public static func of(_ username: String) -> String? { try? make(username) }

    static func make(_ username: String) throws(UserStoreError) -> String {
        let normalised = username.precomposedStringWithCanonicalMapping.lowercased()
        guard !normalised.isEmpty else { throw UserStoreError(.invalidUsername, "a username must not be empty") }
        return normalised
    }
}
