import Logging
import NIOSSL
import Upstream

/// What every client session shares.
public struct ProxyServices: Sendable {
    public var gate: BindGate
    public var directory: UpstreamDirectory
    public var session: SessionConfiguration
    /// The listener's TLS context, for LDAPS and StartTLS; `nil` when no certificate is configured.
    public var tlsContext: NIOSSLContext?
    public var logger: Logger

    public init(
        gate: BindGate, directory: UpstreamDirectory, session: SessionConfiguration, tlsContext: NIOSSLContext?,
        logger: Logger
    ) {
        self.gate = gate
        self.directory = directory
        self.session = session
        self.tlsContext = tlsContext
        self.logger = logger
    }
}
