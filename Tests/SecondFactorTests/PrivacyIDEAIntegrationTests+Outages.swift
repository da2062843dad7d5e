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
        let outcome = try await withPrivacyIDEAProvider(settings) { await $0.verify(request("alice", "123456")) }
        #expect(kill(pid, SIGCONT) == 0)
        guard case .unavailable(let reason) = outcome else {
            Issue.record("expected .unavailable, got \(outcome)")
            return
        }
        // The provider's own request timeout ended the wait: the frozen server never answers.
        #expect(reason.contains("timed out"), "\(reason)")
    }

    @Test("a stopped privacyIDEA is unavailable at once; restarted, it answers again")
    func stoppedServer() async throws {
        let peer = try peer
        try await peer.stopPrivacyIDEA()
        let down = try await withPrivacyIDEAProvider(peer.settings) { await $0.verify(request("alice", "123456")) }
        try await peer.startPrivacyIDEA(fresh: false)
        guard case .unavailable(let reason) = down else {
            Issue.record("expected .unavailable, got \(down)")
            return
        }
        // A refused connection, not the request timeout: the reason would say "timed out".
        #expect(reason.contains("cannot reach"), "\(reason)")
        let back = try await withPrivacyIDEAProvider(peer.settings) { await $0.verify(request("bob", "000000")) }
        try await peer.admin("reset", "bob")
        #expect(back == .rejected(reason: "privacyIDEA: wrong otp value"))
    }
}
