import Crypto
import Foundation
import GRDB

/// The embedded user store (DESIGN.md decision 7): one SQLite file in WAL mode, through GRDB.
///
/// TOTP secrets are encrypted at rest with AES-256-GCM, the user's normalised name as additional
/// authenticated data. A sealed key check written when the store is created makes opening it with
/// another key fail at once with `UserStoreError` `.keyMismatch`, before any secret is read.
/// Usernames are matched case-insensitively: rows are keyed by the NFC-normalised lowercase name and
/// keep the name as given for display.
///
/// Every call runs on GRDB's own queues, never on an event loop. Several processes (the server and
/// the CLI) may open the same file; writers wait up to `busyTimeout` for each other.
public final class SQLiteUserStore: Sendable {
    /// How long a writer waits for another process's write transaction before failing.
    public static let busyTimeout: TimeInterval = 10

    /// The database file.
    public let path: String
    let pool: DatabasePool
    let cipher: SecretCipher

    /// Opens (creating and migrating as needed) the store at `path` with a 256-bit `key`.
    ///
    /// Throws `UserStoreError`: `.invalidKey` for a key of another size, `.keyMismatch` when the store
    /// was created with another key, `.database` when SQLite cannot open or migrate the file.
    public init(path: String, key: SymmetricKey) throws(UserStoreError) {
        self.path = path
        self.cipher = try SecretCipher(key: key)
        KeyFileWriter.createPrivateFileIfAbsent(path: path)
        var configuration = Configuration()
        configuration.label = "ldap-mfa-proxy.users"
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.prepareDatabase { db in
            // Overwrite deleted content (reset secrets) instead of leaving it in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // WAL with NORMAL syncs at checkpoints, not at every commit: a commit survives a crash of the
            // process, and the file stays consistent after a power loss, which may undo only the last
            // commits (sqlite.org/pragma.html#pragma_synchronous). A gated bind writes its accepted TOTP
            // step, and FULL made that fsync the one serial bottleneck of gated binds (BENCHMARKS.md).
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw UserStoreError.database("cannot open the user store \(path)", error)
        }
        try checkKey()
    }

    /// The schema. Migrations are append-only: never edit a registered one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "store_meta") { table in
                table.primaryKey("name", .text)
                table.column("value", .blob).notNull()
            }
            try db.create(table: "users") { table in
                table.primaryKey("username_key", .text)
                table.column("username", .text).notNull()
                table.column("totp_secret", .blob)
                table.column("totp_last_step", .integer)
                table.column("created_at", .datetime).notNull()
                table.column("last_used_at", .datetime)
            }
        }
        migrator.registerMigration("v2", migrate: migrateToDirectorySync)
        return migrator
    }

    /// Verifies the stored key check, or writes one when the store has none yet. A store without a
    /// key check but with secrets (an older or repaired file) is checked against one of its secrets.
    private func checkKey() throws(UserStoreError) {
        let cipher = self.cipher
        let sealedCheck: Data
        let existing: (check: Data?, sample: Row?)
        do {
            sealedCheck = try cipher.sealKeyCheck()
            existing = try pool.write { db in
                if let check = try Data.fetchOne(db, sql: "SELECT value FROM store_meta WHERE name = 'key_check'") {
                    return (check, nil)
                }
                let sample = try Row.fetchOne(
                    db, sql: "SELECT username_key, totp_secret FROM users WHERE totp_secret IS NOT NULL LIMIT 1")
                if let sample, let secret: Data = sample["totp_secret"],
                    cipher.open(secret, aad: SecretCipher.secretAAD(usernameKey: sample["username_key"])) == nil
                {
                    return (nil, sample)
                }
                try db.execute(
                    sql: "INSERT INTO store_meta (name, value) VALUES ('key_check', ?)", arguments: [sealedCheck])
                return (nil, nil)
            }
        } catch {
            throw UserStoreError.database("cannot check the encryption key of \(path)", error)
        }
        if let check = existing.check, !cipher.opensKeyCheck(check) { throw UserStoreError.keyMismatch(path: path) }
        if existing.sample != nil { throw UserStoreError.keyMismatch(path: path) }
    }

    /// The key a username is stored under: Unicode NFC, then lowercase. Throws for an empty name.
    static func key(for username: String) throws(UserStoreError) -> String {
        try UsernameKey.make(username)
    }

    /// Runs `body`, turning anything but a `UserStoreError` into `.database` with `action` as context.
    func run<T>(_ action: @autoclosure () -> String, _ body: () async throws -> T) async throws(UserStoreError) -> T {
        do {
            return try await body()
        } catch let error as UserStoreError {
            throw error
        } catch {
            throw UserStoreError.database(action(), error)
        }
    }
}
