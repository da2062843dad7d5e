import Logging
import NIOCore
import NIOPosix

/// Sends one sealed Access-Request to one server over UDP and waits for the answer, with SwiftNIO.
///
/// **One socket per request.** Each exchange binds its own UDP socket on an ephemeral port and closes it
/// when the exchange ends. The 8-bit Identifier (RFC 2865 §3) then never limits how many requests are in
/// flight (a shared socket allows 256 per server), a response can only ever be matched against the one
/// request its socket was opened for, and the random source port adds entropy against off-path forgery.
/// Retransmissions go out on the same socket, so the server sees the same source port, Identifier and
/// Request Authenticator and can recognise the duplicate (§2.5). The cost is one file descriptor per
/// request in flight and a bind per request, small beside a network round trip at bind-gate rates.
struct RADIUSTransport: Sendable {
    let group: any EventLoopGroup
    let logger: Logger

    /// The genuine answer, or nil when every try timed out (or the socket could not be opened).
    /// Cancelling the task closes the socket and answers nil at once.
    func exchange(
        _ request: RADIUSSealedRequest, to server: SocketAddress, secret: [UInt8], timeout: TimeAmount, tries: Int
    ) async -> RADIUSPacket? {
        let eventLoop = group.next()
        let promise = eventLoop.makePromise(of: RADIUSPacket?.self)
        let exchange = RADIUSExchange(check: RADIUSResponseCheck(for: request, secret: secret), tries: tries)
        let logger = self.logger
        let bytes = request.bytes
        let channelFuture = DatagramBootstrap(group: eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = RADIUSExchangeHandler(
                        exchange: exchange, request: bytes, server: server, timeout: timeout, promise: promise,
                        logger: logger)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .bind(host: server.protocol == .inet6 ? "::" : "0.0.0.0", port: 0)
        channelFuture.whenFailure { error in
            logger.debug("cannot open a UDP socket for RADIUS", metadata: ["error": "\(error)"])
            promise.succeed(nil)
        }
        return await withTaskCancellationHandler {
            try? await promise.futureResult.get()
        } onCancel: {
            channelFuture.whenSuccess { $0.close(promise: nil) }
        }
    }

    /// The server's socket address: parsed at once for an IP literal, otherwise resolved with
    /// getaddrinfo on NIO's thread pool (never on an event loop or the cooperative pool).
    func resolve(_ server: RADIUSSettings.Server) async -> SocketAddress? {
        if let address = try? SocketAddress(ipAddress: server.host, port: server.port) {
            return address
        }
        do {
            return try await NIOThreadPool.singleton.runIfActive {
                try SocketAddress.makeAddressResolvingHost(server.host, port: server.port)
            }
        } catch {
            logger.debug("cannot resolve RADIUS server", metadata: ["server": "\(server)", "error": "\(error)"])
            return nil
        }
    }
}
