import Foundation
import PostgresNIO

/// Users, TOTP secrets and replay state (RFC 6238 §5.2): the semantics of ``SQLiteUserStore``'s.
extension PostgresUserStore {
    private static let recordColumns = "username, totp_secret IS NOT NULL AS enrolled, created_at, last_used_at"

    public func listUsers() async throws(UserStoreError) -> [UserRecord] {
        let logger = self.logger
        return try await run("cannot list users") { connection in
            var users: [UserRecord] = []
            let rows = try await connection.query(
                "SELECT \(unescaped: Self.recordColumns) FROM users ORDER BY username_key", logger: logger)
            for try await (name, enrolled, created, used) in rows.decode((String, Bool, Date, Date?).self) {
                users.append(UserRecord(username: name, enrolled: enrolled, createdAt: created, lastUsedAt: used))
            }
            return users
        }
    }

    public func user(named username: String) async throws(UserStoreError) -> UserRecord? {
        let logger = self.logger
        let key = try Self.key(for: username)
        return try await run("cannot read user '\(username)'") { connection in
            let rows = try await connection.query(
                "SELECT \(unescaped: Self.recordColumns) FROM users WHERE username_key = \(key)", logger: logger)
            for try await (name, enrolled, created, used) in rows.decode((String, Bool, Date, Date?).self) {
                return UserRecord(username: name, enrolled: enrolled, createdAt: created, lastUsedAt: used)
            }
            return nil
        }
    }

    public func isEnabled(username: String) async throws(UserStoreError) -> Bool? {
        let logger = self.logger
        let key = try Self.key(for: username)
        return try await run("cannot read user '\(username)'") { connection in
            let rows = try await connection.query(
                "SELECT enabled FROM users WHERE username_key = \(key)", logger: logger)
            for try await enabled in rows.decode(Bool.self) { return enabled }
            return nil
        }
    }

    public func reset(username: String) async throws(UserStoreError) -> Bool {
        let logger = self.logger
        let key = try Self.key(for: username)
        return try await run("cannot reset '\(username)'") { connection in
            try await connection.query(
                """
                UPDATE users SET totp_secret = NULL, totp_last_step = NULL, last_used_at = NULL
                WHERE username_key = \(key) AND totp_secret IS NOT NULL RETURNING 1
                """, logger: logger
            ).collect().count == 1
        }
    }

    public func totpSecret(for username: String) async throws(UserStoreError) -> [UInt8]? {
        let logger = self.logger
        let key = try Self.key(for: username)
        let sealed: Data? = try await run("cannot read the TOTP secret of '\(username)'") { connection in
            let rows = try await connection.query(
                "SELECT totp_secret FROM users WHERE username_key = \(key)", logger: logger)
            for try await secret in rows.decode(Data?.self) { return secret }
            return nil
        }
        guard let sealed else { return nil }
        guard let secret = cipher.open(sealed, aad: SecretCipher.secretAAD(usernameKey: key)) else {
            throw UserStoreError.secretUndecryptable(username: username)
        }
        return secret
    }

    /// One conditional `UPDATE`: a concurrent `UPDATE` of the same row (another replica accepting the same code)
    /// waits for the first to commit, then re-checks the condition against the committed row (READ COMMITTED), so
    /// exactly one of them gets a row back.
    public func recordAcceptedStep(_ step: Int64, for username: String) async throws(UserStoreError) -> Bool {
        let logger = self.logger
        let key = try Self.key(for: username)
        let now = Date()
        return try await run("cannot record a TOTP step for '\(username)'") { connection in
            try await connection.query(
                """
                UPDATE users SET totp_last_step = \(step), last_used_at = \(now)
                WHERE username_key = \(key) AND totp_secret IS NOT NULL
                  AND (totp_last_step IS NULL OR totp_last_step < \(step))
                RETURNING 1
                """, logger: logger
            ).collect().count == 1
        }
    }

    public func enrolTOTP(username: String, secret: [UInt8]) async throws(UserStoreError) {
        let logger = self.logger
        let key = try Self.key(for: username)
        let sealed = try cipher.sealTOTPSecret(secret, usernameKey: key, username: username)
        let now = Date()
        try await run("cannot enrol '\(username)'") { connection in
            try await connection.query(
                """
                INSERT INTO users (username_key, username, totp_secret, totp_last_step, created_at, last_used_at)
                VALUES (\(key), \(username), \(sealed), NULL, \(now), NULL)
                ON CONFLICT (username_key) DO UPDATE SET
                  username = excluded.username, totp_secret = excluded.totp_secret,
                  totp_last_step = NULL, last_used_at = NULL
                """, logger: logger)
        }
    }

    public func listUserDetails() async throws(UserStoreError) -> [UserDetails] {
        let logger = self.logger
        let columns =
            (["username", "username_key", "unique_id", "enabled", "sync_item", "created_at", "last_used_at"]
            + ["synced_at", "disabled_at"] + DirectoryProfile.columns).joined(separator: ", ")
        return try await run("cannot list users") { connection in
            var users: [UserDetails] = []
            let rows = try await connection.query(
                "SELECT \(unescaped: columns), totp_secret IS NOT NULL AS enrolled FROM users ORDER BY username_key",
                logger: logger)
            for try await row in rows {
                let cells = row.makeRandomAccess()
                let stored = try Self.storedSyncUser(cells)
                users.append(
                    UserDetails(
                        record: UserRecord(
                            username: stored.username, enrolled: stored.enrolled,
                            createdAt: try cells["created_at"].decode(Date.self),
                            lastUsedAt: try cells["last_used_at"].decode(Date?.self)),
                        uniqueID: stored.uniqueID, profile: stored.profile, enabled: stored.enabled,
                        syncItem: stored.syncItem, syncedAt: try cells["synced_at"].decode(Date?.self),
                        disabledAt: try cells["disabled_at"].decode(Date?.self)))
            }
            return users
        }
    }

    static func storedSyncUser(_ row: PostgresRandomAccessRow) throws -> StoredSyncUser {
        let uniqueID = try row["unique_id"].decode(String?.self)
        let values = try DirectoryProfile.columns.map { try row[$0].decode(String?.self) }
        return StoredSyncUser(
            usernameKey: try row["username_key"].decode(String.self), username: try row["username"].decode(String.self),
            uniqueID: uniqueID, profile: uniqueID == nil ? nil : DirectoryProfile(columnValues: values),
            enabled: try row["enabled"].decode(Bool.self), syncItem: try row["sync_item"].decode(String?.self),
            enrolled: try row["enrolled"].decode(Bool.self))
    }
}
