import LDAPCore
import NIOCore
import Testing

@testable import ProxyServer

/// RFC 4511 §4.14.1: a client sends nothing after a StartTLS request until the response, so a PDU
/// that arrives before the TLS handshake has completed was sent in the clear, by the client or by
/// someone on the path (the STARTTLS command injection class). It must never be processed as if TLS
/// protected it. Found by the session fuzzer (docs/robustness.md, session fuzzing, finding 2;
/// reproducer Fuzz/regressions/session/starttls-plaintext-pdu-processed-after-tls).
@Suite("StartTLS command injection")
struct SessionStartTLSInjectionTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)
    let startTLS = LDAPFrame(LDAPMessage(messageID: 2, protocolOp: .extendedRequest(.startTLS)))
    let whoAmI = LDAPFrame(
        LDAPMessage(
            messageID: 3, protocolOp: .extendedRequest(ExtendedRequest(requestName: "1.3.6.1.4.1.4203.1.11.3"))))

    func machine() -> SessionStateMachine {
        SessionStateMachine(
            configuration: SessionConfiguration(startTLSAvailable: true), tlsActive: false, now: Self.start)
    }

    @Test("a PDU in the same read as StartTLS closes the connection and is not relayed")
    func sameRead() {
        var session = machine()
        guard case .startTLS? = session.frameReceived(startTLS, now: Self.start).first else {
            Issue.record("StartTLS did not start")
            return
        }
        #expect(session.frameReceived(whoAmI, now: Self.start) == [.disconnect(notice: nil)])
        #expect(session.closed)
    }

    @Test("after the handshake has completed, PDUs are processed")
    func afterHandshake() {
        var session = machine()
        _ = session.frameReceived(startTLS, now: Self.start)
        session.tlsHandshakeCompleted()
        #expect(session.frameReceived(whoAmI, now: Self.start) == [.openUpstream(bind: nil)])
    }

    @Test("a StartTLS held behind a bind with PDUs after it closes the connection instead of starting TLS")
    func heldBehindBind() {
        var session = machine()
        let bind = LDAPFrame(
            LDAPMessage(
                messageID: 1,
                protocolOp: .bindRequest(
                    BindRequest(name: "uid=alice,dc=example,dc=test", authentication: .simple(SensitiveBytes("pw"))))))
        guard case .startGate(let id, let request, _)? = session.frameReceived(bind, now: Self.start).first else {
            Issue.record("the bind did not start the gate")
            return
        }
        #expect(session.frameReceived(startTLS, now: Self.start).isEmpty)
        #expect(session.frameReceived(whoAmI, now: Self.start).isEmpty)
        let response = LDAPMessage(
            messageID: id, protocolOp: .bindResponse(BindResponse(result: LDAPResult(resultCode: .success))))
        let actions = session.gateCompleted(
            messageID: id, decision: .allow(response: response, identity: request), now: Self.start)
        #expect(!actions.contains { if case .startTLS = $0 { true } else { false } }, "\(actions)")
        #expect(!actions.contains { if case .openUpstream = $0 { true } else { false } }, "\(actions)")
        #expect(actions.last == .disconnect(notice: nil))
    }
}
