/// What the user store knows of a user, for the gate (`mfa.require_user_match` and the `enabled` flag that
/// directory synchronisation keeps).
public enum UserRecordState: Sendable, Hashable {
    /// The store has no record of the user.
    case missing
    /// The store has a record and the user is enabled.
    case enabled
    /// The store has a record that directory synchronisation disabled (the user left every sync item or was
    /// deleted in the directory): the gate refuses such a user with rule `user-disabled`.
    case disabled
}

/// The gate's view of the user store.
public protocol UserRecords: Sendable {
    /// Whether the store has a record of `username` (compared as the store compares names) and whether
    /// that record is enabled.
    func state(username: String) async throws -> UserRecordState
}
