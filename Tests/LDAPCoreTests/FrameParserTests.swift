import NIOCore
import Testing

@testable import LDAPCore

@Suite("Frame parser")
struct FrameParserTests {
    let bind = LDAPMessage(
        messageID: 9, protocolOp: .bindRequest(BindRequest(name: "cn=a", authentication: .simple(SensitiveBytes("pw"))))
    )

    @Test("waits for partial input byte by byte and then yields the whole frame")
    func partialInput() throws {
        let bytes = Array(bind.encoded().readableBytesView)
        var stream = ByteBuffer()
        let parser = LDAPFrameParser()
        for (index, byte) in bytes.enumerated() {
            stream.writeInteger(byte)
            let frame = try parser.nextFrame(from: &stream)
            if index < bytes.count - 1 {
                #expect(frame == nil)
                #expect(stream.readableBytes == index + 1)  // nothing consumed while waiting
            } else {
                #expect(frame?.messageID == 9)
                #expect(frame?.operationTag == OperationTag.bindRequest)
                #expect(frame?.bytes == bind.encoded())
            }
        }
    }

    @Test("splits several messages that arrive together")
    func severalMessages() throws {
        var stream = ByteBuffer()
        for message in SampleMessages.all.map(\.1) {
            var bytes = message.encoded()
            stream.writeBuffer(&bytes)
        }
        var ids: [Int32] = []
        while let frame = try LDAPFrameParser().nextFrame(from: &stream) { ids.append(frame.messageID) }
        #expect(ids == SampleMessages.all.map(\.1.messageID))
    }

    @Test("refuses an oversized message from its length alone, before the bytes arrive")
    func oversized() {
        var stream = hexBuffer("3084 00100001 020101")  // claims 1 MiB + 1 of content
        let error = #expect(throws: LDAPDecodingError.self) { try LDAPFrameParser().nextFrame(from: &stream) }
        #expect(error?.kind == .messageTooLarge)
        var small = bind.encoded()
        let limited = LDAPFrameParser(limits: LDAPFrameLimits(maxMessageSize: 10))
        #expect(throws: LDAPDecodingError.self) { try limited.nextFrame(from: &small) }
    }

    @Test("refuses a stream that does not start with a SEQUENCE")
    func notASequence() {
        var stream = hexBuffer("160301")  // a TLS ClientHello sent to the plain port
        let error = #expect(throws: LDAPDecodingError.self) { try LDAPFrameParser().nextFrame(from: &stream) }
        #expect(error?.kind == .unexpectedTag)
    }

    @Test("checks the inner structure: an element overrunning its parent is refused")
    func innerOverrun() {
        var stream = hexBuffer("3007 020101 6302 0405 00")
        #expect(throws: LDAPDecodingError.self) { try LDAPFrameParser().nextFrame(from: &stream) }
    }
}
