import Foundation
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
        baseDN = directory.baseDN.description
        if directory.referrals == .chase { referralHosts = Set(directory.referralHosts.map { $0.lowercased() }) }
        let windows = Self.windowsSettings(directory)
        if directory.bindType.authentications == .windows { windowsAuthentication = windows }
        if directory.bindType.queries == .windows {
            queryBind = nil
            if let name = directory.windowsBindName, let password = directory.bindPassword {
                windowsQueries = WindowsQueryBind(
                    identity: .account(name: name, password: SensitiveBytes(ByteBuffer(bytes: password.bytes))),
                    settings: windows)
            } else {
                windowsQueries = WindowsQueryBind(
                    identity: .service(Self.serviceCredentials(directory)), settings: windows)
            }
        }
    }

    /// `directory.windows.*` as the Upstream target's Windows bind settings. A configured
    /// `krb5_config` becomes the process's KRB5_CONFIG (the Kerberos library reads it from there).
    static func windowsSettings(_ directory: ProxyConfiguration.Directory) -> WindowsBindSettings {
        let windows = directory.windows
        if let path = windows.krb5Config { setenv("KRB5_CONFIG", path, 1) }
        var realms: [String: String] = [:]
        if let domain = windows.domain, let realm = windows.realm { realms[domain] = realm }
        var settings = WindowsBindSettings(
            mechanism: WindowsBindSettings.Mechanism(rawValue: windows.mechanism) ?? .negotiate, realms: realms,
            defaultDomain: windows.domain, servicePrincipalHost: windows.servicePrincipalHost)
        settings.channelBinding = windows.channelBinding
        return settings
    }

    /// The proxy's own Kerberos identity for `windows` queries without a bind username.
    static func serviceCredentials(_ directory: ProxyConfiguration.Directory) -> WindowsServiceCredentials {
        if let keytab = directory.windows.keytab, let principal = directory.windows.keytabPrincipal {
            return .clientKeytab(path: keytab, principal: principal)
        }
        if let cache = directory.windows.credentialCache { return .credentialCache(cache) }
        return .processDefault
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
