import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import SecondFactor

/// Parked pushes hold no thread: 50 verifications waiting for phones do not keep a normal check from
/// completing, on the same provider (same HTTP client, same connection pool). The pushes stay parked (no
/// answer, a push timeout far beyond the test) until the normal check has completed; then the phones
/// decline them all. No wall-clock bound is asserted: the order of events is the evidence (timings are in
/// BENCHMARKS.md, "Memory", parked binds).
///
/// The parked pushes talk to `PrivacyIDEAFakeServer`, not to the real privacyIDEA: the test server (Flask's
/// development server on SQLite, 2 shared cores) cannot hold them. Measured with the Python client on this
/// machine: triggering 50 pushes took 11 s (about 220 ms each, serialised by SQLite), and with 50 pollers at
/// one poll per second a /validate/check took 29-30 s and a poll 60 s (median), so the server, not the
/// provider, would decide the outcome. The real server's push flow is tested with one parked push in
/// PrivacyIDEAIntegrationTests ("an approved push is accepted, and a TOTP check completes while it is parked").
@Suite("privacyIDEA parked pushes")
struct PrivacyIDEAParkedPushTests {
    @Test("50 parked pushes do not delay a normal verification")
    func parkedPushes() async throws {
        let script = PrivacyIDEAFakeScript()
        let parked = (1...50).map { String(format: "user%04d", $0) }
        script.state.withLockedValue { $0.pushUsers = Set(parked) }
        let server = try await PrivacyIDEAFakeServer.start { script.handle($0) }
        let settings = PrivacyIDEASettings(
            url: server.url, pushTimeout: .seconds(600), pollInterval: .milliseconds(100), requestTimeout: .seconds(30))
        let finished = NIOLockedValueBox(0)
        do {
            try await withPrivacyIDEAProvider(settings) { provider in
                try await withThrowingTaskGroup(of: FactorOutcome.self) { group in
                    for user in parked {
                        group.addTask {
                            let outcome = await provider.verify(FactorRequest(username: user, dn: user, code: "push"))
                            finished.withLockedValue { $0 += 1 }
                            return outcome
                        }
                    }
                    // Wait until all 50 are parked and polling (a deadline only so a broken provider ends the test).
                    let clock = ContinuousClock()
                    let deadline = clock.now + .seconds(120)
                    while script.state.withLockedValue({ $0.polls.count }) < parked.count, clock.now < deadline {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    #expect(script.state.withLockedValue { $0.polls.count } == parked.count)

                    let quick = await provider.verify(FactorRequest(username: "alice", dn: "alice", code: "246810"))
                    #expect(quick == .accepted)
                    #expect(finished.withLockedValue { $0 } == 0, "a parked push finished before the normal check")

                    // Now the phones answer: every parked push ends declined.
                    script.state.withLockedValue { state in
                        for id in state.transactions.keys { state.transactions[id] = .declined }
                    }
                    var outcomes: [FactorOutcome] = []
                    for try await outcome in group { outcomes.append(outcome) }
                    #expect(outcomes.count == parked.count)
                    #expect(outcomes.allSatisfy { $0 == .rejected(reason: "push declined") })
                }
            }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
