import Foundation
import Testing

@testable import SecondFactor

/// Every flow against a real privacyIDEA 3.x from PyPI (HTTPS, SQLite, LDAP resolver on the test slapd),
/// started by scripts/privacyidea/start.sh. Tokens are enrolled through the REST API; the push token is a
/// real privacyIDEA push token in "poll only" mode, whose phone is played by pi-admin.py (it fetches the
/// challenge from /ttype/push and answers with an RSA signature, exactly as the app does without Firebase).
@Suite("privacyIDEA against a real server", .serialized, .privacyIDEAPeer)
struct PrivacyIDEAIntegrationTests {
    var peer: PrivacyIDEAPeer {
        get throws { try #require(PrivacyIDEAPeerTrait.current, "the suite trait starts privacyIDEA") }
    }

    func request(_ user: String, _ code: String) -> FactorRequest {
        FactorRequest(username: user, dn: "uid=\(user),ou=people,dc=example,dc=test", code: code)
    }

    @Test("a correct TOTP code is accepted over TLS with the right CA")
    func correctCode() async throws {
        let peer = try peer
        let outcome = try await withPrivacyIDEAProvider(peer.settings) {
            await $0.verify(request("alice", PrivacyIDEAPeer.currentCode()))
        }
        #expect(outcome == .accepted)
    }

    @Test("a wrong code is rejected, and the reason does not contain it")
    func wrongCode() async throws {
        let peer = try peer
        let outcome = try await withPrivacyIDEAProvider(peer.settings) { await $0.verify(request("bob", "000000")) }
        try await peer.admin("reset", "bob")
        #expect(outcome == .rejected(reason: "privacyIDEA: wrong otp value"))
    }

    @Test("an unknown user and a user without a token are rejected")
    func unknownUsers() async throws {
        let peer = try peer
        try await withPrivacyIDEAProvider(peer.settings) { provider in
            let unknown = await provider.verify(request("nosuchuser", "123456"))
            #expect(unknown == .rejected(reason: "privacyIDEA: ERR904: User <nosuchuser@example> does not exist."))
            let noToken = await provider.verify(request("carol", "123456"))
            #expect(noToken == .rejected(reason: "privacyIDEA: The user has no tokens assigned"))
        }
    }

    @Test("with challenge_response active, a code typed up front is accepted in one bind")
    func codeUpFront() async throws {
        let peer = try peer
        try await peer.admin("set-policy", "it-challenge", "authentication", "challenge_response=totp")
        let outcome = try await withPrivacyIDEAProvider(peer.settings) {
            await $0.verify(request("user0002", PrivacyIDEAPeer.currentCode()))
        }
        try await peer.admin("delete-policy", "it-challenge")
        #expect(outcome == .accepted)
    }

    @Test("a challenge opened by the first check is answered with the code in the same verification")
    func challengeAnswered() async throws {
        // privacyIDEA opens a challenge when `pass` matches a token PIN alone. Making the PIN equal to the
        // current code is the one way to get that answer for a code; the answer then has to go through the
        // transaction, which is what is tested.
        let peer = try peer
        let code = PrivacyIDEAPeer.currentCode()
        try await peer.admin("set-pin", "TOTP-user0003", code)
        try await peer.admin("set-policy", "it-challenge", "authentication", "challenge_response=totp")
        try await withPrivacyIDEAProvider(peer.settings) { provider in
            let first = try await provider.validate(user: "user0003", pass: code, transactionID: nil)
            guard case .challenge(_, outOfBand: false) = first else {
                Issue.record("privacyIDEA did not open a challenge for the PIN: \(first)")
                return
            }
            #expect(await provider.verify(request("user0003", code)) == .accepted)
        }
        try await peer.admin("delete-policy", "it-challenge")
        try await peer.admin("reset", "user0003")
    }

    @Test("an approved push is accepted, and a TOTP check completes while it is parked")
    func pushApproved() async throws {
        let peer = try peer
        try await withPrivacyIDEAProvider(peer.settings) { provider in
            async let pushed = provider.verify(request("user0001", "push"))
            try await Task.sleep(for: .seconds(1.5))
            // The push cannot finish before it is answered below, so this check completing proves it
            // was not held up by the parked push.
            let other = await provider.verify(request("alice", "000000"))
            #expect(other == .rejected(reason: "privacyIDEA: wrong otp value"))
            try await peer.admin("push-answer", "PUSH-user0001")
            #expect(await pushed == .accepted)
        }
        try await peer.admin("reset", "alice")
    }

    @Test("a declined push is rejected")
    func pushDeclined() async throws {
        let peer = try peer
        try await withPrivacyIDEAProvider(peer.settings) { provider in
            async let pushed = provider.verify(request("user0001", "PUSH"))
            try await peer.admin("push-answer", "PUSH-user0001", "--decline")
            #expect(await pushed == .rejected(reason: "push declined"))
        }
        try await peer.admin("reset", "user0001")
    }

    @Test("an unanswered push times out as a rejection")
    func pushTimeout() async throws {
        let peer = try peer
        var settings = peer.settings
        settings.pushTimeout = .seconds(2)
        let outcome = try await withPrivacyIDEAProvider(settings) { await $0.verify(request("user0001", "push")) }
        #expect(outcome == .rejected(reason: "push timed out"))
    }

    @Test("push for a user without a push token is refused at once")
    func pushWithoutToken() async throws {
        let peer = try peer
        let outcome = try await withPrivacyIDEAProvider(peer.settings) { await $0.verify(request("bob", "push")) }
        guard case .rejected = outcome else {
            Issue.record("expected a rejection, got \(outcome)")
            return
        }
        try await peer.admin("reset", "bob")
    }

    @Test("the wrong CA makes privacyIDEA unavailable, naming the certificate")
    func wrongCA() async throws {
        let peer = try peer
        var settings = peer.settings
        settings.caFile = peer.wrongCAFile
        let outcome = try await withPrivacyIDEAProvider(settings) { await $0.verify(request("alice", "123456")) }
        guard case .unavailable(let reason) = outcome else {
            Issue.record("expected .unavailable, got \(outcome)")
            return
        }
        #expect(reason.contains("certificate") && reason.contains("wrong-ca.pem"), "\(reason)")
        #expect(!reason.contains("123456"))
    }
}
