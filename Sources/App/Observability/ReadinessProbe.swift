import NIOConcurrencyHelpers
import Upstream
import UserStore

/// The readiness verdict: ready when at least one directory server is healthy and the user
/// store takes a write.
struct ReadinessProbe: Sendable {
    let directory: UpstreamDirectory
    let store: SQLiteUserStore
    let verdict: NIOLockedValueBox<ObservabilityServer.Readiness>

    /// Checks once and publishes the verdict.
    func check() async {
        var problems: [String] = []
        if !directory.hasHealthyServer { problems.append("no directory server is healthy") }
        do { try await store.checkWritable() } catch { problems.append("\(error)") }
        let next = ObservabilityServer.Readiness(
            ready: problems.isEmpty, reason: problems.isEmpty ? "ready" : problems.joined(separator: "; "))
        verdict.withLockedValue { $0 = next }
    }
}
