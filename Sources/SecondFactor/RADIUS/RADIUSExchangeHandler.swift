import Logging
import NIOCore

/// Carries out a ``RADIUSExchange`` on a UDP channel: writes the request, runs the per-try timer on
/// the event loop, feeds it datagrams, and completes `promise` with the answer or nil. Closes the
/// channel when done. Everything runs on the channel's event loop; nothing blocks it.
final class RADIUSExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private var exchange: RADIUSExchange
    private let request: [UInt8]
    private let server: SocketAddress
    private let timeout: TimeAmount
    private let promise: EventLoopPromise<RADIUSPacket?>
    private let logger: Logger
    private var timer: Scheduled<Void>?

    init(
        exchange: RADIUSExchange, request: [UInt8], server: SocketAddress, timeout: TimeAmount,
        promise: EventLoopPromise<RADIUSPacket?>, logger: Logger
    ) {
        self.exchange = exchange
        self.request = request
        self.server = server
        self.timeout = timeout
        self.promise = promise
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        run(exchange.start(), context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let datagram = Array(envelope.data.readableBytesView)
        run(exchange.received(datagram, fromServer: envelope.remoteAddress == server), context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        run(exchange.closed(), context: context)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        promise.succeed(nil)  // no-op when already completed
    }

    /// ICMP errors and failed writes are not answers: keep waiting for the timer.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("RADIUS socket error, waiting on", metadata: ["error": "\(error)"])
    }

    private func run(_ action: RADIUSExchange.Action, context: ChannelHandlerContext) {
        switch action {
        case .transmit:
            var buffer = context.channel.allocator.buffer(capacity: request.count)
            buffer.writeBytes(request)
            let envelope = AddressedEnvelope(remoteAddress: server, data: buffer)
            context.writeAndFlush(wrapOutboundOut(envelope), promise: nil)
            timer?.cancel()
            timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
                if exchange.transmissions < exchange.tries {
                    logger.debug("RADIUS request timed out, retransmitting")
                }
                run(exchange.timerFired(), context: context)
            }
        case .deliver(let packet):
            finish(packet, context: context)
        case .giveUp:
            finish(nil, context: context)
        case .ignore(let reason):
            logger.debug("RADIUS datagram ignored", metadata: ["reason": "\(reason)"])
        case .none:
            break
        }
    }

    private func finish(_ packet: RADIUSPacket?, context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        promise.succeed(packet)
        context.close(promise: nil)
    }
}
