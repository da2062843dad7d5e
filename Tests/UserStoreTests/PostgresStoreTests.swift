import Crypto
import Foundation
import Logging
import TestSupport
import Testing

@testable import UserStore

/// ``PostgresUserStore`` against a real PostgreSQL 15 (scripts/postgres/start.sh): the semantics of the SQLite store.
@Suite("PostgreSQL store")
struct PostgresStoreTests {
    @Test("enrols, lists, finds case-insensitively and resets users, and never stores a secret in the clear")
    func users() async throws {
        try await withPostgresStore { store, server in
            try await store.enrolTOTP(username: "Alice", secret: Array("12345678901234567890".utf8))
            try await store.enrolTOTP(username: "bob", secret: [1, 2, 3])
            #expect(try await store.listUsers().map(\.username) == ["Alice", "bob"])
            #expect(try await store.user(named: "ALICE")?.enrolled == true)
            #expect(try await store.totpSecret(for: "alice") == Array("12345678901234567890".utf8))
            #expect(try await store.isEnabled(username: "alice") == true)
            #expect(try await store.isEnabled(username: "nobody") == nil)
            let stored = try await server.psql(
                "SELECT encode(totp_secret, 'escape') FROM users WHERE username_key = 'alice'")
            #expect(!stored.isEmpty && !stored.contains("12345678901234567890"))
            #expect(try await store.reset(username: "alice"))
            #expect(try await !store.reset(username: "alice"))
            #expect(try await store.totpSecret(for: "alice") == nil)
            #expect(try await store.listUserDetails().map(\.record.enrolled) == [false, true])
            await #expect(throws: UserStoreError.self) { try await store.enrolTOTP(username: "", secret: [1]) }
        }
    }

    @Test("records the schema versions once, and a second replica opens the same schema")
    func migrations() async throws {
        let key = SymmetricKey(size: .bits256)
        try await withPostgresStore(key: key) { store, server in
            try await store.checkWritable()
            let other = try server.store(key: key)
            try await other.checkWritable()
            await other.close()
            #expect(
                try await server.psql("SELECT string_agg(version, ',' ORDER BY version) FROM schema_migrations")
                    == "1-users-and-sync,2-shared-policy-state")
        }
    }

    @Test("refuses another key before reading any secret; the same key in another process reads them")
    func keyCheck() async throws {
        let key = SymmetricKey(size: .bits256)
        try await withPostgresStore(key: key) { store, server in
            try await store.enrolTOTP(username: "carol", secret: [9, 9, 9])
            let wrong = try server.store(key: SymmetricKey(size: .bits256))
            let error = await #expect(throws: UserStoreError.self) { try await wrong.listUsers() }
            #expect(error?.kind == .keyMismatch)
            await wrong.close()
            let same = try server.store(key: key)
            #expect(try await same.totpSecret(for: "CAROL") == [9, 9, 9])
            await same.close()
            // A secret moved to another user's row does not open there (the username is authenticated data).
            try await store.enrolTOTP(username: "dave", secret: [1])
            _ = try await server.psql(
                "UPDATE users SET totp_secret = (SELECT totp_secret FROM users WHERE username_key = 'carol') "
                    + "WHERE username_key = 'dave'")
            let moved = await #expect(throws: UserStoreError.self) { try await store.totpSecret(for: "dave") }
            #expect(moved?.kind == .secretUndecryptable)
        }
    }

    @Test("a server that cannot be reached or refuses the password fails the call with the reason, not the process")
    func unreachable() async throws {
        let server = try await PostgresServer.start()
        do {
            try await checkFailures(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    private func checkFailures(_ server: PostgresServer) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let refused = try PostgresUserStore(
            settings: server.settings(port: try freePort()), key: SymmetricKey(size: .bits256), logger: logger)
        let down = await #expect(throws: UserStoreError.self) { try await refused.checkWritable() }
        #expect(down?.kind == .database)
        #expect(down?.message.contains("cannot connect") == true)
        await refused.close()
        let wrong = try server.store(key: SymmetricKey(size: .bits256), password: "not-the-password")
        let denied = await #expect(throws: UserStoreError.self) { try await wrong.listUsers() }
        #expect(denied?.message.contains("password authentication failed") == true)
        #expect(denied?.message.contains("not-the-password") == false)
        await wrong.close()
        // The server itself was fine all along: the right password opens the store.
        let good = try server.store(key: SymmetricKey(size: .bits256))
        try await good.checkWritable()
        await good.close()
    }
}

/// A port nothing listens on (bound, read, released).
func freePort() throws -> Int {
    try TestPorts.free()
}
