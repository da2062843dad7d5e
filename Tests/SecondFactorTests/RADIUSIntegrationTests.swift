import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import SecondFactor

/// The provider against a real FreeRADIUS 3 started by scripts/freeradius/start.sh (users in
/// scripts/freeradius/authorize: alice 123456 accepted, bob rejected, carol challenged once with 654321,
/// dave challenged forever, erin password+code). FreeRADIUS runs with `require_message_authenticator =
/// yes`, so every accepted request also proves our Message-Authenticator right.
///
/// Each test runs its own instance in a temporary directory (``RADIUSFreeRADIUSInstance/with(secret:_:)``),
/// stopped when the test ends, also when it fails. Without FreeRADIUS installed every test fails and says to run
/// scripts/install-deps.sh.
@Suite("RADIUS provider against FreeRADIUS", .serialized)
struct RADIUSIntegrationTests {
    static let secret = "radius-test-secret"

    func provider(
        _ servers: [RADIUSSettings.Server], timeout: Duration = .seconds(2), retries: Int = 3,
        send: RADIUSSettings.SendMode = .code, secret: String = secret
    ) throws -> RADIUSProvider {
        try RADIUSProvider(
            settings: RADIUSSettings(
                servers: servers, secret: Array(secret.utf8), timeout: timeout, retries: retries, send: send))
    }

    func request(_ user: String, _ code: String) -> FactorRequest {
        FactorRequest(
            username: user, dn: "uid=\(user),ou=people,dc=example,dc=test", code: code, clientAddress: "127.0.0.1")
    }

    func withFreeRADIUS(_ body: (RADIUSSettings.Server) async throws -> Void) async throws {
        try await RADIUSFreeRADIUSInstance.with(secret: Self.secret) { try await body($0.server) }
    }

    @Test("accepts alice with her code")
    func accept() async throws {
        try await withFreeRADIUS { server in
            let radius = try provider([server])
            #expect(await radius.verify(request("alice", "123456")) == .accepted)
        }
    }

    @Test("rejects bob, alice with a wrong code, and an unknown user")
    func reject() async throws {
        try await withFreeRADIUS { server in
            let radius = try provider([server])
            for (user, code) in [("bob", "123456"), ("alice", "000000"), ("nobody", "123456")] {
                #expect(await radius.verify(request(user, code)) == .rejected(reason: "RADIUS server rejected"))
            }
        }
    }

    @Test("answers carol's Access-Challenge with the code and the State; gives up on a second challenge")
    func challenge() async throws {
        try await withFreeRADIUS { server in
            let radius = try provider([server])
            #expect(await radius.verify(request("carol", "654321")) == .accepted)
            #expect(await radius.verify(request("carol", "111111")) == .rejected(reason: "RADIUS server rejected"))
            let outcome = await radius.verify(request("dave", "777777"))
            #expect(outcome == .rejected(reason: "RADIUS server challenged again after the code was sent"))
        }
    }

    @Test("sends the password and the code in password_and_code mode")
    func passwordAndCode() async throws {
        try await withFreeRADIUS { server in
            let radius = try provider([server], send: .passwordAndCode)
            #expect(await radius.verify(request("erin", "123456"), password: "erin-password") == .accepted)
            let outcome = await radius.verify(request("erin", "123456"), password: "wrong-password")
            #expect(outcome == .rejected(reason: "RADIUS server rejected"))
        }
    }

    @Test("falls over from a server that never answers to the real one")
    func failover() async throws {
        try await withFreeRADIUS { server in
            let blackHole = try await RADIUSFakeServer.start()
            let radius = try provider([blackHole.server, server], timeout: .milliseconds(300), retries: 2)
            let start = ContinuousClock.now
            #expect(await radius.verify(request("alice", "123456")) == .accepted)
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= .milliseconds(590), "took \(elapsed): the dead server was not retried")
            #expect(blackHole.received.count == 2)
            await blackHole.stop()
        }
    }

    @Test("is unavailable after servers x retries x timeout when no server answers")
    func allDead() async throws {
        let blackHole = try await RADIUSFakeServer.start()
        let unused = try await RADIUSFreeRADIUSInstance.freeUDPPort()
        let dead = [blackHole.server, RADIUSSettings.Server(host: "127.0.0.1", port: unused)]
        let radius = try provider(dead, timeout: .milliseconds(200), retries: 2)
        let start = ContinuousClock.now
        #expect(await radius.verify(request("alice", "123456")) == .unavailable(reason: "no RADIUS server answered"))
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(790), "took \(elapsed): a server was not retried")
        #expect(blackHole.received.count == 2)
        await blackHole.stop()
    }

    @Test("treats a wrong shared secret as no answer (FreeRADIUS drops the request)")
    func wrongSecret() async throws {
        try await withFreeRADIUS { server in
            let radius = try provider([server], timeout: .milliseconds(200), retries: 1, secret: "not-the-secret")
            let outcome = await radius.verify(request("alice", "123456"))
            #expect(outcome == .unavailable(reason: "no RADIUS server answered"))
        }
    }

    @Test("completes 50 concurrent verifications")
    func concurrent() async throws {
        try await withFreeRADIUS { server in
            let radius = try provider([server])
            let cases = [("alice", "123456", true), ("bob", "123456", false), ("carol", "654321", true)]
            let results = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<50 {
                    let (user, code, accepted) = cases[index % cases.count]
                    let factor = request(user, code)
                    group.addTask {
                        let outcome = await radius.verify(factor)
                        return outcome == (accepted ? .accepted : .rejected(reason: "RADIUS server rejected"))
                    }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.count == 50)
            #expect(results.allSatisfy { $0 })
        }
    }
}
