import Foundation
import PostgresNIO

/// Directory synchronisation's side of `users` on PostgreSQL: the semantics of ``SQLiteUserStore``'s, and a cycle is
/// one transaction.
extension PostgresUserStore {
    public func syncSnapshot() async throws(UserStoreError) -> [StoredSyncUser] {
        let logger = self.logger
        let columns = (["username_key", "username", "unique_id", "enabled", "sync_item"] + DirectoryProfile.columns)
            .joined(separator: ", ")
        return try await run("cannot read users for synchronisation") { connection in
            var users: [StoredSyncUser] = []
            let rows = try await connection.query(
                "SELECT \(unescaped: columns), totp_secret IS NOT NULL AS enrolled FROM users ORDER BY username_key",
                logger: logger)
            for try await row in rows { users.append(try Self.storedSyncUser(row.makeRandomAccess())) }
            return users
        }
    }

    public func applySync(
        _ writes: [SyncWrite], pending: PendingUpdate, state: SyncStateRecord, now: Date
    ) async throws(UserStoreError) -> SyncWriteReport {
        let cipher = self.cipher
        let logger = self.logger
        return try await transaction("cannot apply the synchronisation") { connection in
            var report = SyncWriteReport()
            for rank in 0...3 {
                for write in writes where Self.rank(write) == rank {
                    try await Self.apply(write, connection, cipher: cipher, now: now, report: &report, logger)
                }
            }
            try await Self.updatePending(pending, connection, logger)
            try await Self.saveState(state, connection, logger)
            return report
        }
    }

    public func saveSyncState(_ state: SyncStateRecord) async throws(UserStoreError) {
        let logger = self.logger
        try await run("cannot record the synchronisation state") { connection in
            try await Self.saveState(state, connection, logger)
        }
    }

    private static func rank(_ write: SyncWrite) -> Int {
        switch write {
        case .remove: 0
        case .disable: 1
        case .adopt, .update: 2
        case .add: 3
        }
    }

    /// Runs `sql` with `binds`; returns how many rows it returned (statements end with `RETURNING 1` to count).
    @discardableResult
    static func count(
        _ sql: String, _ binds: PostgresBindings, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> Int {
        try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).collect().count
    }

    private static let insertSQL: String = {
        let columns =
            ["username_key", "username", "unique_id", "sync_item", "created_at", "synced_at"]
            + DirectoryProfile.columns
        let marks = (1...columns.count).map { "$\($0)" }.joined(separator: ", ")
        return
            "INSERT INTO users (\(columns.joined(separator: ", "))) VALUES (\(marks)) ON CONFLICT DO NOTHING RETURNING 1"
    }()

    private static func updateSQL(where condition: String) -> String {
        let profile = DirectoryProfile.columns.enumerated().map { "\($1) = $\($0 + 5)" }.joined(separator: ", ")
        let next = DirectoryProfile.columns.count + 5
        return """
            UPDATE users SET unique_id = $1, username = $2, sync_item = $3, synced_at = $4, enabled = true,
              disabled_at = NULL, \(profile)
            WHERE \(condition.replacingOccurrences(of: "?", with: "$\(next)")) RETURNING 1
            """
    }

    private static func apply(
        _ write: SyncWrite, _ connection: PostgresConnection, cipher: SecretCipher, now: Date,
        report: inout SyncWriteReport, _ logger: Logger
    ) async throws {
        switch write {
        case .remove(let uniqueID):
            var binds = PostgresBindings()
            binds.append(uniqueID)
            report.removed += try await count(
                "DELETE FROM users WHERE unique_id = $1 RETURNING 1", binds, connection, logger)
        case .disable(let uniqueID):
            var binds = PostgresBindings()
            binds.append(now)
            binds.append(uniqueID)
            report.disabled += try await count(
                "UPDATE users SET enabled = false, disabled_at = $1 WHERE unique_id = $2 AND enabled RETURNING 1",
                binds, connection, logger)
        case .add(let user):
            var binds = PostgresBindings()
            binds.append(try key(for: user.username))
            for value in [user.username, user.uniqueID, user.syncItem] { binds.append(value) }
            binds.append(now)
            binds.append(now)
            for value in user.profile.columnValues { binds.append(value) }
            if try await count(insertSQL, binds, connection, logger) == 1 {
                report.added += 1
            } else {
                report.errors.append(
                    "cannot add '\(user.username)' (\(user.uniqueID)): the name or identifier belongs to another user")
            }
        case .adopt(let usernameKey, let user):
            report.updated += try await update(
                user, where: "username_key = ? AND unique_id IS NULL", usernameKey, connection, now: now, logger)
        case .update(let user):
            guard try await rekeyIfRenamed(user, connection, cipher: cipher, report: &report, logger) else { return }
            report.updated += try await update(
                user, where: "unique_id = ?", user.uniqueID, connection, now: now, logger)
        }
    }

    private static func update(
        _ user: SyncedUser, where condition: String, _ argument: String, _ connection: PostgresConnection, now: Date,
        _ logger: Logger
    ) async throws -> Int {
        var binds = PostgresBindings()
        for value in [user.uniqueID, user.username, user.syncItem] { binds.append(value) }
        binds.append(now)
        for value in user.profile.columnValues { binds.append(value) }
        binds.append(argument)
        return try await count(updateSQL(where: condition), binds, connection, logger)
    }

    /// A renamed user's row moves to the new key and its secret is re-sealed for it; a name held by another row, or
    /// a secret that does not open, leaves the row as it is (reported) and returns false.
    private static func rekeyIfRenamed(
        _ user: SyncedUser, _ connection: PostgresConnection, cipher: SecretCipher, report: inout SyncWriteReport,
        _ logger: Logger
    ) async throws -> Bool {
        let newKey = try key(for: user.username)
        var current: (key: String, secret: Data?)?
        for try await row in try await connection.query(
            "SELECT username_key, totp_secret FROM users WHERE unique_id = \(user.uniqueID)", logger: logger
        ).decode((String, Data?).self) {
            current = row
        }
        guard let (oldKey, secret) = current, oldKey != newKey else { return true }
        var taken = PostgresBindings()
        taken.append(newKey)
        if try await count("SELECT 1 FROM users WHERE username_key = $1", taken, connection, logger) > 0 {
            report.errors.append(
                "cannot rename '\(oldKey)' to '\(user.username)': another user holds that name; the row keeps its "
                    + "old name")
            return false
        }
        var sealed: Data?
        if let secret {
            guard let plain = cipher.open(secret, aad: SecretCipher.secretAAD(usernameKey: oldKey)) else {
                report.errors.append(
                    "cannot rename '\(oldKey)' to '\(user.username)': its TOTP secret does not decrypt; the row "
                        + "keeps its old name")
                return false
            }
            sealed = try cipher.seal(plain, aad: SecretCipher.secretAAD(usernameKey: newKey))
        }
        try await connection.query(
            "UPDATE users SET username_key = \(newKey), totp_secret = \(sealed) WHERE unique_id = \(user.uniqueID)",
            logger: logger)
        report.renamed += 1
        return true
    }
}
