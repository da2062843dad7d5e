import Foundation
import GRDB

extension SQLiteUserStore {
    /// Proves the store takes writes now (for `/readyz`): writes a heartbeat row in one short
    /// transaction. Throws `UserStoreError` `.database` when SQLite refuses (read-only file, full
    /// disk, a lock held past the busy timeout).
    public func checkWritable() async throws(UserStoreError) {
        do {
            try await pool.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO store_meta (name, value) VALUES ('heartbeat', ?)",
                    arguments: [Data(String(Date().timeIntervalSince1970).utf8)])
            }
        } catch {
            throw UserStoreError.database("the user store is not writable", error)
        }
    }
}
