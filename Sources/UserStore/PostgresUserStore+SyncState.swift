import Foundation
import PostgresNIO

/// The synchroniser's state, the staged batch and the lease on PostgreSQL.
extension PostgresUserStore {
    private static let stateID = "directory"
    private static let leaseName = "directory-sync"

    public func syncState() async throws(UserStoreError) -> SyncStateRecord {
        let logger = self.logger
        return try await run("cannot read the synchronisation state") { connection in
            let rows = try await connection.query(
                """
                SELECT items_fingerprint, settings_fingerprint, dirsync_cookie, dirsync_note, last_full_sync_at,
                  last_cycle
                FROM sync_state WHERE id = \(Self.stateID)
                """, logger: logger)
            for try await (items, settings, cookie, note, lastFull, cycle) in rows.decode(
                (String?, String?, Data?, String?, Date?, String?).self)
            {
                return SyncStateRecord(
                    itemsFingerprint: items, settingsFingerprint: settings, dirSyncCookie: cookie.map { [UInt8]($0) },
                    dirSyncNote: note, lastFullSyncAt: lastFull,
                    lastCycle: try cycle.map { try JSONDecoder.store.decode(SyncCycleRecord.self, from: Data($0.utf8)) }
                )
            }
            return SyncStateRecord()
        }
    }

    static func saveState(_ state: SyncStateRecord, _ connection: PostgresConnection, _ logger: Logger) async throws {
        let cycle = try state.lastCycle.map { String(decoding: try JSONEncoder.store.encode($0), as: UTF8.self) }
        let cookie = state.dirSyncCookie.map { Data($0) }
        try await connection.query(
            """
            INSERT INTO sync_state
              (id, items_fingerprint, settings_fingerprint, dirsync_cookie, dirsync_note, last_full_sync_at, last_cycle)
            VALUES (\(stateID), \(state.itemsFingerprint), \(state.settingsFingerprint), \(cookie), \(state.dirSyncNote),
              \(state.lastFullSyncAt), \(cycle))
            ON CONFLICT (id) DO UPDATE SET items_fingerprint = excluded.items_fingerprint,
              settings_fingerprint = excluded.settings_fingerprint, dirsync_cookie = excluded.dirsync_cookie,
              dirsync_note = excluded.dirsync_note, last_full_sync_at = excluded.last_full_sync_at,
              last_cycle = excluded.last_cycle
            """, logger: logger)
    }

    // MARK: Staged removals

    public func pendingBatch() async throws(UserStoreError) -> PendingBatch? {
        let logger = self.logger
        return try await run("cannot read the staged removals") { connection in
            try await Self.loadPending(connection, logger)
        }
    }

    static func loadPending(_ connection: PostgresConnection, _ logger: Logger) async throws -> PendingBatch? {
        var batch: (id: String, stagedAt: Date)?
        var removals: [PendingRemoval] = []
        let rows = try await connection.query(
            "SELECT batch, staged_at, unique_id, username, action, reason, sync_item FROM pending_removals ORDER BY id",
            logger: logger)
        for try await (id, stagedAt, uniqueID, username, action, reason, item) in rows.decode(
            (String, Date, String, String, String, String, String?).self)
        {
            if batch == nil { batch = (id, stagedAt) }
            removals.append(
                PendingRemoval(
                    uniqueID: uniqueID, username: username, action: RemovalAction(rawValue: action) ?? .disable,
                    reason: reason, syncItem: item))
        }
        return batch.map { PendingBatch(id: $0.id, stagedAt: $0.stagedAt, removals: removals) }
    }

    static func updatePending(_ update: PendingUpdate, _ connection: PostgresConnection, _ logger: Logger) async throws
    {
        switch update {
        case .keep(let dropping):
            for uniqueID in dropping {
                try await connection.query("DELETE FROM pending_removals WHERE unique_id = \(uniqueID)", logger: logger)
            }
        case .clear:
            try await connection.query("DELETE FROM pending_removals", logger: logger)
        case .replace(let batch):
            try await connection.query("DELETE FROM pending_removals", logger: logger)
            for removal in batch.removals {
                try await connection.query(
                    """
                    INSERT INTO pending_removals (batch, staged_at, unique_id, username, action, reason, sync_item)
                    VALUES (\(batch.id), \(batch.stagedAt), \(removal.uniqueID), \(removal.username),
                      \(removal.action.rawValue), \(removal.reason), \(removal.syncItem))
                    """, logger: logger)
            }
        }
    }

    public func approvePending(batch: String?, now: Date) async throws(UserStoreError) -> ApprovalResult {
        let logger = self.logger
        return try await transaction("cannot apply the staged removals") { connection in
            // Serialises approvals (and cycles replacing the batch) across replicas.
            try await connection.query("LOCK TABLE pending_removals IN EXCLUSIVE MODE", logger: logger)
            guard let pending = try await Self.loadPending(connection, logger) else { return .nothingStaged }
            if let batch, batch != pending.id { return .otherBatchStaged(pending) }
            var report = SyncWriteReport()
            for removal in pending.removals {
                var binds = PostgresBindings()
                switch removal.action {
                case .disable:
                    binds.append(now)
                    binds.append(removal.uniqueID)
                    report.disabled += try await Self.count(
                        "UPDATE users SET enabled = false, disabled_at = $1 WHERE unique_id = $2 AND enabled RETURNING 1",
                        binds, connection, logger)
                case .remove:
                    binds.append(removal.uniqueID)
                    report.removed += try await Self.count(
                        "DELETE FROM users WHERE unique_id = $1 RETURNING 1", binds, connection, logger)
                }
            }
            try await connection.query("DELETE FROM pending_removals", logger: logger)
            return .applied(pending, report)
        }
    }

    // MARK: Lease

    /// One conditional upsert: the row is taken when it is free, expired or already `holder`'s; the row lock makes
    /// two replicas asking at once get one answer each, one of them `acquired`.
    public func acquireSyncLease(holder: String, duration: TimeInterval, now: Date)
        async throws(UserStoreError) -> (acquired: Bool, lease: SyncLease)
    {
        let logger = self.logger
        let expires = now + duration
        return try await run("cannot take the synchronisation lease") { connection in
            for _ in 0..<3 {
                let taken = try await connection.query(
                    """
                    INSERT INTO sync_lease AS lease (name, holder, acquired_at, expires_at)
                    VALUES (\(Self.leaseName), \(holder), \(now), \(expires))
                    ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at,
                      acquired_at = CASE WHEN lease.holder = excluded.holder THEN lease.acquired_at
                                         ELSE excluded.acquired_at END
                    WHERE lease.holder = excluded.holder OR lease.expires_at <= \(now)
                    RETURNING holder, acquired_at, expires_at
                    """, logger: logger)
                for try await (name, acquired, until) in taken.decode((String, Date, Date).self) {
                    return (true, SyncLease(holder: name, acquiredAt: acquired, expiresAt: until))
                }
                if let current = try await Self.loadLease(connection, logger) { return (false, current) }
                // Released between the two statements: ask again.
            }
            throw UserStoreError(.database, "the synchronisation lease changed hands three times in a row")
        }
    }

    public func releaseSyncLease(holder: String) async throws(UserStoreError) {
        let logger = self.logger
        try await run("cannot release the synchronisation lease") { connection in
            try await connection.query(
                "DELETE FROM sync_lease WHERE name = \(Self.leaseName) AND holder = \(holder)", logger: logger)
        }
    }

    public func syncLease() async throws(UserStoreError) -> SyncLease? {
        let logger = self.logger
        return try await run("cannot read the synchronisation lease") { connection in
            try await Self.loadLease(connection, logger)
        }
    }

    private static func loadLease(_ connection: PostgresConnection, _ logger: Logger) async throws -> SyncLease? {
        let rows = try await connection.query(
            "SELECT holder, acquired_at, expires_at FROM sync_lease WHERE name = \(Self.leaseName)", logger: logger)
        for try await (holder, acquired, until) in rows.decode((String, Date, Date).self) {
            return SyncLease(holder: holder, acquiredAt: acquired, expiresAt: until)
        }
        return nil
    }
}
