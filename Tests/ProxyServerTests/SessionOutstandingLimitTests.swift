import LDAPCore
import NIOCore
import Testing

@testable import ProxyServer

/// Robustness finding 3 (docs/robustness.md): what one connection makes the proxy hold for the
/// directory is bounded, while the directory connection opens and after.
@Suite("Outstanding request limit")
struct SessionOutstandingLimitTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    func search(_ id: Int32) -> LDAPFrame {
        LDAPFrame(
            LDAPMessage(
                messageID: id,
                protocolOp: .searchRequest(
                    SearchRequest(baseObject: "dc=example,dc=test", filter: .present("objectClass")))))
    }

    func busy(_ actions: [SessionAction], id: Int32) -> Bool {
        guard case .send(let message)? = actions.first, actions.count == 1, message.messageID == id,
            case .searchResultDone(let result) = message.protocolOp
        else { return false }
        return result.resultCode == .busy
    }

    @Test("beyond the limit a request is answered busy and not queued, while the connection opens and after")
    func limit() {
        var session = SessionStateMachine(
            configuration: SessionConfiguration(maxOutstanding: 2), tlsActive: false, now: Self.start)
        #expect(session.frameReceived(search(1), now: Self.start) == [.openUpstream(bind: nil)])
        #expect(session.frameReceived(search(2), now: Self.start).isEmpty)
        #expect(busy(session.frameReceived(search(3), now: Self.start), id: 3))
        // Only the two admitted requests reach the directory.
        #expect(session.upstreamOpened() == [.relayToUpstream(search(1)), .relayToUpstream(search(2))])
        #expect(busy(session.frameReceived(search(4), now: Self.start), id: 4))
        // One finishes: there is room for one more.
        let done = LDAPFrame(
            LDAPMessage(messageID: 1, protocolOp: .searchResultDone(LDAPResult(resultCode: .success))))
        #expect(session.upstreamFrame(done, now: Self.start) == [.relayToClient(done)])
        #expect(session.frameReceived(search(5), now: Self.start) == [.relayToUpstream(search(5))])
        #expect(busy(session.frameReceived(search(6), now: Self.start), id: 6))
    }
}
