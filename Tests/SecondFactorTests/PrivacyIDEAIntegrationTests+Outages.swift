import Foundation
import Testing

@testable import SecondFactor

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension PrivacyIDEAIntegrationTests {
    @Test("a frozen privacyIDEA (SIGSTOP) is unavailable within the request timeout")
    func frozenServer() async throws {
        let peer = try peer
        var settings = peer.settings
        settings.requestTimeout = .seconds(2)
        let pid = try peer.privacyIDEAPID()
        #expect(kill(pid, SIGSTOP) == 0)
        let started = ContinuousClock.now
        let outcome = try await withPrivacyIDEAProvider(settings) { await $0.verify(request("alice", "123456")) }
        let elapsed = ContinuousClock.now - started
        #expect(kill(pid, SIGCONT) == 0)
        guard case .unavailable(let reason) = outcome else {
            Issue.record("expected .unavailable, got \(outcome)")
            return
        }
        #expect(reason.contains("timed out"), "\(reason)")
        #expect(elapsed < .seconds(4), "took \(elapsed)")
    }

    @Test("a stopped privacyIDEA is unavailable at once; restarted, it answers again")
    func stoppedServer() async throws {
        let peer = try peer
        try await peer.stopPrivacyIDEA()
        let started = ContinuousClock.now
        let down = try await withPrivacyIDEAProvider(peer.settings) { await $0.verify(request("alice", "123456")) }
        let elapsed = ContinuousClock.now - started
        try await peer.startPrivacyIDEA(fresh: false)
        guard case .unavailable(let reason) = down else {
            Issue.record("expected .unavailable, got \(down)")
            return
        }
        #expect(reason.contains("cannot reach"), "\(reason)")
        #expect(elapsed < .seconds(2), "took \(elapsed)")
        let back = try await withPrivacyIDEAProvider(peer.settings) { await $0.verify(request("bob", "000000")) }
        try await peer.admin("reset", "bob")
        #expect(back == .rejected(reason: "privacyIDEA: wrong otp value"))
    }
}
