import Foundation
import GRDB

extension SQLiteUserStore {
    /// Whether the user named `username` (case-insensitively) is enabled: nil when the store has no record,
    /// false once a directory synchronisation disabled the record. Read by the bind gate on every gated bind.
    public func isEnabled(username: String) async throws(UserStoreError) -> Bool? {
        let key = try Self.key(for: username)
        return try await run("cannot read user '\(username)'") {
            try await pool.read { db in
                try Bool.fetchOne(db, sql: "SELECT enabled FROM users WHERE username_key = ?", arguments: [key])
            }
        }
    }

    /// ``isEnabled(username:)`` and ``totpSecret(for:)`` in one read. Throws `.secretUndecryptable` as
    /// ``totpSecret(for:)`` does.
    public func gateRead(username: String) async throws(UserStoreError) -> GateRead {
        let key = try Self.key(for: username)
        let row = try await run("cannot read user '\(username)'") {
            try await pool.read { db -> (enabled: Bool, sealed: Data?)? in
                let statement = try db.cachedStatement(
                    sql: "SELECT enabled, totp_secret FROM users WHERE username_key = ?")
                guard let row = try Row.fetchOne(statement, arguments: [key]) else { return nil }
                return (row[0], row[1])
            }
        }
        guard let row else { return GateRead(enabled: nil, totpSecret: nil) }
        guard let sealed = row.sealed else { return GateRead(enabled: row.enabled, totpSecret: nil) }
        guard let secret = cipher.open(sealed, aad: SecretCipher.secretAAD(usernameKey: key)) else {
            throw UserStoreError.secretUndecryptable(username: username)
        }
        return GateRead(enabled: row.enabled, totpSecret: secret)
    }
}
