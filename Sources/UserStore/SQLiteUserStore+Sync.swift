import Foundation
import GRDB

/// Directory synchronisation's side of the users table: the snapshot a cycle plans against, and the one transaction
/// that applies a cycle. MFA data (secret, last accepted step, last use) is never written here, except that a rename
/// re-seals the secret under the new name (the name is the secret's authenticated data).
extension SQLiteUserStore {
    /// Every row with its directory side, ordered by key. Never includes secrets.
    public func syncSnapshot() async throws(UserStoreError) -> [StoredSyncUser] {
        let columns = (["username_key", "username", "unique_id", "enabled", "sync_item"] + DirectoryProfile.columns)
            .joined(separator: ", ")
        return try await run("cannot read users for synchronisation") {
            try await pool.read { db in
                // A cursor, not fetchAll: 100,000 GRDB rows at once would double the memory a cycle needs.
                var users: [StoredSyncUser] = []
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT \(columns), totp_secret IS NOT NULL AS enrolled FROM users ORDER BY username_key")
                while let row = try rows.next() { users.append(Self.storedSyncUser(row)) }
                return users
            }
        }
    }

    static func storedSyncUser(_ row: Row) -> StoredSyncUser {
        let uniqueID: String? = row["unique_id"]
        let values: [String?] = DirectoryProfile.columns.map { row[$0] }
        return StoredSyncUser(
            usernameKey: row["username_key"], username: row["username"], uniqueID: uniqueID,
            profile: uniqueID == nil ? nil : DirectoryProfile(columnValues: values), enabled: row["enabled"],
            syncItem: row["sync_item"], enrolled: row["enrolled"])
    }

    /// Applies one cycle in one transaction: `writes` (removals first, then disables, updates and adds), the
    /// staged batch, and `state`. A write that cannot be made (a name held by another row, a secret that does not
    /// open for re-sealing) is skipped and reported; the rest is applied.
    public func applySync(
        _ writes: [SyncWrite], pending: PendingUpdate, state: SyncStateRecord, now: Date = Date()
    ) async throws(UserStoreError) -> SyncWriteReport {
        let cipher = self.cipher
        return try await run("cannot apply the synchronisation") {
            try await pool.write { db in
                var report = SyncWriteReport()
                try Self.applyInOrder(writes) { write in
                    try Self.apply(write, db: db, cipher: cipher, now: now, report: &report)
                }
                try Self.updatePending(pending, db: db)
                try Self.saveState(state, db: db)
                return report
            }
        }
    }

    /// Records `state` alone (a failed cycle writes nothing else).
    public func saveSyncState(_ state: SyncStateRecord) async throws(UserStoreError) {
        try await run("cannot record the synchronisation state") {
            try await pool.write { db in try Self.saveState(state, db: db) }
        }
    }

    /// Removals, disables, adoptions and updates, then adds: a name freed by a removal or rename can be taken.
    /// One pass per kind, in the given order within a kind (no copy of a list that may hold 100,000 writes).
    private static func applyInOrder(
        _ writes: [SyncWrite], _ body: (SyncWrite) throws -> Void
    ) rethrows {
        for rank in 0...3 {
            for write in writes where Self.rank(write) == rank { try body(write) }
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

    private static let insertSQL: String = {
        let columns = ["username_key", "username", "unique_id", "sync_item", "created_at", "synced_at"]
        let names = (columns + DirectoryProfile.columns).joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count + DirectoryProfile.columns.count)
        return "INSERT INTO users (\(names)) VALUES (\(marks.joined(separator: ", "))) ON CONFLICT DO NOTHING"
    }()

    private static let profileAssignments = DirectoryProfile.columns.map { "\($0) = ?" }.joined(separator: ", ")

    private static func apply(
        _ write: SyncWrite, db: Database, cipher: SecretCipher, now: Date, report: inout SyncWriteReport
    ) throws {
        switch write {
        case .remove(let uniqueID):
            try db.cachedStatement(sql: "DELETE FROM users WHERE unique_id = ?").execute(arguments: [uniqueID])
            if db.changesCount == 1 { report.removed += 1 }
        case .disable(let uniqueID):
            try db.cachedStatement(
                sql: "UPDATE users SET enabled = 0, disabled_at = ? WHERE unique_id = ? AND enabled = 1"
            ).execute(arguments: [now, uniqueID])
            if db.changesCount == 1 { report.disabled += 1 }
        case .add(let user):
            let key = try key(for: user.username)
            try db.cachedStatement(sql: insertSQL).execute(
                arguments: StatementArguments(
                    [key, user.username, user.uniqueID, user.syncItem, now, now] + user.profile.databaseValues))
            if db.changesCount == 1 {
                report.added += 1
            } else {
                report.errors.append(
                    "cannot add '\(user.username)' (\(user.uniqueID)): the name or identifier belongs to another user")
            }
        case .adopt(let usernameKey, let user):
            try update(user, where: "username_key = ? AND unique_id IS NULL", usernameKey, db: db, now: now)
            if db.changesCount == 1 { report.updated += 1 }
        case .update(let user):
            guard try rekeyIfRenamed(user, db: db, cipher: cipher, report: &report) else { return }
            try update(user, where: "unique_id = ?", user.uniqueID, db: db, now: now)
            if db.changesCount == 1 { report.updated += 1 }
        }
    }

    private static func update(
        _ user: SyncedUser, where condition: String, _ argument: String, db: Database, now: Date
    ) throws {
        try db.cachedStatement(
            sql: """
                UPDATE users SET unique_id = ?, username = ?, sync_item = ?, synced_at = ?, enabled = 1,
                  disabled_at = NULL, \(profileAssignments)
                WHERE \(condition)
                """
        ).execute(
            arguments: StatementArguments(
                [user.uniqueID, user.username, user.syncItem, now] + user.profile.databaseValues + [argument]))
    }

    /// When the directory renamed the user, moves the row to the new key and re-seals its secret for it. A name
    /// already held by another row, or a secret that does not open, leaves the row untouched (reported): returns
    /// false then.
    private static func rekeyIfRenamed(
        _ user: SyncedUser, db: Database, cipher: SecretCipher, report: inout SyncWriteReport
    ) throws -> Bool {
        let newKey = try key(for: user.username)
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT username_key, totp_secret FROM users WHERE unique_id = ?", arguments: [user.uniqueID]
            )
        else { return true }
        let oldKey: String = row["username_key"]
        guard oldKey != newKey else { return true }
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE username_key = ?", arguments: [newKey]) != nil {
            report.errors.append(
                "cannot rename '\(oldKey)' to '\(user.username)': another user holds that name; the row keeps its "
                    + "old name")
            return false
        }
        var sealed: Data?
        if let secret: Data = row["totp_secret"] {
            guard let plain = cipher.open(secret, aad: SecretCipher.secretAAD(usernameKey: oldKey)) else {
                report.errors.append(
                    "cannot rename '\(oldKey)' to '\(user.username)': its TOTP secret does not decrypt; the row "
                        + "keeps its old name")
                return false
            }
            sealed = try cipher.seal(plain, aad: SecretCipher.secretAAD(usernameKey: newKey))
        }
        try db.execute(
            sql: "UPDATE users SET username_key = ?, totp_secret = ? WHERE unique_id = ?",
            arguments: [newKey, sealed, user.uniqueID])
        report.renamed += 1
        return true
    }
}

extension DirectoryProfile {
    fileprivate var databaseValues: [(any DatabaseValueConvertible)?] { columnValues }
}

/// What ``SQLiteUserStore/applySync(_:pending:state:now:)`` did.
public struct SyncWriteReport: Sendable, Hashable {
    public var added = 0
    public var updated = 0
    public var renamed = 0
    public var disabled = 0
    public var removed = 0
    /// Writes that were skipped, and why.
    public var errors: [String] = []

    public init() {}
}

/// What a cycle does to the staged batch.
public enum PendingUpdate: Sendable, Hashable {
    /// Leaves the batch, except for the users named (seen again in the directory, so no longer to be removed).
    case keep(droppingUniqueIDs: Set<String>)
    /// Stages this batch instead of any earlier one.
    case replace(PendingBatch)
    /// Nothing waits for approval any more.
    case clear
}
