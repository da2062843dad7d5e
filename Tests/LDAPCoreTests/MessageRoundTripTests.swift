import NIOCore
import Testing

@testable import LDAPCore

@Suite("LDAPMessage round trips")
struct MessageRoundTripTests {
    @Test("every operation and control survives encode then decode", arguments: SampleMessages.all.map { $0.1 })
    func roundTrip(message: LDAPMessage) throws {
        let bytes = message.encoded()
        let decoded = try LDAPMessage(decoding: bytes)
        #expect(decoded == message)
        #expect(decoded.encoded() == bytes)
    }

    @Test(
        "the frame parser agrees with the full decoder on messageID and tag", arguments: SampleMessages.all.map { $0.1 }
    )
    func frameAgrees(message: LDAPMessage) throws {
        var bytes = message.encoded()
        let frame = try #require(try LDAPFrameParser().nextFrame(from: &bytes))
        #expect(frame.messageID == message.messageID)
        #expect(frame.operationTag == message.protocolOp.tag)
        #expect(try frame.decode() == message)
        #expect(bytes.readableBytes == 0)
    }

    @Test("encodes a simple bind exactly as RFC 4511 lays it out")
    func simpleBindBytes() {
        let message = LDAPMessage(
            messageID: 1,
            protocolOp: .bindRequest(BindRequest(name: "cn=a", authentication: .simple(SensitiveBytes("pw")))))
        // 30 12 | 02 01 01 | 60 0d | 02 01 03 | 04 04 "cn=a" | 80 02 "pw"
        #expect(message.encoded() == hexBuffer("3012 020101 600d 020103 0404 636e3d61 8002 7077"))
    }

    @Test("encodes an unbind as an APPLICATION 2 NULL")
    func unbindBytes() {
        #expect(hexString(LDAPMessage(messageID: 3, protocolOp: .unbindRequest).encoded()) == "30050201034200")
    }

    @Test("keeps an unknown control's value and an explicit FALSE criticality byte for byte")
    func unknownControlBytes() throws {
        // An unbind carrying Control { "1.2.3", criticality FALSE spelled out, value 00 ff 01 } and
        // Control { "1.2.4" } with neither criticality nor value.
        var writer = BERWriter()
        writer.writeConstructed(.sequence) { w in
            w.writeInteger(5)
            w.writeNull(tag: .application(2))
            w.writeConstructed(.contextConstructed(0)) { c in
                c.writeEncoded(hexBuffer("300f 0405 312e322e33 010100 0403 00ff01"))
                c.writeEncoded(hexBuffer("3007 0405 312e322e34"))
            }
        }
        let original = writer.buffer
        let decoded = try LDAPMessage(decoding: original)
        #expect(decoded.controls?.count == 2)
        #expect(decoded.controls?[0].criticality == false)
        #expect(decoded.controls?[0].value == hexBuffer("00ff01"))
        #expect(decoded.controls?[1].value == nil)
        #expect(decoded.encoded() == original)
    }
}
