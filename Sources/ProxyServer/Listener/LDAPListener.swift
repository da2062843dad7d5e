import LDAPCore
import LDAPNIO
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// Accepts client connections on the plain (StartTLS-capable) port and the LDAPS port.
public final class LDAPListener: Sendable {
    public struct Settings: Sendable {
        public var plain: SocketAddress?
        public var ldaps: SocketAddress?
        public var maxConnections: Int
        public var frameLimits: LDAPFrameLimits

        public init(
            plain: SocketAddress?, ldaps: SocketAddress?, maxConnections: Int = 10_000,
            frameLimits: LDAPFrameLimits = LDAPFrameLimits()
        ) {
            self.plain = plain
            self.ldaps = ldaps
            self.maxConnections = maxConnections
            self.frameLimits = frameLimits
        }
    }

    public let settings: Settings
    private let services: NIOLockedValueBox<ProxyServices>
    /// Gates running now, on every connection.
    public let inFlightBinds = InFlightBinds()
    let group: EventLoopGroup
    private let channels = NIOLockedValueBox<[Channel]>([])
    private let openConnections = NIOLockedValueBox(0)

    public init(
        settings: Settings, services: ProxyServices, group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.settings = settings
        self.services = NIOLockedValueBox(services)
        self.group = group
    }

    /// Replaces what new connections use (after a configuration reload); connections already
    /// open keep the services they started with until they close.
    public func replaceServices(_ next: ProxyServices) {
        services.withLockedValue { $0 = next }
    }

    /// What new connections use now.
    public var currentServices: ProxyServices { services.withLockedValue { $0 } }

    /// The number of client connections open now.
    public var connectionCount: Int { openConnections.withLockedValue { $0 } }

    /// Binds the listening sockets; returns the addresses actually bound (port 0 picks one).
    @discardableResult
    public func start() async throws -> (plain: SocketAddress?, ldaps: SocketAddress?) {
        var plainAddress: SocketAddress?
        var ldapsAddress: SocketAddress?
        if let address = settings.plain {
            let channel = try await bootstrap(tls: false).bind(to: address).get()
            channels.withLockedValue { $0.append(channel) }
            plainAddress = channel.localAddress
        }
        if let address = settings.ldaps {
            guard currentServices.tlsContext != nil else {
                throw ListenerError("listen.ldaps is set but no TLS certificate is configured")
            }
            let channel = try await bootstrap(tls: true).bind(to: address).get()
            channels.withLockedValue { $0.append(channel) }
            ldapsAddress = channel.localAddress
        }
        return (plainAddress, ldapsAddress)
    }

    /// Stops accepting; open connections are left to finish.
    public func stopAccepting() async {
        let listening = channels.withLockedValue { list in
            defer { list = [] }
            return list
        }
        for channel in listening { try? await channel.close() }
    }

    private func bootstrap(tls: Bool) -> ServerBootstrap {
        let box = self.services
        let inFlight = inFlightBinds
        let limits = settings.frameLimits
        let maxConnections = settings.maxConnections
        let counter = openConnections
        return ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(ChannelOptions.writeBufferWaterMark, value: .init(low: 32 * 1024, high: 256 * 1024))
            .childChannelInitializer { channel in
                let count = counter.withLockedValue { count -> Int in
                    count += 1
                    return count
                }
                ProxyMetrics.openConnections.record(count)
                channel.closeFuture.whenComplete { _ in
                    ProxyMetrics.openConnections.record(
                        counter.withLockedValue { count -> Int in
                            count -= 1
                            return count
                        })
                }
                let services = box.withLockedValue { $0 }
                return channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if count > maxConnections {
                        try pipeline.addHandler(MessageToByteHandler(LDAPFrameEncoder()))
                        try pipeline.addHandler(OverLimitHandler())
                        return
                    }
                    if tls, let context = services.tlsContext {
                        try pipeline.addHandler(NIOSSLServerHandler(context: context))
                    }
                    try pipeline.addHandler(ByteToMessageHandler(LDAPFrameDecoder(limits: limits)))
                    try pipeline.addHandler(MessageToByteHandler(LDAPFrameEncoder()))
                    try pipeline.addHandler(
                        ClientSessionHandler(
                            services: services, tlsActive: tls, clientAddress: channel.remoteAddress?.ipAddress,
                            inFlight: inFlight))
                }
            }
    }
}

public struct ListenerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Answers a connection over `listen.max_connections` with a Notice of Disconnection
/// (busy, RFC 4511 §4.4.1) once it is active, then closes it.
final class OverLimitHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = LDAPFrame

    func channelActive(context: ChannelHandlerContext) {
        let notice = LDAPFrame(.noticeOfDisconnection(.busy, "too many connections; try again later"))
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(notice)).whenComplete { _ in channel.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
