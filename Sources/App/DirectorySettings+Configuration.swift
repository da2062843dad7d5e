import LDAPCore
import NIOCore
import ProxyConfig
import Upstream

extension DirectorySettings {
    /// The Upstream target's view of `directory.*`.
    public init(_ configuration: ProxyConfiguration) {
        let directory = configuration.directory
        let servers = directory.servers.map { endpoint in
            DirectorySettings.Server(
                endpoint: UpstreamEndpoint(host: endpoint.host, port: endpoint.port, label: endpoint.url),
                authenticationSecurity: Self.security(endpoint, directory.bindType.authentications),
                querySecurity: Self.security(endpoint, directory.bindType.queries))
        }
        var queryBind: BindRequest?
        if directory.bindType.queries != .anonymous, let dn = directory.bindDN, let password = directory.bindPassword {
            queryBind = BindRequest(
                name: dn.description, authentication: .simple(SensitiveBytes(ByteBuffer(bytes: password.bytes))))
        }
        self.init(
            servers: servers, queryBind: queryBind,
            timeouts: .init(
                connect: TimeAmount(directory.connectTimeout), operation: TimeAmount(directory.operationTimeout)),
            bindPoolSize: directory.bindPoolSize, queryPoolSize: 2,
            healthCheckInterval: TimeAmount(directory.healthCheckInterval),
            quarantineInitial: TimeAmount(directory.quarantineInitial),
            quarantineMaximum: TimeAmount(directory.quarantineMax),
            frameLimits: LDAPFrameLimits(maxMessageSize: max(configuration.listen.maxMessageSize, 16 << 20)))
    }

    static func security(_ endpoint: ServerEndpoint, _ bindType: BindType) -> Upstream.ConnectionSecurity {
        let tls = TLSSettings(caFile: endpoint.caFile, verifyHostname: endpoint.verifyHostname)
        switch endpoint.security(for: bindType) {
        case .tls: return .ldaps(tls)
        case .startTLS: return .startTLS(tls)
        case .plain, nil: return .plain
        }
    }
}
