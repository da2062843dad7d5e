import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import Prometheus
import ProxyConfig
import ProxyServer
import SecondFactor
import ServiceLifecycle
import Upstream
import UserStore

/// The composition root: configuration in, running services out (DESIGN.md "App").
public struct ProxyApplication: Sendable {
    public let configurationPath: String
    public let configuration: ProxyConfiguration
    public let logger: Logger
    let audit: any AuditSink

    public init(configurationPath: String, configuration: ProxyConfiguration, logger: Logger, audit: any AuditSink) {
        self.configurationPath = configurationPath
        self.configuration = configuration
        self.logger = logger
        self.audit = audit
    }

    /// Builds every service and runs until SIGTERM or SIGINT: then stops accepting, lets binds in
    /// flight finish (up to the drain deadline) and returns. SIGHUP reloads the configuration.
    public func run() async throws {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let runtime = try Runtime.build(configuration, logger: logger, audit: audit)
        let listen = configuration.listen
        let listener = LDAPListener(
            settings: LDAPListener.Settings(
                plain: try listen.ldap.map(Self.socketAddress), ldaps: try listen.ldaps.map(Self.socketAddress),
                maxConnections: listen.maxConnections,
                frameLimits: .init(maxMessageSize: listen.maxMessageSize)),
            services: runtime.services)
        let service = ProxyService(
            application: self, listener: listener, runtime: NIOLockedValueBox(runtime), registry: registry)
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

extension ProxyApplication {
    /// The TOTP parameters `users enrol` writes into the otpauth URI (the ones `serve` checks).
    public static func totpParametersForCLI(_ configuration: ProxyConfiguration) throws -> TOTPParameters {
        try totpParameters(configuration)
    }
}
