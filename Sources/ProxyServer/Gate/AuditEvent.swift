import Logging

/// One decision of the gate, logged as one structured event with no secret in it.
public struct AuditEvent: Sendable {
    public enum Outcome: String, Sendable {
        case allowed, denied, error
    }

    public var user: String
    public var clientAddress: String?
    /// Which rule decided: e.g. `second-factor`, `anonymous-bind`, `unauthenticated-bind`,
    /// `directory-rejected`, `no-code`, `directory-unavailable`, `user-not-found`.
    public var rule: String
    public var provider: String?
    public var outcome: Outcome
    public var latencyMilliseconds: Double
    public var reason: String?
    public var server: String?
    /// How long the directory took to answer the password, when it was asked.
    public var primaryBindSeconds: Double?
    /// How long the second factor took, when it was asked.
    public var secondFactorSeconds: Double?

    public var metadata: Logger.Metadata {
        var metadata: Logger.Metadata = [
            "event": "bind", "user": "\(user)", "rule": "\(rule)", "outcome": "\(outcome.rawValue)",
            "latency_ms": "\((latencyMilliseconds * 1000).rounded() / 1000)",
        ]
        if let clientAddress { metadata["client"] = "\(clientAddress)" }
        if let provider { metadata["provider"] = "\(provider)" }
        if let reason { metadata["reason"] = "\(reason)" }
        if let server { metadata["server"] = "\(server)" }
        if let seconds = primaryBindSeconds {
            metadata["primary_bind_ms"] = "\((seconds * 1_000_000).rounded() / 1000)"
        }
        if let seconds = secondFactorSeconds {
            metadata["second_factor_ms"] = "\((seconds * 1_000_000).rounded() / 1000)"
        }
        return metadata
    }
}

/// Where audit events go.
public protocol AuditSink: Sendable {
    func record(_ event: AuditEvent)
}

/// Writes audit events to a swift-log logger (label `audit`).
public struct LoggerAuditSink: AuditSink {
    public let logger: Logger
    public init(logger: Logger) { self.logger = logger }
    public func record(_ event: AuditEvent) {
        logger.info("bind decision", metadata: event.metadata)
    }
}
