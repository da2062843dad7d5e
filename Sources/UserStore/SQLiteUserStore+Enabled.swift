import GRDB

extension SQLiteUserStore {
    /// Whether the user named `username` (case-insensitively) is enabled: nil when the store has no record,
    /// false once a directory synchronisation disabled the record. Read by the bind gate on every gated bind.
    public func isEnabled(username: String) async throws(UserStoreError) -> Bool? {
        let key = try Self.key(for: username)
        return try await run("cannot read user '\(username)'") {
            try await pool.read { db in
                try Bool.fetchOne(db, sql: "SELECT enabled FROM users WHERE username_key = ?", arguments: [key])
            }
        }
    }
}
