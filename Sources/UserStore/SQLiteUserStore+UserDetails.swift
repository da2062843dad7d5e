import Foundation
import GRDB

/// A user with what the directory synchronisation knows of them (`users list --json`). Never the secret.
public struct UserDetails: Sendable, Hashable {
    public var record: UserRecord
    /// The directory's unique identifier; `nil` for a user only enrolled by hand.
    public var uniqueID: String?
    public var profile: DirectoryProfile?
    /// False once a synchronisation disabled the user (no longer in a sync item, or deleted in the directory).
    public var enabled: Bool
    public var syncItem: String?
    public var syncedAt: Date?
    public var disabledAt: Date?
}

extension SQLiteUserStore {
    /// Every user with their directory attributes, ordered by name (case-insensitively).
    public func listUserDetails() async throws(UserStoreError) -> [UserDetails] {
        let columns =
            (["username", "username_key", "unique_id", "enabled", "sync_item", "created_at", "last_used_at"]
            + ["synced_at", "disabled_at"] + DirectoryProfile.columns).joined(separator: ", ")
        return try await run("cannot list users") {
            try await pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: "SELECT \(columns), totp_secret IS NOT NULL AS enrolled FROM users ORDER BY username_key"
                ).map { row in
                    let stored = Self.storedSyncUser(row)
                    return UserDetails(
                        record: UserRecord(
                            username: row["username"], enrolled: row["enrolled"], createdAt: row["created_at"],
                            lastUsedAt: row["last_used_at"]),
                        uniqueID: stored.uniqueID, profile: stored.profile, enabled: stored.enabled,
                        syncItem: stored.syncItem, syncedAt: row["synced_at"], disabledAt: row["disabled_at"])
                }
            }
        }
    }
}

extension SQLiteUserStore {
    /// The key `username` is stored under (Unicode NFC, then lowercase), or nil for an empty name: two names with
    /// the same key are the same user.
    public static func usernameKey(_ username: String) -> String? { UsernameKey.of(username) }
}
