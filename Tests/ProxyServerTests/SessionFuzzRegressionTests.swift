import LDAPCore
import NIOCore
import Testing

@testable import ProxyServer

/// Findings of the session state machine fuzzer (Fuzz/Sources/FuzzSession, issue 8); each
/// reproducer is kept in Fuzz/regressions/session/.
@Suite("Session fuzz regressions")
struct SessionFuzzRegressionTests {
    static let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    static func decodingError() -> LDAPDecodingError {
        do throws(LDAPDecodingError) {
            _ = try LDAPMessage(decoding: ByteBuffer(bytes: [0x30, 0x80]))
        } catch {
            return error
        }
        Issue.record("an indefinite length decoded")
        fatalError("unreachable")
    }

    /// `decoding-failed-after-close-second-notice`: after the connection has ended (here with a
    /// Notice of Disconnection for a response PDU), a decoding failure of the bytes that followed in
    /// the same read must not send a second notice (RFC 4511 §4.4.1: the notice is the last PDU).
    @Test("a decoding failure after the end does nothing")
    func decodingFailureAfterClose() {
        var session = SessionStateMachine(configuration: SessionConfiguration(), tlsActive: false, now: Self.start)
        let response = LDAPFrame(
            LDAPMessage(messageID: 1, protocolOp: .bindResponse(BindResponse(result: LDAPResult(resultCode: .success))))
        )
        let first = session.frameReceived(response, now: Self.start)
        guard case .disconnect(let notice?)? = first.last else {
            Issue.record("a response PDU from the client did not end the connection: \(first)")
            return
        }
        #expect(notice.messageID == 0)
        #expect(session.decodingFailed(Self.decodingError()).isEmpty)
    }

    /// The same after an Unbind, which closes without a notice.
    @Test("a decoding failure after an Unbind does nothing")
    func decodingFailureAfterUnbind() {
        var session = SessionStateMachine(configuration: SessionConfiguration(), tlsActive: false, now: Self.start)
        let unbind = session.frameReceived(
            LDAPFrame(LDAPMessage(messageID: 1, protocolOp: .unbindRequest)), now: Self.start)
        #expect(unbind == [.disconnect(notice: nil)])
        #expect(session.decodingFailed(Self.decodingError()).isEmpty)
    }
}
