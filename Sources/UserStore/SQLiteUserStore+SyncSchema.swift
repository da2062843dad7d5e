import GRDB

extension SQLiteUserStore {
    /// Migration "v2": directory synchronisation (issue 6).
    ///
    /// `users` gains the directory's side of a user (unique identifier, DN, names, e-mail, user group, description,
    /// languages, phones and extension), whether the user is enabled, and the sync item it came from; the MFA
    /// columns of "v1" are left as they are. Rows enrolled by hand have no unique identifier and are enabled.
    /// Three tables are new: `sync_state` (one row: what the last full synchronisation was made with, the DirSync
    /// cookie, the last cycle), `pending_removals` (disables and removals staged for approval) and `sync_lease`
    /// (which process may synchronise, until when).
    static func migrateToDirectorySync(_ db: Database) throws {
        try db.alter(table: "users") { table in
            table.add(column: "unique_id", .text)
            for column in DirectoryProfile.columns { table.add(column: column, .text) }
            table.add(column: "enabled", .boolean).notNull().defaults(to: true)
            table.add(column: "sync_item", .text)
            table.add(column: "synced_at", .datetime)
            table.add(column: "disabled_at", .datetime)
        }
        try db.execute(sql: "CREATE UNIQUE INDEX users_unique_id ON users (unique_id) WHERE unique_id IS NOT NULL")
        try db.create(table: "sync_state") { table in
            table.primaryKey("id", .text)
            table.column("items_fingerprint", .text)
            table.column("settings_fingerprint", .text)
            table.column("dirsync_cookie", .blob)
            table.column("dirsync_note", .text)
            table.column("last_full_sync_at", .datetime)
            table.column("last_cycle", .text)
        }
        try db.create(table: "pending_removals") { table in
            table.autoIncrementedPrimaryKey("id")
            table.column("batch", .text).notNull()
            table.column("staged_at", .datetime).notNull()
            table.column("unique_id", .text).notNull().unique()
            table.column("username", .text).notNull()
            table.column("action", .text).notNull()
            table.column("reason", .text).notNull()
            table.column("sync_item", .text)
        }
        try db.create(table: "sync_lease") { table in
            table.primaryKey("name", .text)
            table.column("holder", .text).notNull()
            table.column("acquired_at", .datetime).notNull()
            table.column("expires_at", .datetime).notNull()
        }
    }
}
