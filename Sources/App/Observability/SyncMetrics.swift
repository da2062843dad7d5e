import DirectorySync
import Foundation
import Metrics
import UserStore

/// The synchroniser's figures on `/metrics`:
///
/// - `ldap_mfa_proxy_sync_cycles_total{outcome}`: cycles by outcome (`applied`, `staged`, `failed`, and `skipped`
///   when another instance held the lease);
/// - `ldap_mfa_proxy_sync_last_cycle_outcome{outcome}`: 1 for the last cycle's outcome, 0 for the others;
/// - `ldap_mfa_proxy_sync_last_cycle_timestamp_seconds`, `ldap_mfa_proxy_sync_last_cycle_duration_seconds`: when
///   the last cycle this instance ran finished (Unix time), and how long it took;
/// - `ldap_mfa_proxy_sync_users_total{change}`: users `added`, `updated`, `disabled` and `removed` by the cycles;
/// - `ldap_mfa_proxy_sync_staged_removals`: disables and removals the last cycle staged for approval.
enum SyncMetrics {
    /// The outcomes a cycle can have, as the labels name them.
    static let outcomes = ["applied", "staged", "failed", "skipped"]

    /// Runs `service`'s cycles every `sync.interval` (start to start, as ``SyncService/run()`` does) until the
    /// task is cancelled, recording each cycle's figures.
    static func run(_ service: SyncService) async {
        let settings = await service.settings
        guard !settings.items.isEmpty else {
            // SyncService logs why nothing is synchronised and returns.
            await service.run()
            return
        }
        var schedule = SyncSchedule(interval: settings.interval)
        while !Task.isCancelled {
            let wait = schedule.nextStart(now: Date()).timeIntervalSinceNow
            if wait > 0 {
                do { try await Task.sleep(for: .milliseconds(Int64(wait * 1000))) } catch { return }
            }
            schedule.started(at: Date())
            record(await service.runCycle(.scheduled))
        }
    }

    /// Publishes one cycle's outcome.
    static func record(_ outcome: SyncOutcome) {
        switch outcome {
        case .skipped:
            count(outcome: "skipped")
        case .completed(let cycle):
            count(outcome: cycle.outcome.rawValue)
            Gauge(label: "ldap_mfa_proxy_sync_last_cycle_timestamp_seconds").record(
                cycle.finishedAt.timeIntervalSince1970)
            Gauge(label: "ldap_mfa_proxy_sync_last_cycle_duration_seconds").record(
                max(0, cycle.finishedAt.timeIntervalSince(cycle.startedAt)))
            for (change, number) in [
                ("added", cycle.added), ("updated", cycle.updated), ("disabled", cycle.disabled),
                ("removed", cycle.removed),
            ] {
                Counter(label: "ldap_mfa_proxy_sync_users_total", dimensions: [("change", change)]).increment(
                    by: number)
            }
            Gauge(label: "ldap_mfa_proxy_sync_staged_removals").record(cycle.staged)
        }
    }

    private static func count(outcome: String) {
        Counter(label: "ldap_mfa_proxy_sync_cycles_total", dimensions: [("outcome", outcome)]).increment()
        for label in outcomes {
            Gauge(label: "ldap_mfa_proxy_sync_last_cycle_outcome", dimensions: [("outcome", label)]).record(
                label == outcome ? 1 : 0)
        }
    }
}
