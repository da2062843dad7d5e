import NIOCore
import ProxyConfig

extension ProxyApplication {
    /// `operations.drain_timeout`: how long SIGTERM waits for binds in flight.
    static func drainTimeout(_ configuration: ProxyConfiguration) -> Duration {
        configuration.operations.drainTimeout
    }

    /// `log.format`: JSON lines (the default) or swift-log's text.
    static func logFormatIsJSON(_ configuration: ProxyConfiguration) -> Bool {
        configuration.log.format == .json
    }

    /// `log.audit`: a file for the audit stream; nil for standard output.
    static func auditDestination(_ configuration: ProxyConfiguration) -> String? {
        switch configuration.log.audit {
        case .standardOutput: nil
        case .file(let path): path
        }
    }

    /// `operations.listen`: the operations endpoint's address (`/metrics`, `/healthz`, `/readyz`); nil when off.
    static func observabilityAddress(_ configuration: ProxyConfiguration) throws -> SocketAddress? {
        try configuration.operations.listen.map(socketAddress)
    }

    /// The keys a SIGHUP reload cannot apply (they are read once at start): the ones that differ between
    /// `running` and `next`, so the reload can say they wait for a restart.
    static func keysNeedingRestart(running: ProxyConfiguration, next: ProxyConfiguration) -> [String] {
        var keys: [String] = []
        if running.listen.ldap != next.listen.ldap { keys.append("listen.ldap") }
        if running.listen.ldaps != next.listen.ldaps { keys.append("listen.ldaps") }
        if running.listen.maxConnections != next.listen.maxConnections { keys.append("listen.max_connections") }
        if running.listen.maxMessageSize != next.listen.maxMessageSize { keys.append("listen.max_message_size") }
        if running.log != next.log { keys.append("log") }
        if running.operations.listen != next.operations.listen { keys.append("operations.listen") }
        return keys
    }
}
