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
    /// Where the proxy looks users up (`directory.base_dn`), e.g. to resolve `DOMAIN\user` to an entry.
    public var baseDN: String = ""
    /// With the `windows` bind type for authentications: how users' binds become GSS-SPNEGO
    /// binds. `nil`: users' binds are relayed as simple binds.
    public var windowsAuthentication: WindowsBindSettings?
    /// With the `windows` bind type for queries: the proxy's own Windows bind (replaces `queryBind`).
    public var windowsQueries: WindowsQueryBind?
    /// `directory.referrals: chase`: the hosts (lowercased) whose referrals the proxy follows for its
    /// clients; empty: referrals reach clients untouched.
    public var referralHosts: Set<String> = []

    public init(
        servers: [Server], queryBind: BindRequest?, timeouts: UpstreamConnection.Timeouts = .init(),
        bindPoolSize: Int = 32, queryPoolSize: Int = 2, healthCheckInterval: TimeAmount = .seconds(5),
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

/// The proxy's own Windows bind for its queries: a named account with its password, or the
/// process's Kerberos credentials (`directory.bind_dn` left empty).
public struct WindowsQueryBind: Sendable {
    public enum Identity: Sendable {
        /// `DOMAIN\user` or a UPN, and its password.
        case account(name: String, password: SensitiveBytes)
        /// A keytab or credential cache (no password).
        case service(WindowsServiceCredentials)
    }

    public var identity: Identity
    public var settings: WindowsBindSettings

    public init(identity: Identity, settings: WindowsBindSettings) {
        self.identity = identity
        self.settings = settings
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
