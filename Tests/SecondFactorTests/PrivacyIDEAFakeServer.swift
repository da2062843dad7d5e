import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A scripted stand-in for privacyIDEA's REST API on 127.0.0.1 (plain HTTP/1.1, keep-alive), for the
/// flows a real server cannot be made to produce on demand: a server that never answers, a garbled
/// answer, and dozens of pushes parked at once (the real test server, a Flask development server on
/// SQLite, takes ~250 ms per check and stalls under 50 pollers: see PrivacyIDEAParkedPushTests).
final class PrivacyIDEAFakeServer: Sendable {
    /// One request as the handler sees it: form fields from the body, query fields from the URL.
    struct Request: Sendable {
        var method: String
        var path: String
        var fields: [String: String]
    }

    /// What to answer: a JSON body with a status, or nothing at all.
    enum Reply: Sendable {
        case json(String, status: Int = 200)
        case text(String, status: Int)
        case redirect(to: String)
        case hang
    }

    let port: Int
    private let channel: any Channel
    private let children: NIOLockedValueBox<[any Channel]>
    private let log: NIOLockedValueBox<[Request]>

    /// Every request received so far, in order.
    var requests: [Request] { log.withLockedValue { $0 } }

    private init(channel: any Channel, children: NIOLockedValueBox<[any Channel]>, log: NIOLockedValueBox<[Request]>) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.children = children
        self.log = log
    }

    /// Listens on an ephemeral port of 127.0.0.1 and answers every request with `handler`.
    static func start(handler: @escaping @Sendable (Request) -> Reply) async throws -> PrivacyIDEAFakeServer {
        let children = NIOLockedValueBox<[any Channel]>([])
        let log = NIOLockedValueBox<[Request]>([])
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                children.withLockedValue { $0.append(child) }
                return child.pipeline.configureHTTPServerPipeline().flatMap {
                    child.pipeline.addHandler(FakeHandler(handler: handler, log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return PrivacyIDEAFakeServer(channel: channel, children: children, log: log)
    }

    /// Stops listening and closes every connection, answered or hanging.
    func stop() async {
        try? await channel.close()
        for child in children.withLockedValue({ $0 }) {
            try? await child.close()
        }
    }

    /// `url` of this server, as a provider setting.
    var url: String { "http://127.0.0.1:\(port)" }
}

/// Parses `application/x-www-form-urlencoded` text.
func parseForm(_ text: String) -> [String: String] {
    var fields: [String: String] = [:]
    for pair in text.split(separator: "&") {
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        func decode(_ part: Substring) -> String {
            String(part).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
        }
        fields[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
    }
    return fields
}

private final class FakeHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let handler: @Sendable (PrivacyIDEAFakeServer.Request) -> PrivacyIDEAFakeServer.Reply
    let log: NIOLockedValueBox<[PrivacyIDEAFakeServer.Request]>
    var head: HTTPRequestHead?
    var body = ""

    init(
        handler: @escaping @Sendable (PrivacyIDEAFakeServer.Request) -> PrivacyIDEAFakeServer.Reply,
        log: NIOLockedValueBox<[PrivacyIDEAFakeServer.Request]>
    ) {
        self.handler = handler
        self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = ""
        case .body(let buffer):
            body += String(buffer: buffer)
        case .end:
            guard let head else { return }
            let pathAndQuery = head.uri.split(separator: "?", maxSplits: 1)
            var fields = pathAndQuery.count > 1 ? parseForm(String(pathAndQuery[1])) : [:]
            fields.merge(parseForm(body)) { $1 }
            let request = PrivacyIDEAFakeServer.Request(
                method: "\(head.method)", path: String(pathAndQuery.first ?? ""), fields: fields)
            log.withLockedValue { $0.append(request) }
            respond(context: context, handler(request))
        }
    }

    private func respond(context: ChannelHandlerContext, _ reply: PrivacyIDEAFakeServer.Reply) {
        let (status, type, text): (Int, String, String)
        var headers = HTTPHeaders()
        switch reply {
        case .hang: return
        case .json(let json, let code): (status, type, text) = (code, "application/json", json)
        case .text(let body, let code): (status, type, text) = (code, "text/plain", body)
        case .redirect(let location):
            (status, type, text) = (302, "text/plain", "moved")
            headers.add(name: "Location", value: location)
        }
        headers.add(name: "Content-Type", value: type)
        headers.add(name: "Content-Length", value: "\(text.utf8.count)")
        let head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
