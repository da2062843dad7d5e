import Foundation
import Testing

@testable import SecondFactor

/// The provider's flows against `PrivacyIDEAFakeServer`: what it sends, and the outcomes of answers a real
/// server gives only in situations a test cannot easily arrange (no answer, garbage, a server error).
@Suite("privacyIDEA provider flows")
struct PrivacyIDEAFlowTests {
    let script = PrivacyIDEAFakeScript()

    func request(_ user: String, _ code: String) -> FactorRequest {
        FactorRequest(username: user, dn: "uid=\(user),ou=people,dc=example,dc=test", code: code)
    }

    /// Runs `body` with a fake server driven by `script` (or `reply`) and a provider pointed at it.
    func withFake(
        reply: (@Sendable (PrivacyIDEAFakeServer.Request) -> PrivacyIDEAFakeServer.Reply)? = nil,
        pushTimeout: Duration = .seconds(5), requestTimeout: Duration = .seconds(5),
        _ body: (PrivacyIDEAProvider, PrivacyIDEAFakeServer) async throws -> Void
    ) async throws {
        let script = self.script
        let server = try await PrivacyIDEAFakeServer.start(handler: reply ?? { script.handle($0) })
        let settings = PrivacyIDEASettings(
            url: server.url + "/", realm: "example", pushTimeout: pushTimeout, pollInterval: .milliseconds(20),
            requestTimeout: requestTimeout)
        do {
            try await withPrivacyIDEAProvider(settings) { try await body($0, server) }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test("a code is sent as user, pass and realm; right is accepted, wrong rejected")
    func codeFlow() async throws {
        try await withFake { provider, server in
            #expect(await provider.verify(request("alice", "246810")) == .accepted)
            #expect(
                await provider.verify(request("alice", "111111")) == .rejected(reason: "privacyIDEA: wrong otp value"))
            let sent = server.requests.map(\.fields)
            #expect(sent.first == ["user": "alice", "pass": "246810", "realm": "example"])
            #expect(server.requests.allSatisfy { $0.method == "POST" && $0.path == "/validate/check" })
        }
    }

    @Test("an empty code is refused without asking privacyIDEA")
    func emptyCode() async throws {
        try await withFake { provider, server in
            #expect(await provider.verify(request("alice", "")) == .rejected(reason: "no code given"))
            #expect(server.requests.isEmpty)
        }
    }

    @Test("a challenge opened by the code is answered with the same code and transaction")
    func challengeFlow() async throws {
        script.state.withLockedValue { $0.challengeOnPass = "246810" }
        try await withFake { provider, server in
            #expect(await provider.verify(request("bob", "246810")) == .accepted)
            let sent = server.requests.map(\.fields)
            #expect(sent.count == 2)
            #expect(sent.last?["transaction_id"] == "00000000000000000001" && sent.last?["pass"] == "246810")
        }
    }

    @Test("a challenge answered with a wrong code is rejected after one answer")
    func challengeWrongCode() async throws {
        script.state.withLockedValue { $0.challengeOnPass = "999999" }
        try await withFake { provider, server in
            let outcome = await provider.verify(request("bob", "999999"))
            #expect(outcome == .rejected(reason: "privacyIDEA: Response did not match the challenge."))
            #expect(server.requests.count == 2)
        }
    }

    @Test("push: trigger with an empty pass, poll, finalise with the transaction")
    func pushApproved() async throws {
        script.state.withLockedValue {
            $0.pushUsers = ["carol"]
            $0.approveAfterPolls = 3
        }
        try await withFake { provider, server in
            #expect(await provider.verify(request("carol", "push")) == .accepted)
            let requests = server.requests
            #expect(requests.first?.fields == ["user": "carol", "pass": "", "realm": "example"])
            #expect(requests.filter { $0.path == "/validate/polltransaction" && $0.method == "GET" }.count == 3)
            #expect(requests.last?.fields["transaction_id"] == "00000000000000000001")
            #expect(requests.last?.fields["pass"] == "")
        }
    }

    @Test("push declined on the phone is rejected")
    func pushDeclined() async throws {
        script.state.withLockedValue {
            $0.pushUsers = ["carol"]
            $0.declineAfterPolls = 2
        }
        try await withFake { provider, _ in
            #expect(await provider.verify(request("carol", "Push")) == .rejected(reason: "push declined"))
        }
    }

    @Test("an unanswered push is rejected after the push timeout, not unavailable")
    func pushTimeout() async throws {
        script.state.withLockedValue { $0.pushUsers = ["carol"] }
        try await withFake(pushTimeout: .milliseconds(400)) { provider, _ in
            let started = ContinuousClock.now
            #expect(await provider.verify(request("carol", "push")) == .rejected(reason: "push timed out"))
            let elapsed = ContinuousClock.now - started
            #expect(elapsed >= .milliseconds(400), "took \(elapsed): gave up before the push timeout")
        }
    }

    @Test("push for a user whose only challenge is interactive is refused at once")
    func pushWithoutPushToken() async throws {
        script.state.withLockedValue { $0.challengeOnPass = "" }
        try await withFake { provider, server in
            let outcome = await provider.verify(request("dave", "push"))
            #expect(outcome == .rejected(reason: "no push token: privacyIDEA opened no out-of-band challenge"))
            #expect(server.requests.count == 1)
        }
    }

    @Test("privacyIDEA going away during a push makes it unavailable")
    func pushServerGone() async throws {
        script.state.withLockedValue { $0.pushUsers = ["carol"] }
        try await withFake(pushTimeout: .milliseconds(600), requestTimeout: .milliseconds(300)) { provider, server in
            async let outcome = provider.verify(request("carol", "push"))
            try await Task.sleep(for: .milliseconds(150))
            await server.stop()
            guard case .unavailable = await outcome else {
                Issue.record("expected .unavailable")
                return
            }
        }
    }
}
