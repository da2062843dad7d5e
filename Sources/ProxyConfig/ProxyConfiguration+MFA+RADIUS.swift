extension ProxyConfiguration.MFA {
    /// `mfa.radius`: RADIUS servers (RFC 2865) that check codes, tried in order.
    public struct RADIUS: Sendable, Equatable {
        /// `mfa.radius.servers`: the first is asked first, the rest in order when one does not answer. Required with
        /// provider radius.
        public var servers: [Server]
        /// The shared secret, from `LDAP_MFA_PROXY_RADIUS_SECRET` or `mfa.radius.secret_file`.
        public var secret: SecretValue
        /// `mfa.radius.timeout`: how long one try waits for an answer. Default 2s.
        public var timeout: Duration
        /// `mfa.radius.retries`: tries per server (the request sent up to this many times, ``timeout`` apart) before
        /// the next server; 1...10. Default 3.
        public var retries: Int
        /// `mfa.radius.send`: what goes in User-Password. Default code.
        public var send: Send
        /// `mfa.radius.nas_identifier`: the NAS-Identifier attribute (RFC 2865 §5.32). Default `ldap-mfa-proxy`.
        public var nasIdentifier: String
    }
}

extension ProxyConfiguration.MFA.RADIUS {
    /// One RADIUS server: a host and a UDP port.
    public struct Server: Sendable, Hashable, CustomStringConvertible {
        /// The host name or IP address, without brackets.
        public var host: String
        /// The UDP port; 1812 when none is written.
        public var port: Int

        /// A server at `host` (without brackets) and `port`.
        public init(host: String, port: Int = Self.defaultPort) {
            self.host = host
            self.port = port
        }

        /// The RADIUS authentication port (RFC 2865 §3).
        public static let defaultPort = 1812

        /// `host:port`, with an IPv6 address in brackets.
        public var description: String {
            host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        }
    }

    /// What the proxy sends as the RADIUS User-Password.
    public enum Send: String, Sendable, Hashable, CaseIterable {
        /// The code alone: the directory has already checked the password.
        case code
        /// The directory password followed directly by the code, for servers that check both.
        case passwordAndCode = "password_and_code"
    }

    /// The variable that supplies the shared secret; it wins over `mfa.radius.secret_file`.
    public static let secretVariable = "LDAP_MFA_PROXY_RADIUS_SECRET"

    /// Reads and checks `mfa.radius`; nil unless `provider` is radius. Its keys are checked either way; servers
    /// and the secret are required, and the secret read, only when it is the provider.
    static func decode(
        _ section: ConfigReader.Section, _ reader: ConfigReader, provider: ProxyConfiguration.MFA.Provider
    ) -> Self? {
        let active = provider == .radius
        let servers = decodeServers(section, reader, required: active)
        reader.refuseInlineSecret(
            "secret", in: section, noun: "shared secret",
            fix: "put it in a file and set secret_file, or set \(secretVariable)")
        let secretFile = reader.filePath("secret_file", in: section, mustBeReadable: false)
        let timeout = reader.duration("timeout", in: section, maximum: .seconds(60)) ?? .seconds(2)
        let retries = reader.integer("retries", in: section, range: 1...10) ?? 3
        let send: Send = reader.choice("send", in: section) ?? .code
        let nasIdentifier = decodeNASIdentifier(section, reader)
        guard active else {
            if !section.entries.isEmpty {
                reader.warning(
                    "mfa.radius", "not used: mfa.provider is \(provider.rawValue)",
                    fix: "set mfa.provider: radius, or remove this section")
            }
            return nil
        }
        let source = ConfigReader.SecretSource(
            fileKeyPath: "mfa.radius.secret_file", variable: secretVariable, noun: "shared secret")
        let secret = reader.secret(
            source, file: secretFile,
            missing: (
                "provider radius needs the shared secret",
                "set mfa.radius.secret_file to a file holding it, or set \(secretVariable)"
            ))
        if let secret, secret.count < 16 {
            reader.warning(
                "mfa.radius.secret_file",
                "the shared secret has \(secret.count) bytes; short secrets can be guessed "
                    + "from captured packets", fix: "use at least 16 random characters (RFC 2865 §3)")
        }
        guard let secret, !servers.isEmpty else { return nil }
        return Self(
            servers: servers, secret: secret, timeout: timeout, retries: retries, send: send,
            nasIdentifier: nasIdentifier)
    }

    private static func decodeServers(_ section: ConfigReader.Section, _ reader: ConfigReader, required: Bool)
        -> [Server]
    {
        let fix = "write host or host:port (port 1812 by default), IPv6 as [::1]:1812; separate servers with ';'"
        let missing = "set mfa.radius.servers, such as [radius1.example.com, radius2.example.com:1812]"
        var seen: Set<Server> = []
        let servers = reader.list("servers", in: section, separators: [";", ","], fix: fix) { item -> Server? in
            switch HostPort.split(item.text) {
            case .failure(let error):
                reader.problem(item.path, "'\(item.text)': \(error.message)", fix: fix, at: item.node)
                return nil
            case .success((let host, let port)):
                let server = Server(host: host, port: port ?? Server.defaultPort)
                if !seen.insert(server).inserted {
                    reader.warning(item.path, "\(server) is listed more than once", fix: "list each server once")
                }
                return server
            }
        }
        guard let servers else {
            if required {
                reader.problem("mfa.radius.servers", "missing: provider radius needs at least one server", fix: missing)
            }
            return []
        }
        if required, reader.node("servers", in: section).map(\.isEmptyList) == true {
            reader.problem("mfa.radius.servers", "the list is empty", fix: missing)
        }
        return servers
    }

    private static func decodeNASIdentifier(_ section: ConfigReader.Section, _ reader: ConfigReader) -> String {
        guard let (text, node) = reader.scalar("nas_identifier", in: section, expected: "text") else {
            return "ldap-mfa-proxy"
        }
        let identifier = text.trimmingSpaces
        if identifier.isEmpty || identifier.utf8.count > 253 {
            reader.problem(
                "mfa.radius.nas_identifier", "must have 1 to 253 bytes (RFC 2865 §5.32)",
                fix: "write a short name for the proxy, such as ldap-mfa-proxy", at: node)
        }
        return identifier
    }
}
