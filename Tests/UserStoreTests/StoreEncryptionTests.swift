import Crypto
import Foundation
import GRDB
import Testing

@testable import UserStore

@Suite("Secrets encrypted at rest")
struct StoreEncryptionTests {
    static let secret = Array("12345678901234567890".utf8)

    /// Opens the store's file directly, as an attacker with a copy of it would.
    func raw(_ store: SQLiteUserStore) throws -> DatabaseQueue { try DatabaseQueue(path: store.path) }

    @Test("the secret column holds neither the secret nor its base32, and differs per enrolment")
    func ciphertextOnly() async throws {
        try await withStore { store, _ in
            try await store.enrolTOTP(username: "alice", secret: Self.secret)
            let first = try await raw(store).read { db in
                try Data.fetchOne(db, sql: "SELECT totp_secret FROM users WHERE username_key = 'alice'")
            }
            let stored = try #require(first)
            #expect(stored.count == 12 + Self.secret.count + 16)
            #expect(stored.range(of: Data(Self.secret)) == nil)
            #expect(stored.range(of: Data("GEZDGNBVGY3TQOJQ".utf8)) == nil)
            try await store.enrolTOTP(username: "alice", secret: Self.secret)
            let second = try await raw(store).read { db in
                try Data.fetchOne(db, sql: "SELECT totp_secret FROM users WHERE username_key = 'alice'")
            }
            #expect(second != first)  // fresh nonce each time
            let file = try #require(FileManager.default.contents(atPath: store.path))
            #expect(file.range(of: Data(Self.secret)) == nil)
        }
    }

    @Test("opening with another key fails at once, even with no users")
    func wrongKeyEmptyStore() async throws {
        try await withStore { store, _ in
            do {
                _ = try SQLiteUserStore(path: store.path, key: StoreKey.generate())
                Issue.record("opened with the wrong key")
            } catch let error as UserStoreError {
                #expect(error.kind == .keyMismatch)
                #expect(error.description.contains("does not match the one the secrets were written with"))
            }
        }
    }

    @Test("opening with the right key again works and reads the secrets")
    func reopen() async throws {
        let key = StoreKey.generate()
        try await withStore(key: key) { store, _ in
            try await store.enrolTOTP(username: "alice", secret: Self.secret)
            let again = try SQLiteUserStore(path: store.path, key: key)
            #expect(try await again.totpSecret(for: "alice") == Self.secret)
        }
    }

    @Test("a store whose key check was removed is still checked against its secrets")
    func missingKeyCheck() async throws {
        try await withStore { store, _ in
            try await store.enrolTOTP(username: "alice", secret: Self.secret)
            try await raw(store).write { db in try db.execute(sql: "DELETE FROM store_meta") }
            #expect {
                _ = try SQLiteUserStore(path: store.path, key: StoreKey.generate())
            } throws: { ($0 as? UserStoreError)?.kind == .keyMismatch }
        }
    }

    @Test("a ciphertext moved to another user's row does not decrypt")
    func aadBinding() async throws {
        try await withStore { store, _ in
            try await store.enrolTOTP(username: "alice", secret: Self.secret)
            try await store.enrolTOTP(username: "mallory", secret: [1, 2, 3, 4])
            try await raw(store).write { db in
                let alice = try Data.fetchOne(db, sql: "SELECT totp_secret FROM users WHERE username_key = 'alice'")
                let mallory = try Data.fetchOne(db, sql: "SELECT totp_secret FROM users WHERE username_key = 'mallory'")
                try db.execute(
                    sql: "UPDATE users SET totp_secret = ? WHERE username_key = 'alice'", arguments: [mallory])
                try db.execute(
                    sql: "UPDATE users SET totp_secret = ? WHERE username_key = 'mallory'", arguments: [alice])
            }
            for name in ["alice", "mallory"] {
                do {
                    _ = try await store.totpSecret(for: name)
                    Issue.record("decrypted the secret swapped into \(name)'s row")
                } catch let error as UserStoreError {
                    #expect(error.kind == .secretUndecryptable)
                    #expect(error.description.contains(name))
                }
            }
        }
    }

    @Test("an altered ciphertext does not decrypt")
    func tampered() async throws {
        try await withStore { store, _ in
            try await store.enrolTOTP(username: "alice", secret: Self.secret)
            try await raw(store).write { db in
                var sealed = try #require(try Data.fetchOne(db, sql: "SELECT totp_secret FROM users"))
                sealed[14] ^= 0x01
                try db.execute(sql: "UPDATE users SET totp_secret = ?", arguments: [sealed])
            }
            await #expect { try await store.totpSecret(for: "alice") } throws: {
                ($0 as? UserStoreError)?.kind == .secretUndecryptable
            }
            await #expect { try await store.gateRead(username: "alice") } throws: {
                ($0 as? UserStoreError)?.kind == .secretUndecryptable
            }
        }
    }

    @Test("a key that is not 256 bits is refused")
    func keySize() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect {
            _ = try SQLiteUserStore(path: directory.file("users.sqlite"), key: SymmetricKey(size: .bits128))
        } throws: { ($0 as? UserStoreError)?.kind == .invalidKey }
    }

    @Test("the database file is created with mode 0600")
    func databaseMode() async throws {
        try await withStore { store, _ in
            let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }
    }

    @Test("the store runs in WAL mode with the v1 schema")
    func walAndSchema() async throws {
        try await withStore { store, _ in
            let (mode, migrations) = try await raw(store).read { db in
                (
                    try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                    try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
                )
            }
            #expect(mode == "wal")
            #expect(migrations == ["v1", "v2"])
        }
    }
}
