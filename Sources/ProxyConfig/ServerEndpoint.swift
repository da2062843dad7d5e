/// One directory server from `directory.servers`, with its TLS settings resolved.
///
/// Written as `ldap://host:port`, `ldaps://host`, `ldap://[::1]:389`, or a bare `host` / `host:port` (which means
/// `ldap://`); in the list form also as a map `{url: ..., starttls: ..., ca_file: ..., verify_hostname: ...}`
/// whose keys override `directory.tls` for this server.
public struct ServerEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// How the server is reached from the start of the connection.
    public enum Scheme: String, Sendable, Hashable, CaseIterable {
        /// Plain LDAP, possibly upgraded with StartTLS; default port 389.
        case ldap
        /// LDAP over TLS from the first byte; default port 636.
        case ldaps

        /// 389 for `ldap`, 636 for `ldaps`.
        public var defaultPort: Int { self == .ldap ? 389 : 636 }
    }

    /// The server as the configuration wrote it, such as `ldap://dc1:389` or `dc1`.
    public var url: String
    /// `ldap` or `ldaps`.
    public var scheme: Scheme
    /// The host name or IP address, without brackets.
    public var host: String
    /// The TCP port; the scheme's default when the URL gives none.
    public var port: Int
    /// StartTLS on an `ldap://` connection: `true` always, `false` never, nil when the bind type decides
    /// (see ``security(for:)``). From the server's `starttls`, else `directory.tls.starttls`.
    public var starttls: Bool?
    /// The CA bundle (absolute path) to verify the server's certificate; nil for the system's trusted roots.
    /// From the server's `ca_file`, else `directory.tls.ca_file`.
    public var caFile: String?
    /// Whether the certificate must name ``host``. From the server's `verify_hostname`, else
    /// `directory.tls.verify_hostname` (default true).
    public var verifyHostname: Bool

    /// An endpoint with every field given.
    public init(
        url: String, scheme: Scheme, host: String, port: Int, starttls: Bool? = nil, caFile: String? = nil,
        verifyHostname: Bool = true
    ) {
        self.url = url
        self.scheme = scheme
        self.host = host
        self.port = port
        self.starttls = starttls
        self.caFile = caFile
        self.verifyHostname = verifyHostname
    }

    /// `scheme://host:port`, with an IPv6 address in brackets.
    public var description: String {
        "\(scheme.rawValue)://\(ListenAddress(host: host, port: port))"
    }

    /// Whether ``host`` is this machine (`localhost`, `127.0.0.0/8`, `::1`), where a plain connection never crosses
    /// a network.
    public var isLoopback: Bool {
        host.lowercased() == "localhost" || host.hasPrefix("127.") || host == "::1"
    }
}

/// How the proxy binds to the directory, as Azure MFA Server's directory settings name it
/// (`directory.bind_type.queries`, `directory.bind_type.authentications`).
public enum BindType: String, Sendable, Hashable, CaseIterable {
    /// No name and no password; queries only.
    case anonymous
    /// A simple bind with a DN and password, over TLS only when the server URL or `starttls` asks for it.
    case simple
    /// A simple bind that always travels over TLS: LDAPS, or StartTLS on an `ldap://` server.
    case ssl
    /// A Windows (SASL GSS-SPNEGO) bind to Active Directory; in the schema, not supported yet (issue 5).
    case windows
}

/// How a connection to a directory server is secured.
public enum ConnectionSecurity: String, Sendable, Hashable {
    /// No TLS: everything, passwords included, travels in clear.
    case plain
    /// Plain LDAP upgraded with the StartTLS extended operation (RFC 4511 §4.14) before the bind.
    case startTLS
    /// TLS from the first byte (an `ldaps://` server).
    case tls
}

extension ServerEndpoint {
    /// How a connection to this server that binds with `bindType` is secured, or nil when the two contradict.
    ///
    /// - An `ldaps://` server is always ``ConnectionSecurity/tls``.
    /// - With ``BindType/ssl``, an `ldap://` server uses ``ConnectionSecurity/startTLS``; when ``starttls`` is
    ///   `false` nothing can satisfy `ssl`, and the result is nil (loading reports it as a problem, so a loaded
    ///   configuration never has this case).
    /// - With any other bind type, an `ldap://` server is ``ConnectionSecurity/plain`` unless ``starttls`` is `true`.
    public func security(for bindType: BindType) -> ConnectionSecurity? {
        switch (scheme, bindType, starttls) {
        case (.ldaps, _, _): .tls
        case (.ldap, .ssl, false): nil
        case (.ldap, .ssl, _): .startTLS
        case (.ldap, _, true): .startTLS
        case (.ldap, _, _): .plain
        }
    }
}
