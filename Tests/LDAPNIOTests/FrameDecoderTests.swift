import LDAPCore
import NIOCore
import NIOEmbedded
import Testing

@testable import LDAPNIO

@Suite("Frame decoder in a pipeline")
struct FrameDecoderTests {
    func channel(limits: LDAPFrameLimits = LDAPFrameLimits()) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LDAPFrameDecoder(limits: limits)))
        return channel
    }

    let bind = LDAPMessage(
        messageID: 3, protocolOp: .bindRequest(BindRequest(name: "cn=a", authentication: .simple(SensitiveBytes("pw"))))
    )

    @Test("frames split across reads come out whole, in order")
    func splitReads() throws {
        let channel = try channel()
        var bytes = bind.encoded()
        var second = LDAPMessage(messageID: 4, protocolOp: .unbindRequest).encoded()
        bytes.writeBuffer(&second)
        while bytes.readableBytes > 0 {
            let chunk = bytes.readSlice(length: min(3, bytes.readableBytes))!
            try channel.writeInbound(chunk)
        }
        let first = try #require(try channel.readInbound(as: LDAPFrame.self))
        #expect(first.messageID == 3)
        #expect(try first.decode() == bind)
        let next = try #require(try channel.readInbound(as: LDAPFrame.self))
        #expect(next.operationTag == OperationTag.unbindRequest)
        #expect(try channel.readInbound(as: LDAPFrame.self) == nil)
        _ = try channel.finish()
    }

    @Test("an oversized message is an error as soon as its length is known")
    func oversized() throws {
        let channel = try channel(limits: LDAPFrameLimits(maxMessageSize: 64))
        let error = #expect(throws: LDAPDecodingError.self) {
            try channel.writeInbound(ByteBuffer(bytes: [0x30, 0x82, 0x10, 0x00, 0x02]))
        }
        #expect(error?.kind == .messageTooLarge)
    }

    @Test("garbage is an error, not a hang")
    func garbage() throws {
        let channel = try channel()
        #expect(throws: LDAPDecodingError.self) {
            try channel.writeInbound(ByteBuffer(bytes: [0x16, 0x03, 0x01, 0x00, 0x05, 0x01]))
        }
    }

    @Test("the encoder writes a frame's bytes unchanged")
    func encoder() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(LDAPFrameEncoder()))
        let frame = LDAPFrame(bind)
        try channel.writeOutbound(frame)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == frame.bytes)
    }
}
