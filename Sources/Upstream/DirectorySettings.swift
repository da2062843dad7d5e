import LDAPCore
import NIOCore

/// Everything the Upstream target needs to reach the directory, built by the App from the
/// configuration.
public struct DirectorySettings: Sendable {
    /// One server, in priority order, with how each kind of connection to it is secured.
    public struct Server: Sendable, Hashable {
        public var endpoint: UpstreamEndpoint
        /// For user binds and the connections that carry a client's operations.
        public var authenticationSecurity: ConnectionSecurity
        /// For the proxy's own queries (user lookups, health probes).
        public var querySecurity: ConnectionSecurity

        public init(
            endpoint: UpstreamEndpoint, authenticationSecurity: ConnectionSecurity, querySecurity: ConnectionSecurity
        ) {
            self.endpoint = endpoint
            self.authenticationSecurity = authenticationSecurity
            self.querySecurity = querySecurity
        }
    }

    public var servers: [Server]
    /// The bind the proxy's own queries use; `nil` for anonymous.
    public var queryBind: BindRequest?
    public var timeouts: UpstreamConnection.Timeouts
    public var bindPoolSize: Int
    public var queryPoolSize: Int
    public var healthCheckInterval: TimeAmount
    public var quarantineInitial: TimeAmount
    public var quarantineMaximum: TimeAmount
    public var frameLimits: LDAPFrameLimits

    public init(
        servers: [Server], queryBind: BindRequest?, timeouts: UpstreamConnection.Timeouts = .init(),
        bindPoolSize: Int = 8, queryPoolSize: Int = 2, healthCheckInterval: TimeAmount = .seconds(5),
        quarantineInitial: TimeAmount = .seconds(1), quarantineMaximum: TimeAmount = .seconds(60),
        frameLimits: LDAPFrameLimits = LDAPFrameLimits()
    ) {
        self.servers = servers
        self.queryBind = queryBind
        self.timeouts = timeouts
        self.bindPoolSize = bindPoolSize
        self.queryPoolSize = queryPoolSize
        self.healthCheckInterval = healthCheckInterval
        self.quarantineInitial = quarantineInitial
        self.quarantineMaximum = quarantineMaximum
        self.frameLimits = frameLimits
    }
}

/// The result of relaying a user's bind to the directory.
public enum AuthenticationOutcome: Sendable {
    /// The directory answered; `response` is its BindResponse message (controls included).
    case answered(response: LDAPMessage, server: UpstreamEndpoint)
    /// No server could be asked.
    case unavailable(reason: String)
}

/// One server's state, for `test`, metrics and logs.
public struct ServerStatus: Sendable, Hashable {
    public var endpoint: UpstreamEndpoint
    public var isHealthy: Bool
    public var isPreferred: Bool
    public var lastError: String?
}
