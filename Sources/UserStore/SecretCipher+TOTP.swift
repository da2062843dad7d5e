import Foundation

extension SecretCipher {
    /// A user's TOTP secret sealed for storage, bound to the user's key (the associated data), as both
    /// stores (SQLite, PostgreSQL) keep it.
    func sealTOTPSecret(_ secret: [UInt8], usernameKey: String, username: String) throws(UserStoreError) -> Data {
        guard !secret.isEmpty else { throw UserStoreError(.invalidSecret, "a TOTP secret must not be empty") }
        do {
            return try seal(secret, aad: SecretCipher.secretAAD(usernameKey: usernameKey))
        } catch {
            throw UserStoreError(.invalidKey, "cannot encrypt the TOTP secret of '\(username)'")
        }
    }
}
