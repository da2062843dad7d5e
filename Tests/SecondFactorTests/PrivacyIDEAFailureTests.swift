import Foundation
import Testing

@testable import SecondFactor

/// What the fail mode gets to decide: every way privacyIDEA can fail to give a verdict is `.unavailable`,
/// quickly, with a reason that names the cause and never the code.
@Suite("privacyIDEA provider failures")
struct PrivacyIDEAFailureTests {
    static let code = "735291"

    func verify(
        reply: @escaping @Sendable (PrivacyIDEAFakeServer.Request) -> PrivacyIDEAFakeServer.Reply,
        requestTimeout: Duration = .seconds(5)
    ) async throws -> (FactorOutcome, Duration, requests: Int) {
        let server = try await PrivacyIDEAFakeServer.start(handler: reply)
        let settings = PrivacyIDEASettings(url: server.url, requestTimeout: requestTimeout)
        let started = ContinuousClock.now
        let outcome: FactorOutcome
        do {
            outcome = try await withPrivacyIDEAProvider(settings) {
                await $0.verify(FactorRequest(username: "alice", dn: "uid=alice", code: Self.code))
            }
        } catch {
            await server.stop()
            throw error
        }
        let elapsed = ContinuousClock.now - started
        await server.stop()
        return (outcome, elapsed, server.requests.count)
    }

    func expectUnavailable(_ outcome: FactorOutcome, mentioning text: String) {
        guard case .unavailable(let reason) = outcome else {
            Issue.record("expected .unavailable, got \(outcome)")
            return
        }
        #expect(reason.contains(text), "\(reason)")
        #expect(!reason.contains(Self.code))
    }

    @Test("no answer within the request timeout is unavailable")
    func hangingServer() async throws {
        // The reason proves the provider's own timeout ended the wait (the fake server never answers).
        let (outcome, _, _) = try await verify(reply: { _ in .hang }, requestTimeout: .milliseconds(500))
        expectUnavailable(outcome, mentioning: "timed out")
    }

    @Test("an answer that is not privacyIDEA JSON is unavailable")
    func garbage() async throws {
        let (outcome, _, _) = try await verify(reply: { _ in .text("<html>Bad Gateway</html>", status: 502) })
        expectUnavailable(outcome, mentioning: "HTTP 502")
    }

    @Test("a server-side error (resolver down) is unavailable")
    func serverError() async throws {
        let (outcome, _, _) = try await verify(reply: { _ in .json(PrivacyIDEAFixtures.resolverDown, status: 400) })
        expectUnavailable(outcome, mentioning: "error 907")
    }

    @Test("an unknown user is a rejection even though result.status is false")
    func unknownUser() async throws {
        let (outcome, _, _) = try await verify(reply: { _ in .json(PrivacyIDEAFixtures.unknownUser, status: 400) })
        #expect(outcome == .rejected(reason: "privacyIDEA: ERR904: User <nobody@example> does not exist."))
    }

    /// The reason tells a refused connection ("cannot reach") from the request timeout ("timed out"), so
    /// the refusal is shown to be an answer of its own, not a wait for `requestTimeout`.
    @Test("a closed port is unavailable as a refused connection, not a timeout")
    func refused() async throws {
        let port = try await TestScripts.freePort()
        let settings = PrivacyIDEASettings(url: "http://127.0.0.1:\(port)", requestTimeout: .seconds(5))
        let outcome = try await withPrivacyIDEAProvider(settings) {
            await $0.verify(FactorRequest(username: "alice", dn: "uid=alice", code: Self.code))
        }
        expectUnavailable(outcome, mentioning: "cannot reach")
        if case .unavailable(let reason) = outcome {
            #expect(!reason.contains("timed out"), "\(reason)")
        }
    }

    @Test("a redirect is not followed: the code stays where it was sent")
    func redirect() async throws {
        let (outcome, _, requests) = try await verify(reply: { request in
            request.path == "/validate/check" ? .redirect(to: "/elsewhere") : .json(PrivacyIDEAFixtures.accept)
        })
        expectUnavailable(outcome, mentioning: "HTTP 302")
        #expect(requests == 1)
    }
}
