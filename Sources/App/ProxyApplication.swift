import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ProxyConfig
import ProxyServer
import SecondFactor
import ServiceLifecycle
import Upstream
import UserStore

/// The composition root: configuration in, running services out (DESIGN.md "App").
public struct ProxyApplication: Sendable {
    public let configuration: ProxyConfiguration
    public let logger: Logger

    public init(configuration: ProxyConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Builds every service and runs until SIGTERM or SIGINT, then shuts down gracefully.
    public func run() async throws {
        let (store, warning) = try SQLiteUserStore.open(configuration)
        if let warning { logger.warning("\(warning)") }
        let directory = try UpstreamDirectory(settings: DirectorySettings(configuration), logger: logger)
        let provider = TOTPProvider(
            store: TOTPStoreAdapter(store: store), parameters: try Self.totpParameters(configuration))
        var auditLogger = Logger(label: "audit")
        auditLogger.logLevel = .info
        let policy = Self.policy(configuration)
        let gate = BindGate(
            directory: directory, provider: provider,
            settings: GateSettings(
                otpSplitter: Self.splitter(configuration),
                usernameAttributes: configuration.directory.usernameAttributes,
                policy: policy),
            audit: LoggerAuditSink(logger: auditLogger),
            records: UserRecordsAdapter(store: store),
            groups: GroupResolver(directory: directory, baseDN: configuration.directory.baseDN.description),
            lockout: LockoutTracker(rules: Self.lockoutRules(configuration)),
            cache: BindCache(timeToLive: Self.bindCacheTTL(configuration)))
        let listen = configuration.listen
        let tlsContext = try listen.tls.map { try Self.serverTLSContext($0) }
        let services = ProxyServices(
            gate: gate, directory: directory,
            session: SessionConfiguration(
                idleTimeout: TimeAmount(listen.idleTimeout), relayAnonymousBinds: listen.anonymousBinds == .relay,
                startTLSAvailable: listen.offersStartTLS),
            tlsContext: tlsContext, logger: logger)
        let listener = LDAPListener(
            settings: LDAPListener.Settings(
                plain: try listen.ldap.map(Self.socketAddress), ldaps: try listen.ldaps.map(Self.socketAddress),
                maxConnections: listen.maxConnections,
                frameLimits: .init(maxMessageSize: listen.maxMessageSize)),
            services: services)
        let service = ProxyService(listener: listener, directory: directory, logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    static func totpParameters(_ configuration: ProxyConfiguration) throws -> TOTPParameters {
        let totp = configuration.mfa.totp
        let algorithm: TOTPParameters.Algorithm =
            switch totp.algorithm {
            case .sha1: .sha1
            case .sha256: .sha256
            case .sha512: .sha512
            }
        return try TOTPParameters(
            digits: totp.digits, period: Int(totp.period.components.seconds), algorithm: algorithm, window: totp.window)
    }

    static func splitter(_ configuration: ProxyConfiguration) -> OTPSplitter {
        switch configuration.mfa.otp {
        case .afterDelimiter(let delimiter): .delimiter(delimiter)
        case .trailingDigits(let count): .trailingDigits(count)
        }
    }

    static func socketAddress(_ address: ListenAddress) throws -> SocketAddress {
        try SocketAddress.makeAddressResolvingHost(address.host, port: address.port)
    }

    /// The listener's TLS context from `listen.tls.*`.
    static func serverTLSContext(_ tls: ProxyConfiguration.Listen.TLS) throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateFile).map {
            NIOSSLCertificateSource.certificate($0)
        }
        let key = try NIOSSLPrivateKey(file: tls.privateKeyFile, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = tls.minimumVersion == .v1_3 ? .tlsv13 : .tlsv12
        if let ciphers = tls.ciphers, !ciphers.isEmpty { configuration.cipherSuites = ciphers }
        return try NIOSSLContext(configuration: configuration)
    }
}

/// Runs the listener and the directory health checks for the service group.
struct ProxyService: Service {
    let listener: LDAPListener
    let directory: UpstreamDirectory
    let logger: Logger

    func run() async throws {
        directory.startHealthChecks()
        let bound = try await listener.start()
        var metadata: Logger.Metadata = [:]
        if let plain = bound.plain { metadata["ldap"] = "\(plain)" }
        if let ldaps = bound.ldaps { metadata["ldaps"] = "\(ldaps)" }
        logger.notice("ldap-mfa-proxy is listening", metadata: metadata)
        // Wait for SIGTERM/SIGINT (or the group ending), then stop accepting and let binds finish.
        try? await gracefulShutdown()
        logger.notice("shutting down: no new connections accepted")
        await listener.stopAccepting()
        await directory.shutdown()
    }
}

extension ProxyApplication {
    /// The TOTP parameters `users enrol` writes into the otpauth URI (the ones `serve` checks).
    public static func totpParametersForCLI(_ configuration: ProxyConfiguration) throws -> TOTPParameters {
        try totpParameters(configuration)
    }
}
