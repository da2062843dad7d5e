import Foundation
import GRDB

/// Listing, showing and resetting users, for the CLI (`users list`, `users reset`).
extension SQLiteUserStore {
    private static let recordColumns =
        "username, totp_secret IS NOT NULL AS enrolled, created_at, last_used_at"

    /// Every user, ordered by name (case-insensitively). Never includes secrets.
    public func listUsers() async throws(UserStoreError) -> [UserRecord] {
        try await run("cannot list users") {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(Self.recordColumns) FROM users ORDER BY username_key")
                    .map(Self.record)
            }
        }
    }

    /// The user named `username` (case-insensitively), or `nil`.
    public func user(named username: String) async throws(UserStoreError) -> UserRecord? {
        let key = try Self.key(for: username)
        return try await run("cannot read user '\(username)'") {
            try await pool.read { db in
                try Row.fetchOne(
                    db, sql: "SELECT \(Self.recordColumns) FROM users WHERE username_key = ?", arguments: [key]
                )
                .map(Self.record)
            }
        }
    }

    /// Removes the user's TOTP enrolment (secret, last accepted step and last use; the row itself
    /// stays, not enrolled). Returns false when the user had no enrolment.
    public func reset(username: String) async throws(UserStoreError) -> Bool {
        let key = try Self.key(for: username)
        return try await run("cannot reset '\(username)'") {
            try await pool.write { db in
                try db.execute(
                    sql: """
                        UPDATE users SET totp_secret = NULL, totp_last_step = NULL, last_used_at = NULL
                        WHERE username_key = ? AND totp_secret IS NOT NULL
                        """,
                    arguments: [key])
                return db.changesCount == 1
            }
        }
    }

    private static func record(_ row: Row) -> UserRecord {
        UserRecord(
            username: row["username"], enrolled: row["enrolled"], createdAt: row["created_at"],
            lastUsedAt: row["last_used_at"])
    }
}
