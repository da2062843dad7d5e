import Crypto
import Foundation

/// AES-256-GCM (NIST SP 800-38D, via swift-crypto) for secrets at rest.
///
/// A sealed value is stored as nonce (12 bytes) + ciphertext + tag (16 bytes). The additional
/// authenticated data names what the value is and, for a user's secret, whose: a ciphertext copied
/// to another user's row, or to the key check, fails authentication instead of decrypting.
struct SecretCipher: Sendable {
    private static let keyCheckPlaintext = Data("ldap-mfa-proxy user store key check".utf8)
    private static let keyCheckAAD = Data("ldap-mfa-proxy/key-check/v1".utf8)

    private let key: SymmetricKey

    init(key: SymmetricKey) throws(UserStoreError) {
        guard key.bitCount == 256 else {
            throw UserStoreError(.invalidKey, "the store's encryption key must be 256 bits, not \(key.bitCount)")
        }
        self.key = key
    }

    /// The additional authenticated data for `usernameKey`'s TOTP secret.
    static func secretAAD(usernameKey: String) -> Data {
        Data("ldap-mfa-proxy/totp-secret/v1/".utf8) + Data(usernameKey.utf8)
    }

    func seal(_ plaintext: [UInt8], aad: Data) throws -> Data {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: aad)
        guard let combined = box.combined else {
            throw UserStoreError(.invalidKey, "AES-GCM produced no combined representation")
        }
        return combined
    }

    /// The plaintext, or `nil` when the value does not authenticate (wrong key, wrong AAD, altered).
    func open(_ sealed: Data, aad: Data) -> [UInt8]? {
        guard let box = try? AES.GCM.SealedBox(combined: sealed),
            let plaintext = try? AES.GCM.open(box, using: key, authenticating: aad)
        else { return nil }
        return Array(plaintext)
    }

    func sealKeyCheck() throws -> Data {
        try seal(Array(Self.keyCheckPlaintext), aad: Self.keyCheckAAD)
    }

    /// True when `sealed` is a key check written with this cipher's key.
    func opensKeyCheck(_ sealed: Data) -> Bool {
        open(sealed, aad: Self.keyCheckAAD).map { Data($0) == Self.keyCheckPlaintext } ?? false
    }
}
