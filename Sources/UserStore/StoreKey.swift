import Crypto
import Foundation

/// The user store's 256-bit AES-GCM key: from a key file (`store.encryption_key_file`) or from an
/// environment variable's value, both as standard base64 (RFC 4648 §4) on one line.
public enum StoreKey {
    /// A key read from, or just written to, a key file.
    public struct Loaded: Sendable {
        /// The key.
        public let key: SymmetricKey
        /// True when the file did not exist and was created with a fresh random key.
        public let created: Bool
        /// Set when the file is accessible to group or others: worth logging, not fatal.
        public let warning: String?
    }

    /// Bytes in a key (AES-256).
    public static let byteCount = 32
    /// Key files larger than this are not key files.
    private static let maximumFileSize = 1024

    /// Reads the key in `path`; when the file does not exist, creates it with a fresh random key and
    /// mode 0600 first. Creation is atomic: the file appears complete or not at all, and of two
    /// processes racing to create it, both end up with the same key.
    ///
    /// Throws `UserStoreError` (`.keyFile`) when the file cannot be read or created or does not hold
    /// a base64 256-bit key. A file readable by group or others is used, with a `warning`.
    public static func loadOrCreate(path: String) throws(UserStoreError) -> Loaded {
        if !FileManager.default.fileExists(atPath: path) {
            let fresh = SymmetricKey(size: .bits256)
            if try KeyFileWriter.createExclusively(path: path, contents: base64(fresh) + "\n") {
                return Loaded(key: fresh, created: true, warning: nil)
            }
        }
        return Loaded(key: try read(path: path), created: false, warning: permissionWarning(path: path))
    }

    /// The key in `string` (base64 of 32 bytes; surrounding whitespace ignored), as an environment
    /// variable holds it. Throws `UserStoreError` (`.invalidKey`) without echoing the value.
    public static func fromBase64(_ string: String) throws(UserStoreError) -> SymmetricKey {
        let trimmed = string.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: trimmed) else {
            throw UserStoreError(.invalidKey, "the encryption key is not valid base64")
        }
        guard data.count == byteCount else {
            throw UserStoreError(
                .invalidKey, "the encryption key is \(data.count * 8) bits; it must be 256 bits (32 bytes) in base64")
        }
        return SymmetricKey(data: data)
    }

    /// A fresh random key.
    public static func generate() -> SymmetricKey { SymmetricKey(size: .bits256) }

    /// The key as one line of base64, the key file format.
    public static func base64(_ key: SymmetricKey) -> String {
        key.withUnsafeBytes { Data($0).base64EncodedString() }
    }

    private static func read(path: String) throws(UserStoreError) -> SymmetricKey {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw UserStoreError(.keyFile, "cannot read the key file \(path): check it exists and is readable")
        }
        let format = "a base64-encoded 256-bit key on one line (create one with: head -c 32 /dev/urandom | base64)"
        guard data.count <= maximumFileSize, let text = String(data: data, encoding: .utf8),
            !text.trimmingCharacters(in: .whitespacesAndNewlines).contains(where: \.isNewline)
        else {
            throw UserStoreError(.keyFile, "the key file \(path) must hold \(format)")
        }
        do {
            return try fromBase64(text)
        } catch {
            throw UserStoreError(.keyFile, "the key file \(path) must hold \(format): \(error.message)")
        }
    }

    private static func permissionWarning(path: String) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0
        else { return nil }
        return "the key file \(path) is accessible to group or others (mode \(String(mode, radix: 8))); "
            + "run: chmod 600 \(path)"
    }
}
