import Crypto
import Foundation
import Logging
import TestSupport

@testable import UserStore

#if canImport(Glibc)
    import Glibc
#endif

/// A PostgreSQL 15 server of scripts/postgres/start.sh on a free port in a temporary directory. Fails with a clear
/// message, never skips, when PostgreSQL is not installed.
final class PostgresServer: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    let directory: String
    let port: Int
    let password: String

    private init(directory: String, port: Int, password: String) {
        self.directory = directory
        self.port = port
        self.password = password
    }

    static func start() async throws -> PostgresServer {
        guard FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/15/bin/initdb") else {
            throw Failure(description: "PostgreSQL 15 is not installed: run scripts/install-deps.sh")
        }
        let directory = "/tmp/userstore-pg-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let (status, text) = try await run(
            "/bin/bash",
            [repository.appendingPathComponent("scripts/postgres/start.sh").path, directory, String(try freePort())])
        let values = Dictionary(
            text.split(separator: "\n").compactMap { line -> (String, String)? in
                let parts = line.split(separator: "=", maxSplits: 1)
                return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
            }, uniquingKeysWith: { $1 })
        guard status == 0, let port = values["PG_PORT"].flatMap(Int.init), let file = values["PG_PASSWORD_FILE"]
        else {
            try? FileManager.default.removeItem(atPath: directory)
            throw Failure(description: "scripts/postgres/start.sh failed:\n\(text)")
        }
        return PostgresServer(
            directory: directory, port: port, password: try String(contentsOfFile: file, encoding: .utf8))
    }

    func stop() async {
        _ = try? await Self.run(
            "/bin/bash", [Self.repository.appendingPathComponent("scripts/postgres/stop.sh").path, directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    func settings(password: String? = nil, port: Int? = nil) -> PostgresStoreSettings {
        PostgresStoreSettings(
            host: "127.0.0.1", port: port ?? self.port, username: "mfa", password: password ?? self.password,
            database: "mfa", tls: .disable, poolSize: 4, connectTimeout: .seconds(3))
    }

    /// A store on this server (another "replica" each time it is called).
    func store(key: SymmetricKey, password: String? = nil) throws -> PostgresUserStore {
        var logger = Logger(label: "test.store")
        logger.logLevel = .critical
        return try PostgresUserStore(settings: settings(password: password), key: key, logger: logger)
    }

    /// Runs SQL through psql as the cluster's superuser over the instance's Unix socket; returns its output.
    func psql(_ sql: String) async throws -> String {
        let (status, text) = try await Self.run(
            "/usr/bin/psql", ["-h", directory + "/socket", "-p", "\(port)", "-U", "mfa", "-d", "mfa", "-tAc", sql])
        guard status == 0 else { throw Failure(description: "psql failed: \(text)") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs a program to its end (see `TestProcess.run`).
    static func run(_ executable: String, _ arguments: [String]) async throws -> (Int32, String) {
        try await TestProcess.run(executable, arguments)
    }
}

/// Runs `body` with a fresh server and a store on it, then closes the store and stops the server.
func withPostgresStore<T>(
    key: SymmetricKey = SymmetricKey(size: .bits256), _ body: (PostgresUserStore, PostgresServer) async throws -> T
) async throws -> T {
    let server = try await PostgresServer.start()
    let store: PostgresUserStore
    do {
        store = try server.store(key: key)
    } catch {
        await server.stop()
        throw error
    }
    do {
        let result = try await body(store, server)
        await store.close()
        await server.stop()
        return result
    } catch {
        await store.close()
        await server.stop()
        throw error
    }
}
