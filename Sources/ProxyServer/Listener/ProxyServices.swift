import Logging
import NIOConcurrencyHelpers
import NIOSSL
import Upstream

/// Binds whose gate is running now, across every connection (for draining on SIGTERM).
public final class InFlightBinds: Sendable {
    private let count = NIOLockedValueBox(0)
    public init() {}
    public var current: Int { count.withLockedValue { $0 } }
    func started() { count.withLockedValue { $0 += 1 } }
    func finished() { count.withLockedValue { $0 -= 1 } }
}

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
