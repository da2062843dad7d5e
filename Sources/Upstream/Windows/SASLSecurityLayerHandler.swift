import NIOCore

/// The SASL security layer after a GSS-SPNEGO bind on plain LDAP (RFC 4513 §5.2.1.4; for
/// GSS-SPNEGO Active Directory derives the layer from the context's flags instead of RFC 4752's
/// negotiation): every PDU in either direction travels as a 4-octet big-endian length followed
/// by a `gss_wrap` token, signed, and sealed when the context has confidentiality.
///
/// Sits first in the pipeline (closest to the socket). `gss_wrap` and `gss_unwrap` only compute
/// (no I/O, nothing that waits), so, like NIOSSL's record encryption, they run on the event loop.
final class SASLSecurityLayerHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let context: GSSContext
    private let confidential: Bool
    private let maximumTokenSize: Int
    private var received: ByteBuffer?

    /// `maximumTokenSize` bounds one wrapped PDU from the server (a larger length closes the
    /// connection, as the frame decoder's own limit would).
    init(context: GSSContext, confidential: Bool, maximumTokenSize: Int) {
        self.context = context
        self.confidential = confidential
        self.maximumTokenSize = maximumTokenSize
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if received == nil {
            received = incoming
        } else {
            received!.writeBuffer(&incoming)
        }
        while var buffer = received, let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) {
            guard Int(length) <= maximumTokenSize else {
                fail(context, "the directory sent a \(length)-byte SASL buffer (limit \(maximumTokenSize))")
                return
            }
            guard buffer.readableBytes >= 4 + Int(length) else { break }
            buffer.moveReaderIndex(forwardBy: 4)
            let token = buffer.readSlice(length: Int(length))!
            received = buffer.readableBytes > 0 ? buffer : nil
            do {
                let plain = try self.context.unwrap(token, allocator: context.channel.allocator)
                context.fireChannelRead(wrapInboundOut(plain))
            } catch {
                fail(context, "cannot unwrap a SASL buffer from the directory: \(error)")
                return
            }
        }
        if let buffer = received, buffer.readerIndex > 65_536 {
            var compacted = buffer
            compacted.discardReadBytes()
            received = compacted
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let plain = unwrapOutboundIn(data)
        do {
            let token = try self.context.wrap(plain, confidential: confidential, allocator: context.channel.allocator)
            var framed = context.channel.allocator.buffer(capacity: 4 + token.readableBytes)
            framed.writeInteger(UInt32(token.readableBytes))
            framed.writeImmutableBuffer(token)
            context.write(wrapOutboundOut(framed), promise: promise)
        } catch {
            promise?.fail(UpstreamError(.protocolViolation, "cannot wrap a PDU for the SASL security layer: \(error)"))
            context.close(promise: nil)
        }
    }

    private func fail(_ context: ChannelHandlerContext, _ message: String) {
        received = nil
        context.fireErrorCaught(UpstreamError(.protocolViolation, message))
        context.close(promise: nil)
    }
}
