import LDAPCore
import Logging
import NIOCore
import ProxyConfig
import Upstream

/// The `test` command: binds to each server with each configured bind type and says what
/// works, like the Test button of Azure MFA Server's directory settings.
public struct DirectoryTester: Sendable {
    public struct Verdict: Sendable {
        public var server: String
        public var role: String
        public var ok: Bool
        public var detail: String
    }

    let configuration: ProxyConfiguration
    let settings: DirectorySettings

    public init(configuration: ProxyConfiguration) {
        self.configuration = configuration
        self.settings = DirectorySettings(configuration)
    }

    /// Runs every check. `user` is an optional account to test an authentication bind with.
    public func run(user: BindRequest?) async -> [Verdict] {
        var verdicts: [Verdict] = []
        for server in settings.servers {
            verdicts.append(await checkQueries(server))
            verdicts.append(await checkAuthentications(server, user: user))
        }
        return verdicts
    }

    func connect(_ server: DirectorySettings.Server, _ security: Upstream.ConnectionSecurity) async throws
        -> UpstreamConnection
    {
        try await UpstreamConnection.connect(
            to: server.endpoint, security: security, tlsContext: try security.tls?.makeContext(),
            timeouts: settings.timeouts)
    }

    func checkQueries(_ server: DirectorySettings.Server) async -> Verdict {
        let role =
            "queries (\(configuration.directory.bindType.queries.rawValue), \(Self.describe(server.querySecurity)))"
        do {
            let connection = try await connect(server, server.querySecurity)
            defer { connection.unbindAndClose() }
            var who = "anonymous"
            if let windows = settings.windowsQueries {
                switch try await windowsQueryBind(connection, windows) {
                case .success(let description): who = description
                case .failure(let detail):
                    return Verdict(server: server.endpoint.label, role: role, ok: false, detail: detail)
                }
            } else if let bind = settings.queryBind {
                let response = try await connection.bind(bind)
                guard case .bindResponse(let result) = response.protocolOp, result.result.resultCode == .success else {
                    return Verdict(
                        server: server.endpoint.label, role: role, ok: false,
                        detail: "bind as \(bind.name) refused: \(Self.describe(response))")
                }
                who = bind.name
            }
            let base = configuration.directory.baseDN.description
            let answer = try await connection.search(
                SearchRequest(
                    baseObject: base, scope: .baseObject, filter: .present("objectClass"), attributes: ["1.1"]))
            guard answer.result.resultCode == .success else {
                return Verdict(
                    server: server.endpoint.label, role: role, ok: false,
                    detail:
                        "bound as \(who), but reading \(base) gave \(answer.result.resultCode) \(answer.result.diagnosticMessage)"
                )
            }
            return Verdict(
                server: server.endpoint.label, role: role, ok: true, detail: "bound as \(who) and read \(base)")
        } catch {
            return Verdict(server: server.endpoint.label, role: role, ok: false, detail: "\(error)")
        }
    }

    func checkAuthentications(_ server: DirectorySettings.Server, user: BindRequest?) async -> Verdict {
        let role =
            "authentications (\(configuration.directory.bindType.authentications.rawValue), \(Self.describe(server.authenticationSecurity)))"
        do {
            let connection = try await connect(server, server.authenticationSecurity)
            defer { connection.unbindAndClose() }
            guard let user else {
                return Verdict(
                    server: server.endpoint.label, role: role, ok: true,
                    detail: "connection secured as configured; pass --user and --password-file to test a user's bind")
            }
            if var windows = settings.windowsAuthentication {
                // A DN becomes its logon name through the queries connection, as it does for clients' binds.
                guard WindowsAccountName.looksLikeDN(user.name) else {
                    return await windowsAuthentication(connection, server, role: role, user: user, settings: windows)
                }
                var logger = Logger(label: "ldap-mfa-proxy.test")
                logger.logLevel = .critical
                let directory = try UpstreamDirectory(settings: settings, logger: logger)
                windows.resolvePrincipal = directory.principalResolver(windows)
                let verdict = await windowsAuthentication(connection, server, role: role, user: user, settings: windows)
                await directory.shutdown()
                return verdict
            }
            let response = UpstreamDirectory.withStrongAuthHint(try await connection.bind(user))
            guard case .bindResponse(let result) = response.protocolOp, result.result.resultCode == .success else {
                return Verdict(
                    server: server.endpoint.label, role: role, ok: false,
                    detail: "bind as \(user.name) refused: \(Self.describe(response))")
            }
            return Verdict(server: server.endpoint.label, role: role, ok: true, detail: "bound as \(user.name)")
        } catch {
            return Verdict(server: server.endpoint.label, role: role, ok: false, detail: "\(error)")
        }
    }

    enum WindowsCheck {
        case success(String)
        case failure(String)
    }

    /// The query account's Windows bind: `who` on success, the reason on failure.
    func windowsQueryBind(_ connection: UpstreamConnection, _ windows: WindowsQueryBind) async throws -> WindowsCheck {
        let (result, who): (WindowsBindResult, String)
        do {
            switch windows.identity {
            case .account(let name, let password):
                result = try await connection.windowsBind(name: name, password: password, settings: windows.settings)
                who = name
            case .service(let credentials):
                result = try await connection.windowsBind(service: credentials, settings: windows.settings)
                who = "the process's Kerberos credentials"
            }
        } catch let error as WindowsBindError {
            return .failure("windows bind failed: \(error.summary): \(error)")
        }
        guard result.resultCode == .success else {
            return .failure("windows bind refused: \(Self.describe(result.response))")
        }
        return .success("\(who) (windows bind, \(Self.describe(result)))")
    }

    func windowsAuthentication(
        _ connection: UpstreamConnection, _ server: DirectorySettings.Server, role: String, user: BindRequest,
        settings windows: WindowsBindSettings
    ) async -> Verdict {
        guard case .simple(let password) = user.authentication else {
            return Verdict(server: server.endpoint.label, role: role, ok: false, detail: "no password to test with")
        }
        do {
            let result = try await connection.windowsBind(name: user.name, password: password, settings: windows)
            guard result.resultCode == .success else {
                return Verdict(
                    server: server.endpoint.label, role: role, ok: false,
                    detail: "windows bind as \(user.name) refused: \(Self.describe(result.response))")
            }
            return Verdict(
                server: server.endpoint.label, role: role, ok: true,
                detail: "windows bind as \(user.name): \(Self.describe(result))")
        } catch let error as WindowsBindError {
            return Verdict(
                server: server.endpoint.label, role: role, ok: false,
                detail: "windows bind as \(user.name) failed: \(error.summary): \(error)")
        } catch {
            return Verdict(server: server.endpoint.label, role: role, ok: false, detail: "\(error)")
        }
    }

    static func describe(_ result: WindowsBindResult) -> String {
        let mechanism = result.mechanism == .ntlm ? "NTLM" : "Kerberos"
        switch result.securityLayer {
        case .none: return "\(mechanism), no SASL layer (TLS)"
        case .integrity: return "\(mechanism), SASL signing"
        case .confidentiality: return "\(mechanism), SASL sign and seal"
        }
    }

    static func describe(_ security: Upstream.ConnectionSecurity) -> String {
        switch security {
        case .plain: "plain LDAP"
        case .ldaps: "LDAPS"
        case .startTLS: "StartTLS"
        }
    }

    static func describe(_ response: LDAPMessage) -> String {
        guard case .bindResponse(let bind) = response.protocolOp else { return "unexpected response" }
        let text = bind.result.diagnosticMessage
        return "\(bind.result.resultCode)" + (text.isEmpty ? "" : " (\(text))")
    }
}
