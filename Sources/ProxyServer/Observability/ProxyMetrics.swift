import Metrics

/// The proxy's metrics, through swift-metrics (the App bootstraps a Prometheus backend).
///
/// - `ldap_mfa_proxy_binds_total{outcome,rule}`: one per gate decision.
/// - `ldap_mfa_proxy_primary_bind_duration_seconds`: the directory's answer to the password.
/// - `ldap_mfa_proxy_second_factor_duration_seconds{provider}`: the provider's verdict.
/// - `ldap_mfa_proxy_open_connections`: client connections open now.
public enum ProxyMetrics {
    /// Records one gate decision.
    public static func record(_ event: AuditEvent) {
        Counter(
            label: "ldap_mfa_proxy_binds_total",
            dimensions: [("outcome", event.outcome.rawValue), ("rule", event.rule)]
        )
        .increment()
        if let seconds = event.primaryBindSeconds {
            Metrics.Timer(label: "ldap_mfa_proxy_primary_bind_duration_seconds").recordNanoseconds(Int64(seconds * 1e9))
        }
        if let seconds = event.secondFactorSeconds {
            Metrics.Timer(
                label: "ldap_mfa_proxy_second_factor_duration_seconds",
                dimensions: [("provider", event.provider ?? "none")]
            ).recordNanoseconds(Int64(seconds * 1e9))
        }
    }

    static let openConnections = Gauge(label: "ldap_mfa_proxy_open_connections")
}

/// An audit sink that also counts every decision in the metrics.
public struct MetricsAuditSink: AuditSink {
    public let next: any AuditSink
    public init(next: any AuditSink) { self.next = next }

    public func record(_ event: AuditEvent) {
        next.record(event)
        ProxyMetrics.record(event)
    }
}
