import LDAPCore
import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// The directory as the proxy sees it: several servers in priority order, with failover,
/// quarantine and failback (ServerSelector), a bind pool and a query pool per server.
///
/// Never exits or throws out of the process on a server's failure: the server is quarantined,
/// probed later, and callers get `unavailable` when no server is left.
public final class UpstreamDirectory: Sendable {
    public let settings: DirectorySettings
    let logger: Logger
    let bindPools: [ConnectionPool]
    let queryPools: [ConnectionPool]
    let selector: NIOLockedValueBox<ServerSelector>
    let tlsContexts: [NIOSSLContext?]
    private let healthTask = NIOLockedValueBox<Task<Void, Never>?>(nil)

    public init(settings: DirectorySettings, logger: Logger) throws {
        self.settings = settings
        self.logger = logger
        self.selector = NIOLockedValueBox(
            ServerSelector(
                serverCount: settings.servers.count, initialBackoff: settings.quarantineInitial,
                maximumBackoff: settings.quarantineMaximum))
        var contexts: [NIOSSLContext?] = []
        var bindPools: [ConnectionPool] = []
        var queryPools: [ConnectionPool] = []
        for server in settings.servers {
            // One client context per server: both roles share the CA and verification settings.
            let tls = server.authenticationSecurity.tls ?? server.querySecurity.tls
            let context = try tls.map { try $0.makeContext() }
            contexts.append(context)
            bindPools.append(
                ConnectionPool(
                    endpoint: server.endpoint, security: server.authenticationSecurity, tlsContext: context,
                    timeouts: settings.timeouts, frameLimits: settings.frameLimits, maximumSize: settings.bindPoolSize,
                    prepare: { _ in }))
            let (queryBind, windowsQueries) = (settings.queryBind, settings.windowsQueries)
            queryPools.append(
                ConnectionPool(
                    endpoint: server.endpoint, security: server.querySecurity, tlsContext: context,
                    timeouts: settings.timeouts, frameLimits: settings.frameLimits, maximumSize: settings.queryPoolSize,
                    prepare: { connection in
                        if let windowsQueries {
                            try await Self.bindForQueries(connection, windowsQueries)
                        } else {
                            try await Self.bindForQueries(connection, queryBind)
                        }
                    }))
        }
        self.tlsContexts = contexts
        self.bindPools = bindPools
        self.queryPools = queryPools
    }

    static func bindForQueries(_ connection: UpstreamConnection, _ bind: BindRequest?) async throws {
        guard let bind else { return }
        let response = try await connection.bind(bind)
        guard case .bindResponse(let result) = response.protocolOp, result.result.resultCode == .success else {
            throw QueryBindError(endpoint: connection.endpoint, response: response)
        }
    }

    /// The directory refused the proxy's own query account: a configuration problem, reported as
    /// such, not a server failure.
    public struct QueryBindError: Error, CustomStringConvertible {
        public let endpoint: UpstreamEndpoint
        public let response: LDAPMessage
        public var description: String {
            if case .bindResponse(let r) = response.protocolOp {
                return
                    "\(endpoint) refused the query account's bind: \(r.result.resultCode) \(r.result.diagnosticMessage)"
            }
            return "\(endpoint) answered the query account's bind with something else"
        }
    }

    // MARK: Health

    /// Starts the background health checks: quarantined servers are probed when their
    /// quarantine ends, healthy ones every `healthCheckInterval`.
    public func startHealthChecks() {
        let task = Task { [self] in
            while !Task.isCancelled {
                await self.runHealthChecks()
                try? await Task.sleep(
                    nanoseconds: UInt64(max(settings.healthCheckInterval.nanoseconds / 4, 50_000_000)))
            }
        }
        healthTask.withLockedValue { $0 = task }
    }

    private let lastFullCheck = NIOLockedValueBox<NIODeadline>(.uptimeNanoseconds(0))

    func runHealthChecks() async {
        let now = NIODeadline.now()
        let due = selector.withLockedValue { $0.dueForProbe(now: now) }
        let fullCheck = lastFullCheck.withLockedValue { last -> Bool in
            guard now - last >= settings.healthCheckInterval else { return false }
            last = now
            return true
        }
        let indices = fullCheck ? Array(settings.servers.indices) : due
        for index in indices { await probe(index) }
    }

    /// Opens a fresh connection with the authentication security and reads the root DSE.
    public func probe(_ index: Int) async {
        let server = settings.servers[index]
        do {
            let connection = try await UpstreamConnection.connect(
                to: server.endpoint, security: server.authenticationSecurity, tlsContext: tlsContexts[index],
                timeouts: settings.timeouts, frameLimits: settings.frameLimits)
            defer { connection.unbindAndClose() }
            _ = try await connection.search(
                SearchRequest(baseObject: "", scope: .baseObject, filter: .present("objectClass"), attributes: ["1.1"]))
            recordSuccess(index)
        } catch {
            recordFailure(index, error: "\(error)")
        }
    }

    func recordSuccess(_ index: Int) {
        let wasHealthy = selector.withLockedValue { selector -> Bool in
            let was = selector.servers[index].isHealthy
            selector.recordSuccess(index)
            return was
        }
        if !wasHealthy {
            logger.notice(
                "directory server is healthy again", metadata: ["server": "\(settings.servers[index].endpoint)"])
        }
    }

    func recordFailure(_ index: Int, error: String) {
        let backoff = selector.withLockedValue { $0.recordFailure(index, now: .now(), error: error) }
        Self.healthGauge(settings.servers[index].endpoint).record(0)
        logger.warning(
            "directory server quarantined",
            metadata: [
                "server": "\(settings.servers[index].endpoint)", "error": "\(error)",
                "retry_in_ms": "\(backoff.nanoseconds / 1_000_000)",
            ])
        let pools = (bindPools[index], queryPools[index])
        Task {
            await pools.0.closeIdle()
            await pools.1.closeIdle()
        }
    }

    /// `ldap_mfa_proxy_upstream_healthy{server}`: 1 when the server answers, 0 while quarantined.
    static func healthGauge(_ endpoint: UpstreamEndpoint) -> Gauge {
        Gauge(label: "ldap_mfa_proxy_upstream_healthy", dimensions: [("server", endpoint.label)])
    }

    /// Whether at least one server is healthy (readiness).
    public var hasHealthyServer: Bool {
        selector.withLockedValue { selector in selector.servers.contains { $0.isHealthy } }
    }

    /// Each server's state.
    public func status() -> [ServerStatus] {
        let (selector, now) = (self.selector.withLockedValue { $0 }, NIODeadline.now())
        let preferred = selector.preferred(now: now)
        return settings.servers.indices.map { index in
            ServerStatus(
                endpoint: settings.servers[index].endpoint, isHealthy: selector.servers[index].isHealthy,
                isPreferred: index == preferred, lastError: selector.servers[index].lastError)
        }
    }

    public func shutdown() async {
        healthTask.withLockedValue { $0?.cancel() }
        for pool in bindPools + queryPools { await pool.closeIdle() }
    }
}
