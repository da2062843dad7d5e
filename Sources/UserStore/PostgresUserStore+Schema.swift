import Foundation
import PostgresNIO

/// The PostgreSQL schema: the tables of ``SQLiteUserStore`` (migrations "v1" and "v2" there) in PostgreSQL's
/// types, then the state replicas share (bind cache, lockout). Versions are recorded in `schema_migrations`;
/// migrations are append-only: never edit a registered one.
extension PostgresUserStore {
    static let migrations: [(version: String, statements: [String])] = [
        ("1-users-and-sync", usersAndSync),
        ("2-shared-policy-state", sharedPolicyState),
    ]

    /// Users (MFA and directory columns), the key check, the synchroniser's state, staged removals and the lease.
    private static let usersAndSync: [String] = [
        "CREATE TABLE store_meta (name text PRIMARY KEY, value bytea NOT NULL)",
        """
        CREATE TABLE users (
          username_key text PRIMARY KEY, username text NOT NULL, totp_secret bytea, totp_last_step bigint,
          created_at timestamptz NOT NULL, last_used_at timestamptz, unique_id text,
          \(DirectoryProfile.columns.map { "\($0) text" }.joined(separator: ", ")),
          enabled boolean NOT NULL DEFAULT true, sync_item text, synced_at timestamptz, disabled_at timestamptz)
        """,
        "CREATE UNIQUE INDEX users_unique_id ON users (unique_id) WHERE unique_id IS NOT NULL",
        """
        CREATE TABLE sync_state (
          id text PRIMARY KEY, items_fingerprint text, settings_fingerprint text, dirsync_cookie bytea,
          dirsync_note text, last_full_sync_at timestamptz, last_cycle text)
        """,
        """
        CREATE TABLE pending_removals (
          id bigserial PRIMARY KEY, batch text NOT NULL, staged_at timestamptz NOT NULL, unique_id text NOT NULL UNIQUE,
          username text NOT NULL, action text NOT NULL, reason text NOT NULL, sync_item text)
        """,
        """
        CREATE TABLE sync_lease (
          name text PRIMARY KEY, holder text NOT NULL, acquired_at timestamptz NOT NULL,
          expires_at timestamptz NOT NULL)
        """,
    ]

    /// Bind-cache entries (salted hashes, never a secret) and lockout counters per user and per client address.
    private static let sharedPolicyState: [String] = [
        "CREATE TABLE bind_cache (key bytea PRIMARY KEY, expires_at timestamptz NOT NULL)",
        "CREATE INDEX bind_cache_expiry ON bind_cache (expires_at)",
        """
        CREATE TABLE lockout (
          scope text NOT NULL, key text NOT NULL, failures double precision[] NOT NULL DEFAULT '{}',
          locked_until timestamptz, PRIMARY KEY (scope, key))
        """,
    ]

    /// Any advisory lock number will do, as long as it is this store's alone.
    private static let migrationLock: Int64 = 0x6C64_6170_6D66_61

    /// Migrates (once, whichever replica gets the lock first) and verifies or writes the key check.
    func prepare() async throws {
        let logger = self.logger
        let location = self.location
        let cipher = self.cipher
        let sealedCheck = try cipher.sealKeyCheck()
        let mismatch: Bool = try await leased { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
                try await connection.query(
                    "CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL)",
                    logger: logger)
                var applied: Set<String> = []
                for try await version in try await connection.query(
                    "SELECT version FROM schema_migrations", logger: logger
                ).decode(String.self) {
                    applied.insert(version)
                }
                for (version, statements) in Self.migrations where !applied.contains(version) {
                    for statement in statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO schema_migrations (version, applied_at) VALUES (\(version), \(Date()))",
                        logger: logger)
                    logger.notice("user store migrated", metadata: ["version": "\(version)", "store": "\(location)"])
                }
                let mismatch = try await Self.checkKey(connection, cipher: cipher, sealedCheck: sealedCheck, logger)
                try await connection.query("COMMIT", logger: logger)
                return mismatch
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
        if mismatch { throw UserStoreError.keyMismatch(path: location) }
    }

    /// True when the store was written with another key: its key check, or else one of its secrets, does not open.
    private static func checkKey(
        _ connection: PostgresConnection, cipher: SecretCipher, sealedCheck: Data, _ logger: Logger
    ) async throws -> Bool {
        for try await check in try await connection.query(
            "SELECT value FROM store_meta WHERE name = 'key_check'", logger: logger
        ).decode(Data.self) {
            return !cipher.opensKeyCheck(check)
        }
        for try await (key, secret) in try await connection.query(
            "SELECT username_key, totp_secret FROM users WHERE totp_secret IS NOT NULL LIMIT 1", logger: logger
        ).decode((String, Data).self) where cipher.open(secret, aad: SecretCipher.secretAAD(usernameKey: key)) == nil {
            return true
        }
        try await connection.query(
            "INSERT INTO store_meta (name, value) VALUES ('key_check', \(sealedCheck))", logger: logger)
        return false
    }
}
