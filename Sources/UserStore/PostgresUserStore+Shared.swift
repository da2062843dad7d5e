import Foundation
import PostgresNIO

/// The bind cache and lockout counters every replica sees, and the health check.
extension PostgresUserStore: MFAUserStore, SharedPolicyStore {
    public var sharedPolicyState: (any SharedPolicyStore)? { self }

    /// Writes a heartbeat row (for `/readyz`): fails when the server is unreachable, read-only (a standby) or
    /// refuses the write.
    public func checkWritable() async throws(UserStoreError) {
        let logger = self.logger
        let beat = Data(String(Date().timeIntervalSince1970).utf8)
        try await run("the user store is not writable") { connection in
            try await connection.query(
                """
                INSERT INTO store_meta (name, value) VALUES ('heartbeat', \(beat))
                ON CONFLICT (name) DO UPDATE SET value = excluded.value
                """, logger: logger)
        }
    }

    // MARK: Bind cache

    public func bindCacheContains(_ key: [UInt8], now: Date) async throws(UserStoreError) -> Bool {
        let logger = self.logger
        let key = Data(key)
        return try await run("cannot read the bind cache") { connection in
            try await connection.query(
                "SELECT 1 FROM bind_cache WHERE key = \(key) AND expires_at > \(now)", logger: logger
            ).collect().count > 0
        }
    }

    /// Adds the entry; about one insert in a hundred also deletes expired entries.
    public func bindCacheInsert(_ key: [UInt8], expiresAt: Date, now: Date) async throws(UserStoreError) {
        let logger = self.logger
        let key = Data(key)
        try await run("cannot write the bind cache") { connection in
            try await connection.query(
                """
                INSERT INTO bind_cache (key, expires_at) VALUES (\(key), \(expiresAt))
                ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at
                """, logger: logger)
            if Int.random(in: 0..<100) == 0 {
                try await connection.query("DELETE FROM bind_cache WHERE expires_at <= \(now)", logger: logger)
            }
        }
    }

    // MARK: Lockout

    public func isLockedOut(user: String, address: String?, now: Date) async throws(UserStoreError) -> Bool {
        let logger = self.logger
        return try await run("cannot read the lockout state") { connection in
            try await connection.query(
                """
                SELECT 1 FROM lockout
                WHERE ((scope = 'user' AND key = \(user)) OR (scope = 'address' AND key = \(address ?? "")))
                  AND locked_until > \(now)
                """, logger: logger
            ).collect().count > 0
        }
    }

    /// Each counter is read and written under its row lock (`SELECT ... FOR UPDATE`), so failures counted by
    /// replicas at the same moment all count.
    public func recordLockoutFailure(user: String, address: String?, limits: LockoutLimits, now: Date)
        async throws(UserStoreError)
    {
        var counters: [(scope: String, key: String, limit: Int)] = [("user", user, limits.maxFailures)]
        if let address { counters.append(("address", address, limits.maxFailuresPerAddress)) }
        counters.removeAll { $0.limit <= 0 }
        guard !counters.isEmpty else { return }
        let chosen = counters
        let logger = self.logger
        try await transaction("cannot record a failed bind") { connection in
            for counter in chosen {
                try await Self.count(counter, limits: limits, now: now, connection, logger)
            }
            if Int.random(in: 0..<100) == 0 {
                let stale = now.timeIntervalSince1970 - limits.window
                try await connection.query(
                    """
                    DELETE FROM lockout WHERE (locked_until IS NULL OR locked_until <= \(now))
                      AND NOT EXISTS (SELECT 1 FROM unnest(failures) AS failure WHERE failure > \(stale))
                    """, logger: logger)
            }
        }
    }

    private static func count(
        _ counter: (scope: String, key: String, limit: Int), limits: LockoutLimits, now: Date,
        _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        try await connection.query(
            "INSERT INTO lockout (scope, key) VALUES (\(counter.scope), \(counter.key)) ON CONFLICT DO NOTHING",
            logger: logger)
        var failures: [Double] = []
        for try await stored in try await connection.query(
            "SELECT failures FROM lockout WHERE scope = \(counter.scope) AND key = \(counter.key) FOR UPDATE",
            logger: logger
        ).decode([Double].self) {
            failures = stored
        }
        let instant = now.timeIntervalSince1970
        failures = failures.filter { instant - $0 < limits.window } + [instant]
        if failures.count >= counter.limit {
            let until = now + limits.duration
            try await connection.query(
                """
                UPDATE lockout SET failures = '{}', locked_until = \(until)
                WHERE scope = \(counter.scope) AND key = \(counter.key)
                """, logger: logger)
        } else {
            try await connection.query(
                "UPDATE lockout SET failures = \(failures) WHERE scope = \(counter.scope) AND key = \(counter.key)",
                logger: logger)
        }
    }

    public func clearLockoutFailures(user: String) async throws(UserStoreError) {
        let logger = self.logger
        try await run("cannot clear the failed binds of a user") { connection in
            try await connection.query(
                "DELETE FROM lockout WHERE scope = 'user' AND key = \(user) AND (locked_until IS NULL OR locked_until <= \(Date()))",
                logger: logger)
        }
    }
}
