import Foundation
import GRDB

/// The synchroniser's state, the staged batch and the lease (migration "v2").
extension SQLiteUserStore {
    private static let stateID = "directory"
    private static let leaseName = "directory-sync"

    /// What the last cycles left behind; empty before the first synchronisation.
    public func syncState() async throws(UserStoreError) -> SyncStateRecord {
        try await run("cannot read the synchronisation state") {
            try await pool.read { db in try Self.loadState(db) }
        }
    }

    static func loadState(_ db: Database) throws -> SyncStateRecord {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sync_state WHERE id = ?", arguments: [stateID])
        else { return SyncStateRecord() }
        let cookie: Data? = row["dirsync_cookie"]
        let cycleText: String? = row["last_cycle"]
        let cycle = try cycleText.map { try JSONDecoder.store.decode(SyncCycleRecord.self, from: Data($0.utf8)) }
        return SyncStateRecord(
            itemsFingerprint: row["items_fingerprint"], settingsFingerprint: row["settings_fingerprint"],
            dirSyncCookie: cookie.map { [UInt8]($0) }, dirSyncNote: row["dirsync_note"],
            lastFullSyncAt: row["last_full_sync_at"], lastCycle: cycle)
    }

    static func saveState(_ state: SyncStateRecord, db: Database) throws {
        let cycle = try state.lastCycle.map { String(decoding: try JSONEncoder.store.encode($0), as: UTF8.self) }
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO sync_state
                  (id, items_fingerprint, settings_fingerprint, dirsync_cookie, dirsync_note, last_full_sync_at,
                   last_cycle)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                stateID, state.itemsFingerprint, state.settingsFingerprint, state.dirSyncCookie.map { Data($0) },
                state.dirSyncNote, state.lastFullSyncAt, cycle,
            ])
    }

    // MARK: Staged removals

    /// The batch waiting for approval, or `nil`.
    public func pendingBatch() async throws(UserStoreError) -> PendingBatch? {
        try await run("cannot read the staged removals") {
            try await pool.read { db in try Self.loadPending(db) }
        }
    }

    static func loadPending(_ db: Database) throws -> PendingBatch? {
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM pending_removals ORDER BY id")
        guard let first = rows.first else { return nil }
        let removals = rows.map { row in
            PendingRemoval(
                uniqueID: row["unique_id"], username: row["username"],
                action: RemovalAction(rawValue: row["action"]) ?? .disable, reason: row["reason"],
                syncItem: row["sync_item"])
        }
        return PendingBatch(id: first["batch"], stagedAt: first["staged_at"], removals: removals)
    }

    static func updatePending(_ update: PendingUpdate, db: Database) throws {
        switch update {
        case .keep(let dropping):
            for uniqueID in dropping {
                try db.execute(sql: "DELETE FROM pending_removals WHERE unique_id = ?", arguments: [uniqueID])
            }
        case .clear:
            try db.execute(sql: "DELETE FROM pending_removals")
        case .replace(let batch):
            try db.execute(sql: "DELETE FROM pending_removals")
            let statement = try db.makeStatement(
                sql: """
                    INSERT INTO pending_removals (batch, staged_at, unique_id, username, action, reason, sync_item)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
            for removal in batch.removals {
                try statement.execute(arguments: [
                    batch.id, batch.stagedAt, removal.uniqueID, removal.username, removal.action.rawValue,
                    removal.reason, removal.syncItem,
                ])
            }
        }
    }

    /// Applies the staged batch (`sync approve`) in one transaction and empties it. With `batch`, only when the
    /// staged batch is that one (the one the administrator reviewed).
    public func approvePending(batch: String? = nil, now: Date = Date()) async throws(UserStoreError)
        -> ApprovalResult
    {
        try await run("cannot apply the staged removals") {
            try await pool.write { db in
                guard let pending = try Self.loadPending(db) else { return .nothingStaged }
                if let batch, batch != pending.id { return .otherBatchStaged(pending) }
                var report = SyncWriteReport()
                for removal in pending.removals {
                    switch removal.action {
                    case .disable:
                        try db.execute(
                            sql: "UPDATE users SET enabled = 0, disabled_at = ? WHERE unique_id = ? AND enabled = 1",
                            arguments: [now, removal.uniqueID])
                        report.disabled += db.changesCount
                    case .remove:
                        try db.execute(sql: "DELETE FROM users WHERE unique_id = ?", arguments: [removal.uniqueID])
                        report.removed += db.changesCount
                    }
                }
                try db.execute(sql: "DELETE FROM pending_removals")
                return .applied(pending, report)
            }
        }
    }

    // MARK: Lease

    /// Takes or renews the synchronisation lease for `holder` until `now + duration`; returns the lease held by
    /// someone else instead when theirs has not expired.
    public func acquireSyncLease(holder: String, duration: TimeInterval, now: Date = Date())
        async throws(UserStoreError) -> (acquired: Bool, lease: SyncLease)
    {
        try await run("cannot take the synchronisation lease") {
            try await pool.write { db in
                if let current = try Self.loadLease(db), current.holder != holder, current.expiresAt > now {
                    return (false, current)
                }
                let previous = try Self.loadLease(db)
                let acquiredAt = previous?.holder == holder ? previous!.acquiredAt : now
                let lease = SyncLease(holder: holder, acquiredAt: acquiredAt, expiresAt: now + duration)
                try db.execute(
                    sql:
                        "INSERT OR REPLACE INTO sync_lease (name, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?)",
                    arguments: [Self.leaseName, holder, lease.acquiredAt, lease.expiresAt])
                return (true, lease)
            }
        }
    }

    /// Gives the lease up, if `holder` holds it.
    public func releaseSyncLease(holder: String) async throws(UserStoreError) {
        try await run("cannot release the synchronisation lease") {
            try await pool.write { db in
                try db.execute(
                    sql: "DELETE FROM sync_lease WHERE name = ? AND holder = ?", arguments: [Self.leaseName, holder])
            }
        }
    }

    /// The current lease, expired or not; `nil` when nobody took one.
    public func syncLease() async throws(UserStoreError) -> SyncLease? {
        try await run("cannot read the synchronisation lease") {
            try await pool.read { db in try Self.loadLease(db) }
        }
    }

    static func loadLease(_ db: Database) throws -> SyncLease? {
        try Row.fetchOne(db, sql: "SELECT * FROM sync_lease WHERE name = ?", arguments: [leaseName]).map { row in
            SyncLease(holder: row["holder"], acquiredAt: row["acquired_at"], expiresAt: row["expires_at"])
        }
    }
}

/// What ``SQLiteUserStore/approvePending(batch:now:)`` did.
public enum ApprovalResult: Sendable, Hashable {
    /// Nothing waits for approval.
    case nothingStaged
    /// Another batch than the one named is staged (a later cycle replaced it): nothing was applied.
    case otherBatchStaged(PendingBatch)
    /// The batch was applied and is no longer staged.
    case applied(PendingBatch, SyncWriteReport)
}

extension JSONEncoder {
    static var store: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        return encoder
    }
}

extension JSONDecoder {
    static var store: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        return decoder
    }
}
