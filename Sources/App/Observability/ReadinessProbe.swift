import Metrics
import NIOConcurrencyHelpers
import Upstream
import UserStore

/// The readiness verdict: ready when at least one directory server is healthy and the user
/// store takes a write.
///
/// Each check also publishes `ldap_mfa_proxy_upstream_healthy{server}` (1 healthy, 0 quarantined) for every
/// configured server, so the gauge exists from the start and returns to 1 after a recovery, and
/// `ldap_mfa_proxy_ready` (1 or 0), the verdict `/readyz` answers with.
struct ReadinessProbe: Sendable {
    let directory: UpstreamDirectory
    let store: any MFAUserStore
    let verdict: NIOLockedValueBox<ObservabilityServer.Readiness>

    /// Checks once and publishes the verdict.
    func check() async {
        var problems: [String] = []
        let servers = directory.status()
        for server in servers {
            Gauge(label: "ldap_mfa_proxy_upstream_healthy", dimensions: [("server", server.endpoint.label)]).record(
                server.isHealthy ? 1 : 0)
        }
        if !servers.contains(where: \.isHealthy) { problems.append("no directory server is healthy") }
        do { try await store.checkWritable() } catch { problems.append("\(error)") }
        let next = ObservabilityServer.Readiness(
            ready: problems.isEmpty, reason: problems.isEmpty ? "ready" : problems.joined(separator: "; "))
        Gauge(label: "ldap_mfa_proxy_ready").record(next.ready ? 1 : 0)
        verdict.withLockedValue { $0 = next }
    }
}
