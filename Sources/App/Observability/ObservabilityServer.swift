import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus

/// The operations endpoint on its own port: `GET /metrics` (Prometheus text format 0.0.4),
/// `GET /healthz` (the process is up) and `GET /readyz` (at least one directory server is healthy
/// and the user store takes writes; 503 with the reason otherwise).
public final class ObservabilityServer: Sendable {
    let address: SocketAddress
    let registry: PrometheusCollectorRegistry
    let readiness: NIOLockedValueBox<Readiness>
    private let channel = NIOLockedValueBox<Channel?>(nil)

    /// The last readiness verdict, refreshed in the background by `ReadinessProbe`.
    public struct Readiness: Sendable {
        public var ready: Bool
        public var reason: String
        public init(ready: Bool, reason: String) {
            self.ready = ready
            self.reason = reason
        }
    }

    public init(address: SocketAddress, registry: PrometheusCollectorRegistry, readiness: NIOLockedValueBox<Readiness>)
    {
        self.address = address
        self.registry = registry
        self.readiness = readiness
    }

    /// Binds the port; returns the address bound.
    public func start(group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> SocketAddress? {
        let registry = self.registry
        let readiness = self.readiness
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        ObservabilityHandler(registry: registry, readiness: readiness))
                }
            }
            .bind(to: address).get()
        channel.withLockedValue { $0 = server }
        return server.localAddress
    }

    public func stop() async {
        let server = channel.withLockedValue { $0 }
        try? await server?.close()
    }
}

/// Answers one HTTP/1.1 request at a time.
final class ObservabilityHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let registry: PrometheusCollectorRegistry
    let readiness: NIOLockedValueBox<ObservabilityServer.Readiness>
    private var head: HTTPRequestHead?

    init(registry: PrometheusCollectorRegistry, readiness: NIOLockedValueBox<ObservabilityServer.Readiness>) {
        self.registry = registry
        self.readiness = readiness
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request): head = request
        case .body: break
        case .end:
            guard let request = head else { return }
            head = nil
            respond(to: request, context: context)
        }
    }

    private func respond(to request: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
        let (status, type, body): (HTTPResponseStatus, String, [UInt8])
        switch (request.method, path) {
        case (.GET, "/metrics"):
            (status, type, body) = (.ok, "text/plain; version=0.0.4; charset=utf-8", registry.emitToBuffer())
        case (.GET, "/healthz"):
            (status, type, body) = (.ok, "text/plain; charset=utf-8", Array("ok\n".utf8))
        case (.GET, "/readyz"):
            let verdict = readiness.withLockedValue { $0 }
            (status, type, body) = (
                verdict.ready ? .ok : .serviceUnavailable, "text/plain; charset=utf-8",
                Array("\(verdict.reason)\n".utf8)
            )
        case (.GET, _):
            (status, type, body) = (.notFound, "text/plain; charset=utf-8", Array("not found\n".utf8))
        default:
            (status, type, body) = (.methodNotAllowed, "text/plain; charset=utf-8", Array("method not allowed\n".utf8))
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Content-Length", value: "\(body.count)")
        headers.add(name: "Cache-Control", value: "no-store")
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))),
            promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { channel.close(promise: nil) }
        }
    }
}
