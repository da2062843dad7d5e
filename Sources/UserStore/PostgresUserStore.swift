import Crypto
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// The user store on a PostgreSQL server (`store.postgres`, DESIGN.md decision 7), shared by every replica: OTP
/// replay state, the bind cache, lockout counters and the synchronisation lease are the same for all of them.
///
/// The schema and its meaning are those of ``SQLiteUserStore``; secrets are sealed with the same key and the same
/// authenticated data, and a key check written when the schema is created refuses another key. The schema is
/// created and migrated on first use (`schema_migrations`, under a transaction-scoped advisory lock, so replicas
/// starting together migrate once); a server that cannot be reached makes each call fail with `.database` and is
/// tried again on the next call, so the proxy keeps running and reports not ready until it comes back.
///
/// Concurrency across processes rests on PostgreSQL's row locks: a step is recorded by one conditional `UPDATE`
/// (of two replicas with the same code, the second re-checks the row after the first commits, and finds the step
/// taken), the lease by one conditional upsert, lockout counters under `SELECT ... FOR UPDATE`, and a
/// synchronisation cycle in one transaction.
public final class PostgresUserStore: Sendable {
    /// The URL without its password.
    public let location: String
    let client: PostgresClient
    let cipher: SecretCipher
    let logger: Logger
    /// Derived from the store key (``SharedPolicyStore/bindCacheSalt``).
    public let bindCacheSalt: [UInt8]
    let settings: PostgresStoreSettings
    /// nil for `sslmode=disable`.
    let tlsConfiguration: TLSConfiguration?
    private let runner: Task<Void, Never>
    private let preparation = Preparation()

    /// Creates the store; nothing is sent to the server before the first call.
    ///
    /// Throws `UserStoreError` `.invalidKey` for a key of another size, `.database` when the CA file cannot be used.
    public init(settings: PostgresStoreSettings, key: SymmetricKey, logger: Logger) throws(UserStoreError) {
        self.location = settings.displayURL
        self.cipher = try SecretCipher(key: key)
        self.logger = logger
        self.bindCacheSalt = Self.deriveSalt(key)
        self.settings = settings
        let tls = try Self.tls(settings.tls, location: settings.displayURL)
        self.tlsConfiguration = tls
        var configuration = PostgresClient.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: tls.map { .require($0) } ?? .disable)
        configuration.options.maximumConnections = settings.poolSize
        configuration.options.connectTimeout = settings.connectTimeout
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        // Detached: the pool must not inherit a service group's graceful shutdown (binds in flight still use it).
        self.runner = Task.detached { await client.run() }
    }

    /// Stops the connection pool; later calls fail.
    public func close() async {
        runner.cancel()
        await runner.value
    }

    static func deriveSalt(_ key: SymmetricKey) -> [UInt8] {
        let derived = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key, info: Data("ldap-mfa-proxy/bind-cache-salt/v1".utf8), outputByteCount: 32)
        return derived.withUnsafeBytes { Array($0) }
    }

    static func tls(_ mode: PostgresStoreSettings.TLS, location: String) throws(UserStoreError)
        -> TLSConfiguration?
    {
        var tls = TLSConfiguration.makeClientConfiguration()
        let caFile: String?
        switch mode {
        case .disable:
            return nil
        case .require(let file):
            caFile = file
            tls.certificateVerification = file == nil ? .none : .noHostnameVerification
        case .verifyCA(let file):
            caFile = file
            tls.certificateVerification = .noHostnameVerification
        case .verifyFull(let file):
            caFile = file
            tls.certificateVerification = .fullVerification
        }
        if let caFile {
            do {
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
            } catch {
                throw UserStoreError(.database, "cannot read the CA file '\(caFile)' for \(location): \(error)")
            }
        }
        return tls
    }

    /// Runs `body` on a connection once the schema is ready, turning failures into `.database` with `action` as
    /// context.
    @discardableResult
    func run<T: Sendable>(
        _ action: @autoclosure () -> String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws(UserStoreError) -> T {
        try await ready()
        do {
            return try await leased(body)
        } catch {
            throw Self.failure(action(), error)
        }
    }

    /// Runs `body` in one transaction (committed when it returns, rolled back when it throws).
    func transaction<T: Sendable>(
        _ action: @autoclosure () -> String, _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws(UserStoreError) -> T {
        let logger = self.logger
        return try await run(action()) { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let value = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return value
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Runs `body` on a pooled connection. Waiting for one is bounded by the connect timeout: when the server cannot
    /// be reached (or refuses us) the pool would keep trying for a minute, so the call fails sooner, with the reason
    /// a direct connection attempt gives.
    func leased<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let gotConnection = LeaseFlag()
        let client = self.client
        let wait = settings.connectTimeout + .seconds(1)
        let outcome: T? = try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await client.withConnection { connection in
                    gotConnection.set()
                    return try await body(connection)
                }
            }
            group.addTask {
                try await Task.sleep(for: wait)
                return nil
            }
            while let next = try await group.next() {
                if let value = next {
                    group.cancelAll()
                    return value
                }
                if !gotConnection.isSet {
                    group.cancelAll()
                    return nil
                }
            }
            return nil
        }
        if let outcome { return outcome }
        throw await diagnose()
    }

    /// Why no connection could be had: one direct attempt, its error in words.
    private func diagnose() async -> UserStoreError {
        var configuration = PostgresConnection.Configuration(
            host: settings.host, port: settings.port, username: settings.username, password: settings.password,
            database: settings.database, tls: .disable)
        if let tls = tlsConfiguration {
            do {
                configuration.tls = .require(try NIOSSLContext(configuration: tls))
            } catch {
                return UserStoreError(.database, "cannot set up TLS for \(location): \(error)")
            }
        }
        configuration.options.connectTimeout = .nanoseconds(
            Int64(settings.connectTimeout.components.seconds) * 1_000_000_000)
        let reason: String
        do {
            let connection = try await PostgresConnection.connect(
                configuration: configuration, id: 0, logger: logger)
            try? await connection.close()
            reason = "no connection became free within the connect timeout (store.postgres.pool_size)"
        } catch {
            reason = Self.describe(error)
        }
        return UserStoreError(.database, "cannot connect to \(location): \(reason)")
    }

    /// Migrates and checks the key the first time; retried on the next call after a failure.
    func ready() async throws(UserStoreError) {
        do {
            try await preparation.run { try await self.prepare() }
        } catch {
            throw Self.failure("cannot open the user store \(location)", error)
        }
    }

    /// A `.database` error whose text says what the server or the connection said, never a value that was sent.
    static func failure(_ action: String, _ error: any Error) -> UserStoreError {
        if let error = error as? UserStoreError { return error }
        return UserStoreError(.database, "\(action): \(describe(error))")
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                let message = info[.message] ?? "the server refused"
                return "\(message) (SQLSTATE \(info[.sqlState] ?? "?"))"
            }
            if let underlying = error.underlying { return "\(error.code): \(describe(underlying))" }
            return "\(error.code)"
        }
        if let error = error as? PostgresTransactionError {
            if let inner = error.closureError ?? error.beginError ?? error.commitError { return describe(inner) }
        }
        return "\(error)"
    }

    static func key(for username: String) throws(UserStoreError) -> String { try UsernameKey.make(username) }
}

/// Set once a connection was leased (so a slow statement is not mistaken for an unreachable server).
final class LeaseFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

/// Runs the preparation once; a failed run is forgotten so that the next call tries again.
final class Preparation: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    private var current: Task<Void, any Error>?

    func run(_ body: @escaping @Sendable () async throws -> Void) async throws {
        let task: Task<Void, any Error>? = lock.withLock {
            if done { return nil }
            if let current { return current }
            let task = Task { try await body() }
            current = task
            return task
        }
        guard let task else { return }
        do {
            try await task.value
            lock.withLock { done = true }
        } catch {
            lock.withLock { if current == task { current = nil } }
            throw error
        }
    }
}
