import LDAPCore
import NIOCore
import Testing

@testable import ProxyServer

/// The session state machine, driven with a fake clock and no sockets.
@Suite("Session state machine")
struct SessionStateMachineTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    let alice = "uid=alice,ou=people,dc=example,dc=test"

    func machine(
        _ configuration: SessionConfiguration = SessionConfiguration(startTLSAvailable: true), tls: Bool = false
    )
        -> SessionStateMachine
    {
        SessionStateMachine(configuration: configuration, tlsActive: tls, now: Self.start)
    }

    func frame(_ id: Int32, _ op: ProtocolOp, controls: [LDAPControl]? = nil) -> LDAPFrame {
        LDAPFrame(LDAPMessage(messageID: id, protocolOp: op, controls: controls))
    }

    func bind(_ id: Int32, _ name: String, _ password: String) -> LDAPFrame {
        frame(id, .bindRequest(BindRequest(name: name, authentication: .simple(SensitiveBytes(password)))))
    }

    func search(_ id: Int32) -> LDAPFrame {
        frame(id, .searchRequest(SearchRequest(baseObject: "dc=example,dc=test", filter: .present("objectClass"))))
    }

    func bindResult(_ actions: [SessionAction]) -> ResultCode? {
        for case .send(let message) in actions {
            if case .bindResponse(let response) = message.protocolOp { return response.result.resultCode }
        }
        return nil
    }

    func allow(_ id: Int32) -> GateDecision {
        .allow(
            response: LDAPMessage(
                messageID: 99, protocolOp: .bindResponse(BindResponse(result: LDAPResult(resultCode: .success)))),
            identity: BindRequest(name: alice, authentication: .simple(SensitiveBytes("alice-password"))))
    }

    @Test("a simple bind starts the gate with the request and its controls")
    func bindStartsGate() {
        var session = machine()
        let controls = [LDAPControl(oid: "1.3.6.1.4.1.42.2.27.8.5.1")]
        let request = frame(
            1, .bindRequest(BindRequest(name: alice, authentication: .simple(SensitiveBytes("pw,123456")))),
            controls: controls)
        let actions = session.frameReceived(request, now: Self.start)
        guard case .startGate(let id, let bind, let sentControls)? = actions.first else {
            Issue.record("expected startGate, got \(actions)")
            return
        }
        #expect(id == 1)
        #expect(bind.name == alice)
        #expect(sentControls == controls)
    }

    @Test("an unauthenticated bind (name, empty password) is invalidCredentials and never reaches the gate")
    func unauthenticatedBind() {
        var session = machine()
        let actions = session.frameReceived(bind(1, alice, ""), now: Self.start)
        #expect(bindResult(actions) == .invalidCredentials)
        #expect(
            actions.contains(.auditRefusedBind(name: alice, rule: "unauthenticated-bind", result: .invalidCredentials)))
        #expect(!actions.contains { if case .startGate = $0 { true } else { false } })
        #expect(!session.isAuthenticated)
    }

    @Test("anonymous binds are relayed or refused per configuration")
    func anonymousBinds() {
        var relaying = machine()
        let relayed = relaying.frameReceived(bind(1, "", ""), now: Self.start)
        #expect(relayed.contains { if case .startGate = $0 { true } else { false } })
        var refusing = machine(SessionConfiguration(relayAnonymousBinds: false))
        #expect(bindResult(refusing.frameReceived(bind(1, "", ""), now: Self.start)) == .inappropriateAuthentication)
    }

    @Test("SASL binds are answered authMethodNotSupported (7)")
    func saslRefused() {
        var session = machine()
        let sasl = frame(
            1, .bindRequest(BindRequest(name: "", authentication: .sasl(mechanism: "EXTERNAL", credentials: nil))))
        #expect(bindResult(session.frameReceived(sasl, now: Self.start)) == .authMethodNotSupported)
    }

    @Test("an LDAPv2 bind is a protocolError")
    func version2() {
        var session = machine()
        let v2 = frame(
            1, .bindRequest(BindRequest(version: 2, name: alice, authentication: .simple(SensitiveBytes("x")))))
        #expect(bindResult(session.frameReceived(v2, now: Self.start)) == .protocolError)
    }

    @Test("the gate's answer is relayed with the client's message ID")
    func gateAnswerRelayed() {
        var session = machine()
        _ = session.frameReceived(bind(7, alice, "pw,1"), now: Self.start)
        let actions = session.gateCompleted(messageID: 7, decision: allow(7), now: Self.start)
        guard case .send(let message)? = actions.first else {
            Issue.record("expected send")
            return
        }
        #expect(message.messageID == 7)
        #expect(session.isAuthenticated)
    }

    @Test("operations sent during a bind are held, then run in order under the new identity")
    func heldDuringBind() {
        var session = machine()
        _ = session.frameReceived(bind(1, alice, "pw,1"), now: Self.start)
        #expect(session.frameReceived(search(2), now: Self.start).isEmpty)
        #expect(session.frameReceived(search(3), now: Self.start).isEmpty)
        let actions = session.gateCompleted(messageID: 1, decision: allow(1), now: Self.start)
        #expect(actions.count == 2)  // the bind response, then opening the upstream bound as alice
        guard case .openUpstream(let identity) = actions[1] else {
            Issue.record("expected openUpstream, got \(actions)")
            return
        }
        #expect(identity?.name == alice)
        let opened = session.upstreamOpened()
        #expect(opened == [.relayToUpstream(search(2)), .relayToUpstream(search(3))])
    }

    @Test("too many operations during a bind disconnect with protocolError")
    func tooManyHeld() {
        var session = machine(SessionConfiguration(maxHeldWhileBinding: 2))
        _ = session.frameReceived(bind(1, alice, "pw,1"), now: Self.start)
        _ = session.frameReceived(search(2), now: Self.start)
        _ = session.frameReceived(search(3), now: Self.start)
        let actions = session.frameReceived(search(4), now: Self.start)
        guard case .disconnect(let notice)? = actions.last, case .extendedResponse(let response)? = notice?.protocolOp
        else {
            Issue.record("expected a disconnect with a notice, got \(actions)")
            return
        }
        #expect(response.result.resultCode == .protocolError)
    }

    @Test("a denied bind leaves the session anonymous, and a later bind closes the old upstream")
    func deniedBind() {
        var session = machine()
        _ = session.frameReceived(bind(1, alice, "pw,1"), now: Self.start)
        _ = session.gateCompleted(messageID: 1, decision: allow(1), now: Self.start)
        _ = session.frameReceived(search(2), now: Self.start)
        _ = session.upstreamOpened()
        let rebind = session.frameReceived(bind(3, alice, "pw,2"), now: Self.start)
        #expect(rebind.first == .closeUpstream)
        let denied = session.gateCompleted(
            messageID: 3, decision: .deny(LDAPResult(resultCode: .invalidCredentials)), now: Self.start)
        #expect(bindResult(denied) == .invalidCredentials)
        #expect(!session.isAuthenticated)
        // The next operation opens an anonymous connection, not one bound as alice.
        #expect(session.frameReceived(search(4), now: Self.start) == [.openUpstream(bind: nil)])
    }

    @Test("responses are relayed untouched and abandoned operations' responses are dropped")
    func relayAndAbandon() {
        var session = machine()
        _ = session.frameReceived(search(2), now: Self.start)
        _ = session.upstreamOpened()
        _ = session.frameReceived(search(3), now: Self.start)
        let entry = frame(2, .searchResultEntry(SearchResultEntry(objectName: "dc=example,dc=test", attributes: [])))
        #expect(session.upstreamFrame(entry, now: Self.start) == [.relayToClient(entry)])
        let abandon = frame(4, .abandonRequest(3))
        #expect(session.frameReceived(abandon, now: Self.start) == [.relayToUpstream(abandon)])
        let lateDone = frame(3, .searchResultDone(LDAPResult(resultCode: .success)))
        #expect(session.upstreamFrame(lateDone, now: Self.start).isEmpty)
        let done = frame(2, .searchResultDone(LDAPResult(resultCode: .success)))
        #expect(session.upstreamFrame(done, now: Self.start) == [.relayToClient(done)])
    }

    @Test("StartTLS is refused while operations are outstanding, when TLS is on, and when not configured")
    func startTLSRules() {
        let startTLS = frame(5, .extendedRequest(.startTLS))
        func code(_ actions: [SessionAction]) -> ResultCode? {
            for case .send(let message) in actions {
                if case .extendedResponse(let response) = message.protocolOp { return response.result.resultCode }
            }
            return nil
        }
        var busy = machine()
        _ = busy.frameReceived(search(2), now: Self.start)
        #expect(code(busy.frameReceived(startTLS, now: Self.start)) == .operationsError)
        var secured = machine(tls: true)
        #expect(code(secured.frameReceived(startTLS, now: Self.start)) == .operationsError)
        var unconfigured = machine(SessionConfiguration(startTLSAvailable: false))
        #expect(code(unconfigured.frameReceived(startTLS, now: Self.start)) == .protocolError)
        var ready = machine()
        let actions = ready.frameReceived(startTLS, now: Self.start)
        guard case .startTLS(let response)? = actions.first else {
            Issue.record("expected startTLS, got \(actions)")
            return
        }
        #expect(response.messageID == 5)
        ready.tlsHandshakeCompleted()
        #expect(code(ready.frameReceived(startTLS, now: Self.start)) == .operationsError)
    }

    @Test("a lost upstream answers outstanding operations with unavailable (52)")
    func upstreamLost() {
        var session = machine()
        _ = session.frameReceived(search(2), now: Self.start)
        _ = session.upstreamOpened()
        let actions = session.upstreamClosed()
        guard case .send(let message)? = actions.first, case .searchResultDone(let result) = message.protocolOp else {
            Issue.record("expected a SearchResultDone, got \(actions)")
            return
        }
        #expect(message.messageID == 2)
        #expect(result.resultCode == .unavailable)
    }

    @Test("a failed upstream open answers the waiting operations with its result")
    func upstreamOpenFailed() {
        var session = machine()
        _ = session.frameReceived(search(2), now: Self.start)
        let actions = session.upstreamOpenFailed(LDAPResult(resultCode: .unavailable, diagnosticMessage: "down"))
        #expect(actions.count == 1)
        #expect(session.frameReceived(search(3), now: Self.start) == [.openUpstream(bind: nil)])
    }

    @Test("an idle connection closes after the timeout, but not while a bind is pending")
    func idleTimeout() {
        var session = machine(SessionConfiguration(idleTimeout: .seconds(60)))
        #expect(session.tick(now: Self.start + .seconds(59)).isEmpty)
        _ = session.frameReceived(bind(1, alice, "pw,1"), now: Self.start + .seconds(59))
        #expect(session.tick(now: Self.start + .seconds(500)).isEmpty)
        _ = session.gateCompleted(messageID: 1, decision: allow(1), now: Self.start + .seconds(500))
        #expect(session.tick(now: Self.start + .seconds(559)).isEmpty)
        let actions = session.tick(now: Self.start + .seconds(560))
        guard case .disconnect = actions.last else {
            Issue.record("expected disconnect, got \(actions)")
            return
        }
    }

    @Test("a response PDU from a client and a malformed bind end the connection with protocolError")
    func protocolErrors() {
        var session = machine()
        let actions = session.frameReceived(
            frame(1, .bindResponse(BindResponse(result: LDAPResult(resultCode: .success)))), now: Self.start)
        guard case .disconnect(let notice)? = actions.last else {
            Issue.record("expected disconnect")
            return
        }
        #expect(notice?.messageID == 0)
        var malformed = machine()
        let broken = LDAPFrame(
            messageID: 1, operationTag: OperationTag.bindRequest,
            bytes: ByteBuffer(bytes: [0x30, 0x03, 0x02, 0x01, 0x01]))
        guard case .disconnect = malformed.frameReceived(broken, now: Self.start).last else {
            Issue.record("expected disconnect")
            return
        }
    }

    @Test("unbind closes the upstream and the connection; later frames are ignored")
    func unbind() {
        var session = machine()
        _ = session.frameReceived(search(2), now: Self.start)
        _ = session.upstreamOpened()
        #expect(
            session.frameReceived(frame(3, .unbindRequest), now: Self.start) == [
                .closeUpstream, .disconnect(notice: nil),
            ])
        #expect(session.frameReceived(search(4), now: Self.start).isEmpty)
    }
}
