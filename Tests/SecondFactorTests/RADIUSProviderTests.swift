import Foundation
import Testing

@testable import SecondFactor

/// The provider against an in-process UDP server (``RADIUSFakeServer``): what goes on the wire, and what
/// comes of each kind of answer. The real-server flows are in RADIUSIntegrationTests.
@Suite("RADIUS provider")
struct RADIUSProviderTests {
    static let secret = Array("fake-secret".utf8)

    func provider(
        _ servers: [RADIUSSettings.Server], timeout: Duration = .milliseconds(200), retries: Int = 2,
        send: RADIUSSettings.SendMode = .code
    ) throws -> RADIUSProvider {
        try RADIUSProvider(
            settings: RADIUSSettings(
                servers: servers, secret: Self.secret, timeout: timeout, retries: retries, send: send))
    }

    func request(_ code: String = "123456", user: String = "alice") -> FactorRequest {
        FactorRequest(
            username: user, dn: "uid=\(user),ou=people,dc=example,dc=test", code: code, clientAddress: "192.0.2.7")
    }

    static func answer(_ code: RADIUSCode, _ attributes: [RADIUSAttribute] = []) -> RADIUSFakeServer.Respond {
        { request, _ in [RADIUSResponder.response(code, to: request, attributes: attributes, secret: secret)] }
    }

    @Test("sends User-Name, the hidden code, NAS-Identifier and Calling-Station-Id, signed first")
    func wire() async throws {
        let server = try await RADIUSFakeServer.start(respond: Self.answer(.accessAccept))
        defer { Task { await server.stop() } }
        #expect(try await provider([server.server]).verify(request()) == .accepted)
        let sent = try #require(server.requests.first)
        #expect(sent.code == .accessRequest)
        #expect(sent.attributes.first?.type == .messageAuthenticator)
        #expect(sent.value(of: .userName) == Array("alice".utf8))
        #expect(RADIUSResponder.password(of: sent, secret: Self.secret) == "123456")
        #expect(sent.value(of: .nasIdentifier) == Array("ldap-mfa-proxy".utf8))
        #expect(sent.value(of: .callingStationId) == Array("192.0.2.7".utf8))
        #expect(sent.value(of: .state) == nil)
        let mac = try RADIUSCrypto.messageAuthenticator(
            of: sent, authenticator: sent.authenticator, secret: Self.secret)
        #expect(sent.value(of: .messageAuthenticator) == mac)
        #expect(!server.received[0].contains(subsequence: Array("123456".utf8)))
    }

    @Test("maps Access-Reject to rejected")
    func rejects() async throws {
        let server = try await RADIUSFakeServer.start(respond: Self.answer(.accessReject))
        defer { Task { await server.stop() } }
        #expect(try await provider([server.server]).verify(request()) == .rejected(reason: "RADIUS server rejected"))
    }

    @Test("answers an Access-Challenge with the code and the State, once")
    func challenge() async throws {
        let state: [UInt8] = Array("opaque-state".utf8)
        let server = try await RADIUSFakeServer.start { request, count in
            let code: RADIUSCode = request.value(of: .state) == state ? .accessAccept : .accessChallenge
            let attributes = [RADIUSAttribute(.state, state), RADIUSAttribute(.replyMessage, text: "Enter your code")]
            return [RADIUSResponder.response(code, to: request, attributes: attributes, secret: Self.secret)]
        }
        defer { Task { await server.stop() } }
        #expect(try await provider([server.server]).verify(request()) == .accepted)
        let requests = server.requests
        #expect(requests.count == 2)
        #expect(requests.last?.value(of: .state) == state)
        #expect(requests.last.flatMap { RADIUSResponder.password(of: $0, secret: Self.secret) } == "123456")
        #expect(requests[0].authenticator != requests[1].authenticator)
    }

    @Test("rejects a second challenge")
    func challengeAgain() async throws {
        let server = try await RADIUSFakeServer.start(
            respond: Self.answer(.accessChallenge, [RADIUSAttribute(.state, [1])]))
        defer { Task { await server.stop() } }
        let outcome = try await provider([server.server]).verify(request())
        #expect(outcome == .rejected(reason: "RADIUS server challenged again after the code was sent"))
        #expect(server.requests.count == 2)
    }

    @Test("refuses unsigned answers: retransmits the same packet, then unavailable (BlastRADIUS)")
    func unsigned() async throws {
        let server = try await RADIUSFakeServer.start { request, _ in
            [RADIUSResponder.response(.accessAccept, to: request, secret: Self.secret, signed: false)]
        }
        defer { Task { await server.stop() } }
        let outcome = try await provider([server.server], retries: 3).verify(request())
        #expect(outcome == .unavailable(reason: "no RADIUS server answered"))
        let received = server.received
        #expect(received.count == 3)
        #expect(Set(received).count == 1, "retransmissions must repeat the Identifier and Request Authenticator")
    }

    @Test("waits through forged, stray and garbage datagrams for the genuine answer")
    func forgeries() async throws {
        let server = try await RADIUSFakeServer.start { request, _ in
            var forged = RADIUSResponder.response(.accessAccept, to: request, secret: Array("guess".utf8))
            forged[forged.count - 1] ^= 1
            return [
                [0xde, 0xad, 0xbe, 0xef],
                forged,
                RADIUSResponder.response(
                    .accessAccept, to: request, secret: Self.secret, identifier: request.identifier &+ 1),
                RADIUSResponder.response(.accessReject, to: request, secret: Self.secret),
                RADIUSResponder.response(.accessAccept, to: request, secret: Self.secret),
            ]
        }
        defer { Task { await server.stop() } }
        #expect(try await provider([server.server]).verify(request()) == .rejected(reason: "RADIUS server rejected"))
        #expect(server.received.count == 1)
    }

    @Test("falls over to the next server when one is silent")
    func failover() async throws {
        let silent = try await RADIUSFakeServer.start()
        let live = try await RADIUSFakeServer.start(respond: Self.answer(.accessAccept))
        defer {
            Task {
                await silent.stop(); await live.stop()
            }
        }
        let start = ContinuousClock.now
        #expect(
            try await provider([silent.server, live.server], timeout: .milliseconds(150)).verify(request()) == .accepted
        )
        #expect(ContinuousClock.now - start >= .milliseconds(290))
        #expect(silent.received.count == 2)
        #expect(live.received.count == 1)
    }

    @Test("sends the password before the code in password_and_code mode, and needs it")
    func passwordAndCode() async throws {
        let server = try await RADIUSFakeServer.start(respond: Self.answer(.accessAccept))
        defer { Task { await server.stop() } }
        let radius = try provider([server.server], send: .passwordAndCode)
        #expect(await radius.verify(request(), password: "pw-") == .accepted)
        #expect(server.requests.first.flatMap { RADIUSResponder.password(of: $0, secret: Self.secret) } == "pw-123456")
        guard case .rejected = await radius.verify(request()) else {
            Issue.record("password_and_code without a password was not rejected")
            return
        }
        #expect(server.received.count == 1)
    }

    @Test("takes the directory password from the request, as the gate passes it")
    func passwordFromRequest() async throws {
        let server = try await RADIUSFakeServer.start(respond: Self.answer(.accessAccept))
        defer { Task { await server.stop() } }
        var withPassword = request()
        withPassword.password = Array("directory-pw,".utf8)
        #expect(try await provider([server.server], send: .passwordAndCode).verify(withPassword) == .accepted)
        #expect(
            server.requests.first.flatMap { RADIUSResponder.password(of: $0, secret: Self.secret) }
                == "directory-pw,123456")
        // In code mode the password stays home.
        #expect(try await provider([server.server], send: .code).verify(withPassword) == .accepted)
        #expect(
            server.requests.last.flatMap { RADIUSResponder.password(of: $0, secret: Self.secret) } == "123456")
    }

    @Test("rejects a code that cannot fit in User-Password without sending it")
    func overlongCode() async throws {
        let server = try await RADIUSFakeServer.start(respond: Self.answer(.accessAccept))
        defer { Task { await server.stop() } }
        let outcome = try await provider([server.server]).verify(request(String(repeating: "9", count: 129)))
        #expect(outcome == .rejected(reason: "RADIUS User-Password would exceed 128 octets"))
        #expect(server.received.isEmpty)
    }

    @Test("runs many verifications at once on separate sockets")
    func concurrent() async throws {
        let server = try await RADIUSFakeServer.start { request, _ in
            let user = String(decoding: request.value(of: .userName) ?? [], as: UTF8.self)
            let code: RADIUSCode = user.hasSuffix("0") ? .accessReject : .accessAccept
            return [RADIUSResponder.response(code, to: request, secret: Self.secret)]
        }
        defer { Task { await server.stop() } }
        let radius = try provider([server.server], timeout: .seconds(2))
        let outcomes = await withTaskGroup(of: (Int, FactorOutcome).self) { group in
            for index in 0..<300 {
                group.addTask { (index, await radius.verify(request(user: "user\(index)"))) }
            }
            return await group.reduce(into: [Int: FactorOutcome]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes.count == 300)
        for (index, outcome) in outcomes {
            #expect(outcome == (index % 10 == 0 ? .rejected(reason: "RADIUS server rejected") : .accepted))
        }
    }

    @Test("stops waiting at once when the bind's task is cancelled")
    func cancellation() async throws {
        let silent = try await RADIUSFakeServer.start()
        defer { Task { await silent.stop() } }
        let radius = try provider([silent.server], timeout: .seconds(5), retries: 3)
        let task = Task { await radius.verify(request()) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        // The reason says the cancellation ended the wait (the silent server never answers).
        #expect(await task.value == .unavailable(reason: "RADIUS check cancelled"))
    }

    @Test("names itself radius and keeps secrets out of reasons")
    func naming() async throws {
        let radius = try provider(
            [RADIUSSettings.Server(host: "127.0.0.1", port: 9)], timeout: .milliseconds(50), retries: 1)
        #expect(radius.name == "radius")
        #expect(await radius.verify(request("424242")) == .unavailable(reason: "no RADIUS server answered"))
    }
}

extension Array where Element == UInt8 {
    fileprivate func contains(subsequence: [UInt8]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<($0 + subsequence.count)]) == subsequence }
    }
}
