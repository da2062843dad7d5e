import LDAPCore

extension ProxyConfiguration {
    /// `directory`: the directory behind the proxy, as Azure MFA Server's LDAP settings describe one.
    public struct Directory: Sendable, Equatable {
        /// `directory.servers`: the first is the primary, the rest are backups in order; each with its TLS
        /// settings resolved (`directory.tls` unless the server overrides them).
        public var servers: [ServerEndpoint]
        /// `directory.base_dn`: where searches for users start. Required.
        public var baseDN: DistinguishedName
        /// `directory.bind_type`: how the proxy binds for its own queries and for users' authentications.
        public var bindType: BindTypes
        /// `directory.bind_dn`: the service account for queries; nil with the anonymous bind type.
        public var bindDN: DistinguishedName?
        /// The service account's password, from `LDAP_MFA_PROXY_BIND_PASSWORD` or `directory.bind_password_file`;
        /// nil with the anonymous bind type.
        public var bindPassword: SecretValue?
        /// `directory.attributes.username`: the attributes of a user's entry that give the username the second
        /// factor knows the user by, tried in order. Default `[uid]`.
        public var usernameAttributes: [String]
        /// `directory.connect_timeout`: TCP connect plus TLS handshake to one server. Default 5s.
        public var connectTimeout: Duration
        /// `directory.operation_timeout`: the longest wait for one response from the directory. Default 10s.
        public var operationTimeout: Duration
        /// `directory.health_check_interval`: how often a quarantined or idle server is probed. Default 5s.
        public var healthCheckInterval: Duration
        /// `directory.quarantine_initial`: how long a failing server is first left alone; doubles on every
        /// further failure. Default 1s.
        public var quarantineInitial: Duration
        /// `directory.quarantine_max`: the longest quarantine. Default 60s.
        public var quarantineMax: Duration
        /// `directory.bind_pool_size`: long-lived connections per server that carry users' binds. Default 32.
        public var bindPoolSize: Int
        /// `directory.windows`: the `windows` bind type's realm, mechanism and credentials.
        public var windows: Windows = Windows()
        /// `directory.referrals`: `return` (default) passes referrals to clients untouched; `chase`
        /// follows those that name a host of `referralHosts`.
        public var referrals: Referrals = .return
        /// `directory.referral_hosts`: the hosts (trusted domains' servers) whose referrals `chase`
        /// follows, with the client's credentials. Default none; required with `chase`.
        public var referralHosts: [String] = []
        /// `directory.bind_dn` as written, for the `windows` bind type of queries (`DOMAIN\user`, a UPN
        /// or a DN); nil when empty (the process's own Kerberos credentials are used).
        public var windowsBindName: String?
    }
}

extension ProxyConfiguration.Directory {
    /// `directory.bind_type`: the bind type for each purpose.
    public struct BindTypes: Sendable, Hashable {
        /// `directory.bind_type.queries`: for the proxy's own searches (looking up the bound user). Default ssl.
        public var queries: BindType
        /// `directory.bind_type.authentications`: for checking users' passwords. Default ssl.
        public var authentications: BindType

        /// Bind types for queries and authentications.
        public init(queries: BindType, authentications: BindType) {
            self.queries = queries
            self.authentications = authentications
        }
    }

    /// How a connection to `server` is secured for the proxy's queries (see ``ServerEndpoint/security(for:)``).
    public func querySecurity(for server: ServerEndpoint) -> ConnectionSecurity? {
        server.security(for: bindType.queries)
    }

    /// How a connection to `server` is secured for users' binds (see ``ServerEndpoint/security(for:)``).
    public func authenticationSecurity(for server: ServerEndpoint) -> ConnectionSecurity? {
        server.security(for: bindType.authentications)
    }
}
