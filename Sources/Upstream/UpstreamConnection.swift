import LDAPCore
import LDAPNIO
import NIOCore
import NIOPosix
import NIOSSL

/// One LDAP connection to a directory server (RFC 4511 §5), owned by the proxy.
///
/// Safe to use from any task: every call hops to the connection's event loop, except a call made on
/// that loop already (a bind gate task running there, see `ConnectionPool.acquire`), which goes straight
/// to the channel.
public final class UpstreamConnection: Sendable {
    public let endpoint: UpstreamEndpoint
    let channel: Channel
    private let handler: NIOLoopBound<UpstreamChannelHandler>
    let operationTimeout: TimeAmount?

    init(endpoint: UpstreamEndpoint, channel: Channel, handler: UpstreamChannelHandler, operationTimeout: TimeAmount?) {
        self.endpoint = endpoint
        self.channel = channel
        self.handler = NIOLoopBound(handler, eventLoop: channel.eventLoop)
        self.operationTimeout = operationTimeout
    }

    /// Timeouts for connecting and for each operation the proxy sends itself.
    public struct Timeouts: Sendable, Hashable {
        public var connect: TimeAmount
        public var operation: TimeAmount
        public init(connect: TimeAmount = .seconds(5), operation: TimeAmount = .seconds(10)) {
            self.connect = connect
            self.operation = operation
        }
    }

    /// Connects and secures the connection (LDAPS handshake, or StartTLS then handshake).
    public static func connect(
        to endpoint: UpstreamEndpoint, security: ConnectionSecurity, tlsContext: NIOSSLContext?,
        timeouts: Timeouts, frameLimits: LDAPFrameLimits = LDAPFrameLimits(),
        group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> UpstreamConnection {
        let ldaps: Bool = if case .ldaps = security { true } else { false }
        if security.tls != nil && tlsContext == nil {
            throw UpstreamError(.tlsFailed, "\(endpoint): TLS requested without a TLS context")
        }
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeouts.connect)
            .channelOption(ChannelOptions.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if ldaps, let tlsContext {
                        let tls = try NIOSSLClientHandler(
                            context: tlsContext, serverHostname: endpoint.serverNameForTLS)
                        try channel.pipeline.syncOperations.addHandler(tls)
                    }
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(LDAPFrameDecoder(limits: frameLimits)),
                        MessageToByteHandler(LDAPFrameEncoder()),
                        UpstreamChannelHandler(),
                    ])
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
        } catch {
            throw UpstreamError(.connectFailed, "cannot connect to \(endpoint): \(error)")
        }
        // NIOLoopBound must be made on the channel's event loop.
        let connection = try await channel.eventLoop.submit {
            let handler = try channel.pipeline.syncOperations.handler(type: UpstreamChannelHandler.self)
            return UpstreamConnection(
                endpoint: endpoint, channel: channel, handler: handler, operationTimeout: timeouts.operation)
        }.get()
        do {
            switch security {
            case .plain: break
            case .ldaps: try await connection.awaitHandshake(timeout: timeouts.operation)
            case .startTLS: try await connection.startTLS(context: tlsContext!, timeout: timeouts.operation)
            }
        } catch {
            connection.close()
            throw error
        }
        return connection
    }

    /// Whether the connection is still usable.
    public var isActive: Bool { channel.isActive }

    /// The event loop the connection's channel runs on.
    public var eventLoop: EventLoop { channel.eventLoop }

    /// Sends one request and returns all its responses (the last one final).
    public func request(_ op: ProtocolOp, controls: [LDAPControl]? = nil) async throws -> [LDAPFrame] {
        let timeout = operationTimeout
        if channel.eventLoop.inEventLoop {
            return try await handler.value.send(op, controls: controls, timeout: timeout, channel: channel).get()
        }
        return try await channel.eventLoop.flatSubmit {
            self.handler.value.send(op, controls: controls, timeout: timeout, channel: self.channel)
        }.get()
    }

    /// A simple bind (RFC 4511 §4.2); returns the decoded response message (controls included).
    public func bind(_ request: BindRequest, controls: [LDAPControl]? = nil) async throws -> LDAPMessage {
        let frames = try await self.request(.bindRequest(request), controls: controls)
        guard let last = frames.last, last.operationTag == OperationTag.bindResponse else {
            throw UpstreamError(.protocolViolation, "\(endpoint) answered a bind with something else")
        }
        do {
            return try last.decode()
        } catch {
            throw UpstreamError(.protocolViolation, "\(endpoint) sent a malformed BindResponse: \(error)")
        }
    }

    /// A search the proxy makes for itself; returns the entries and the final result.
    public func search(_ request: SearchRequest, controls: [LDAPControl]? = nil) async throws -> (
        entries: [SearchResultEntry], result: LDAPResult
    ) {
        let frames = try await self.request(.searchRequest(request), controls: controls)
        var entries: [SearchResultEntry] = []
        var result = LDAPResult(resultCode: .other, diagnosticMessage: "no SearchResultDone")
        for frame in frames {
            let message: LDAPMessage
            do { message = try frame.decode() } catch {
                throw UpstreamError(.protocolViolation, "\(endpoint) sent a malformed search response: \(error)")
            }
            switch message.protocolOp {
            case .searchResultEntry(let entry): entries.append(entry)
            case .searchResultDone(let done): result = done
            default: break
            }
        }
        return (entries, result)
    }

    /// StartTLS (RFC 4511 §4.14): the request, then the TLS handshake on the same connection.
    func startTLS(context: NIOSSLContext, timeout: TimeAmount) async throws {
        let frames = try await request(.extendedRequest(.startTLS))
        guard let last = frames.last, case .extendedResponse(let response)? = try? last.decode().protocolOp else {
            throw UpstreamError(.tlsFailed, "\(endpoint) answered StartTLS with something else")
        }
        guard response.result.resultCode == .success else {
            throw UpstreamError(
                .tlsFailed,
                "\(endpoint) refused StartTLS: \(response.result.resultCode) \(response.result.diagnosticMessage)")
        }
        let serverName = endpoint.serverNameForTLS
        try await channel.eventLoop.flatSubmit {
            let promise = self.channel.eventLoop.makePromise(of: Void.self)
            self.handler.value.expectTLSHandshake(promise)
            do {
                let tls = try NIOSSLClientHandler(context: context, serverHostname: serverName)
                try self.channel.pipeline.syncOperations.addHandler(tls, position: .first)
            } catch {
                promise.fail(error)
            }
            return promise.futureResult
        }.get()
    }

    private func awaitHandshake(timeout: TimeAmount) async throws {
        try await channel.eventLoop.flatSubmit {
            let promise = self.channel.eventLoop.makePromise(of: Void.self)
            self.handler.value.expectTLSHandshake(promise)
            self.channel.eventLoop.scheduleTask(in: timeout) {
                promise.fail(UpstreamError(.tlsFailed, "TLS handshake with \(self.endpoint) timed out"))
            }
            return promise.futureResult
        }.get()
    }

    // MARK: Relay mode

    /// Hands every frame the server sends (except answers to the proxy's own requests) to
    /// `sink`, on the connection's event loop, reports when the connection stops or starts
    /// accepting writes without buffering (`writability`, for backpressure), and calls `onClose`
    /// once when it closes.
    public func startRelay(
        sink: @escaping @Sendable (LDAPFrame) -> Void, writability: @escaping @Sendable (Bool) -> Void = { _ in },
        onClose: @escaping @Sendable () -> Void
    ) {
        channel.eventLoop.execute {
            self.handler.value.startRelay(sink, writability: writability)
            self.handler.value.onClose(onClose)
        }
    }

    /// Sends a client's frame as it came (message ID and controls untouched).
    public func relay(_ frame: LDAPFrame) {
        channel.writeAndFlush(frame, promise: nil)
    }

    /// Stops or resumes reading from the server (backpressure from a slow client).
    public func setReading(_ enabled: Bool) {
        channel.setOption(ChannelOptions.autoRead, value: enabled).whenComplete { _ in }
    }

    /// Sends an Unbind (RFC 4511 §4.3) and closes.
    public func unbindAndClose() {
        let frame = LDAPFrame(LDAPMessage(messageID: Int32.max, protocolOp: .unbindRequest))
        channel.writeAndFlush(frame).whenComplete { _ in self.channel.close(promise: nil) }
    }

    public func close() {
        channel.close(promise: nil)
    }
}
