import Crypto
import Foundation
import Logging

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

    /// Runs a program to its end with its output in a file, off the cooperative thread pool: posix_spawn and a
    /// blocking waitpid on a thread of its own (Foundation's Process has hung test processes here).
    static func run(_ executable: String, _ arguments: [String]) async throws -> (Int32, String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("pg-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: output) }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try spawnAndWait(executable, arguments, output: output.path) })
            }.start()
        }
        return (status, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }

    private static func spawnAndWait(_ executable: String, _ arguments: [String], output: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        // The thread's blocked signals would be inherited: the server would ignore pg_ctl's signals.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        var defaults = sigset_t()
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw Failure(description: "cannot run \(executable): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw Failure(description: "waitpid failed: errno \(errno)") }
        }
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
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
