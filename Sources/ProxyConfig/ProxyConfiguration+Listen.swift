extension ProxyConfiguration {
    /// `listen`: where clients connect, TLS for them, and connection limits.
    public struct Listen: Sendable, Equatable {
        /// `listen.ldap`: the plain LDAP port, which offers StartTLS when ``tls`` is set; nil when off (`""`).
        /// Default `127.0.0.1:3890`.
        public var ldap: ListenAddress?
        /// `listen.ldaps`: the LDAP-over-TLS port; nil (the default) when off. Needs ``tls``.
        public var ldaps: ListenAddress?
        /// `listen.tls`: the server certificate and TLS settings; nil when no certificate is configured.
        public var tls: TLS?
        /// `listen.max_connections`: client connections open at once; more are closed on accept. Default 10000.
        public var maxConnections: Int
        /// `listen.idle_timeout`: a client connection with no request for this long is closed. Default 10m.
        public var idleTimeout: Duration
        /// `listen.max_message_size`: the largest LDAP message accepted from a client, in bytes. Default 1 MiB.
        public var maxMessageSize: Int
        /// `listen.anonymous_binds`: what happens to a bind with no name and no password. Default relay.
        public var anonymousBinds: AnonymousBinds

        /// Whether the plain port offers StartTLS: it is on and a certificate is configured.
        public var offersStartTLS: Bool { ldap != nil && tls != nil }
    }
}

extension ProxyConfiguration.Listen {
    /// `listen.tls`: the proxy's own certificate, for LDAPS and StartTLS.
    public struct TLS: Sendable, Equatable {
        /// `listen.tls.certificate`: PEM certificate chain, server certificate first (absolute path).
        public var certificateFile: String
        /// `listen.tls.key`: PEM private key of the certificate (absolute path).
        public var privateKeyFile: String
        /// `listen.tls.min_version`: the oldest TLS version accepted. Default 1.2.
        public var minimumVersion: TLSVersion
        /// `listen.tls.ciphers`: an OpenSSL cipher list for TLS 1.2; nil (`""`, the default) for the library's.
        public var ciphers: String?
    }

    /// A TLS protocol version.
    public enum TLSVersion: String, Sendable, Hashable, CaseIterable {
        /// TLS 1.2 (RFC 5246).
        case v1_2 = "1.2"
        /// TLS 1.3 (RFC 8446).
        case v1_3 = "1.3"
    }

    /// What the proxy does with an anonymous bind (no name, no password; RFC 4513 §5.1.1).
    public enum AnonymousBinds: String, Sendable, Hashable, CaseIterable {
        /// Pass it to the directory, whose own policy then applies. No second factor: nobody is authenticated.
        case relay
        /// Answer it with inappropriateAuthentication (48) without asking the directory.
        case refuse
    }

    /// The address `listen.ldap` has when the key is absent.
    public static let defaultLDAP = ListenAddress(host: "127.0.0.1", port: 3890)
}
