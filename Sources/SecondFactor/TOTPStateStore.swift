/// Where the TOTP provider reads secrets and records accepted steps. The App target adapts the user
/// store (SQLite or PostgreSQL) to it; tests use an in-memory one.
public protocol TOTPStateStore: Sendable {
    /// The user's TOTP secret (raw bytes, not base32), or `nil` when the user has no TOTP enrolment.
    /// Throws when the store cannot answer (database down, wrong encryption key).
    func totpSecret(for username: String) async throws -> [UInt8]?

    /// Records that the code for `step` was accepted, atomically: returns `false` without recording
    /// when `step` is not greater than the last step accepted for this user. A code once accepted is
    /// never accepted again, nor any older one (RFC 6238 §5.2), even by binds racing each other or
    /// running on another replica that shares the store.
    func recordAcceptedStep(_ step: Int64, for username: String) async throws -> Bool
}
