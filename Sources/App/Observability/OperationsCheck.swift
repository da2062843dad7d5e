import NIOCore
import NIOHTTP1
import NIOPosix

/// A minimal HTTP/1.1 client for the operations endpoint: `ldap-mfa-proxy healthcheck` uses it, so a container
/// image needs no curl or wget for its HEALTHCHECK.
public enum OperationsCheck {
    /// What the endpoint answered.
    public struct Answer: Sendable {
        public var status: Int
        public var body: String
    }

    /// The address to reach an endpoint listening on `host:port`: a wildcard listen address (`0.0.0.0`, `::`)
    /// is reached through the loopback address of its family.
    public static func reachableHost(_ host: String) -> String {
        switch host {
        case "0.0.0.0", "": "127.0.0.1"
        case "::": "::1"
        default: host
        }
    }

    /// Sends `GET path` (RFC 9112 §3) to `host:port` and returns the status and body; throws when no
    /// answer comes within `timeout`.
    public static func get(host: String, port: Int, path: String, timeout: TimeAmount = .seconds(5)) async throws
        -> Answer
    {
        let group = MultiThreadedEventLoopGroup.singleton
        let promise = group.next().makePromise(of: Answer.self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: group)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(AnswerHandler(promise: promise))
                    }
                }
                .connect(host: reachableHost(host), port: port).get()
        } catch {
            promise.fail(error)  // a promise must be completed before it goes away
            throw error
        }
        let deadline = channel.eventLoop.scheduleTask(in: timeout) {
            promise.fail(ChannelError.connectTimeout(timeout))
        }
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
        headers.add(name: "Connection", value: "close")
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        channel.write(HTTPClientRequestPart.head(head), promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        defer {
            deadline.cancel()
            channel.close(promise: nil)
        }
        return try await promise.futureResult.get()
    }
}

/// Collects one response and fulfils the promise with it.
private final class AnswerHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    let promise: EventLoopPromise<OperationsCheck.Answer>
    private var status = 0
    private var body = ByteBuffer()

    init(promise: EventLoopPromise<OperationsCheck.Answer>) { self.promise = promise }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): status = Int(head.status.code)
        case .body(var part): body.writeBuffer(&part)
        case .end:
            promise.succeed(.init(status: status, body: String(buffer: body)))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(ChannelError.eof)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }
}
