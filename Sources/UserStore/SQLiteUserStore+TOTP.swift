import Foundation
import GRDB

/// TOTP secrets and replay state (RFC 6238 §5.2). The App target adapts these to SecondFactor's
/// `TOTPStateStore`.
extension SQLiteUserStore {
    /// The user's decrypted TOTP secret, or `nil` when the user has none.
    ///
    /// Throws `UserStoreError` `.secretUndecryptable` when the stored value does not authenticate
    /// for this user (altered, or copied from another user's row); never returns garbage.
    public func totpSecret(for username: String) async throws(UserStoreError) -> [UInt8]? {
        let key = try Self.key(for: username)
        let sealed = try await run("cannot read the TOTP secret of '\(username)'") {
            try await pool.read { db in
                try Data.fetchOne(db, sql: "SELECT totp_secret FROM users WHERE username_key = ?", arguments: [key])
            }
        }
        guard let sealed else { return nil }
        guard let secret = cipher.open(sealed, aad: SecretCipher.secretAAD(usernameKey: key)) else {
            throw UserStoreError.secretUndecryptable(username: username)
        }
        return secret
    }

    /// Records that a code of `step` was accepted for the user, if and only if `step` is greater than
    /// the last step accepted since enrolment; returns whether it was recorded.
    ///
    /// One conditional UPDATE inside one write transaction compares and writes, so of any number of
    /// concurrent binds with the same code (in this process or another sharing the file) exactly one
    /// gets `true`. Returns `false` too when the user has no enrolment.
    public func recordAcceptedStep(_ step: Int64, for username: String) async throws(UserStoreError) -> Bool {
        let key = try Self.key(for: username)
        let now = Date()
        return try await run("cannot record a TOTP step for '\(username)'") {
            try await pool.write { db in
                let statement = try db.cachedStatement(
                    sql: """
                        UPDATE users SET totp_last_step = ?, last_used_at = ?
                        WHERE username_key = ? AND totp_secret IS NOT NULL
                          AND (totp_last_step IS NULL OR totp_last_step < ?)
                        """)
                try statement.execute(arguments: [step, now, key, step])
                return db.changesCount == 1
            }
        }
    }

    /// Enrols the user with `secret` (raw bytes, not base32), replacing any earlier secret and forgetting
    /// the last accepted step and last use. The user's display name becomes `username` as given.
    public func enrolTOTP(username: String, secret: [UInt8]) async throws(UserStoreError) {
        let key = try Self.key(for: username)
        let sealed = try cipher.sealTOTPSecret(secret, usernameKey: key, username: username)
        let now = Date()
        try await run("cannot enrol '\(username)'") {
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO users (username_key, username, totp_secret, totp_last_step, created_at, last_used_at)
                        VALUES (?, ?, ?, NULL, ?, NULL)
                        ON CONFLICT (username_key) DO UPDATE SET
                          username = excluded.username, totp_secret = excluded.totp_secret,
                          totp_last_step = NULL, last_used_at = NULL
                        """,
                    arguments: [key, username, sealed, now])
            }
        }
    }
}
