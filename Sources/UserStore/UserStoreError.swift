/// Why the user store or its key file failed.
///
/// A struct with a stable `kind`, so new kinds never break callers. Messages name files, users and
/// what to do; they never contain a secret, a key or a code.
public struct UserStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The broad class of failure, stable for callers that branch on it.
    public enum Kind: Hashable, Sendable {
        /// The store was created with another encryption key than the one it was opened with.
        case keyMismatch
        /// One user's stored secret does not decrypt although the key is right: the row was altered,
        /// or copied from another user (the username is authenticated data, RFC 5116 §2.1).
        case secretUndecryptable
        /// A key is not 256 bits, or not base64.
        case invalidKey
        /// The key file cannot be read, created or parsed.
        case keyFile
        /// A username is empty.
        case invalidUsername
        /// A TOTP secret to enrol is empty.
        case invalidSecret
        /// The database failed: SQLite or PostgreSQL cannot be opened, reached, migrated, read or written.
        case database
    }

    public let kind: Kind
    public let message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "user store error: \(message)" }

    @inline(never) static func keyMismatch(path: String) -> Self {
        .init(
            .keyMismatch,
            "the store's encryption key does not match the one the secrets were written with (store \(path)); "
                + "use the key file or variable the store was created with")
    }

    @inline(never) static func secretUndecryptable(username: String) -> Self {
        .init(
            .secretUndecryptable,
            "the stored TOTP secret of '\(username)' cannot be decrypted: the row was altered, copied from "
                + "another user, or written with another key; reset and re-enrol this user")
    }

    @inline(never) static func database(_ action: String, _ error: any Error) -> Self {
        .init(.database, "\(action): \(error)")
    }
}
