import LDAPCore
import Logging
import NIOCore
import NIOSSL
import NIOTLS
import Upstream

/// Carries out a `SessionStateMachine`'s actions for one client connection. Event-loop confined.
final class ClientSessionHandler: ChannelInboundHandler {
    typealias InboundIn = LDAPFrame
    typealias OutboundOut = LDAPFrame

    private var machine: SessionStateMachine
    private let services: ProxyServices
    private let clientAddress: String?
    private let inFlight: InFlightBinds
    private var upstream: UpstreamConnection?
    /// Bumped whenever the dedicated connection is replaced, so late callbacks of an old one are ignored.
    private var upstreamGeneration = 0
    private var context: ChannelHandlerContext?
    private var ticker: RepeatedTask?
    /// `directory.referrals: chase` only; nil relays every referral untouched.
    private let chaser: ReferralChaser?
    /// Runs this connection's bind gate tasks on its own event loop (made in `handlerAdded`).
    private var gateExecutor: EventLoopTaskExecutor?

    init(services: ProxyServices, tlsActive: Bool, clientAddress: String?, inFlight: InFlightBinds = InFlightBinds()) {
        self.services = services
        self.clientAddress = clientAddress
        self.inFlight = inFlight
        self.machine = SessionStateMachine(configuration: services.session, tlsActive: tlsActive, now: .now())
        self.chaser =
            services.directory.settings.referralHosts.isEmpty
            ? nil : ReferralChaser(directory: services.directory, logger: services.logger)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        gateExecutor = EventLoopTaskExecutor(context.eventLoop)
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let interval = min(services.session.idleTimeout, .seconds(5))
        ticker = context.eventLoop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
            bound.value.run(bound.value.machine.tick(now: .now()))
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        ticker?.cancel()
        closeUpstream()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        run(machine.frameReceived(unwrapInboundIn(data), now: .now()))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Only now may PDUs arrive after a StartTLS (RFC 4511 §4.14.1); see SessionStateMachine.
        if let tls = event as? TLSUserEvent, case .handshakeCompleted = tls {
            machine.tlsHandshakeCompleted()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let decoding = error as? LDAPDecodingError {
            services.logger.info(
                "closing a client connection after a malformed PDU",
                metadata: ["client": "\(clientAddress ?? "?")", "error": "\(decoding.message)"])
            run(machine.decodingFailed(decoding))
        } else {
            services.logger.debug(
                "client connection error", metadata: ["client": "\(clientAddress ?? "?")", "error": "\(error)"])
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        ticker?.cancel()
        closeUpstream()
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        // Backpressure: a client that does not read stops us reading from its directory connection.
        upstream?.setReading(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    // MARK: Actions

    private func run(_ actions: [SessionAction]) {
        guard let context else { return }
        for action in actions {
            switch action {
            case .send(let message):
                context.writeAndFlush(
                    wrapOutboundOut(LDAPFrame(message, allocator: context.channel.allocator)), promise: nil)
            case .relayToClient(let frame):
                if let chaser,
                    chaser.intercept(
                        frame, identity: machine.identity, loop: context.eventLoop, write: chasedWriter(context))
                {
                    continue
                }
                context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
            case .startGate(let messageID, let request, let controls):
                startGate(messageID: messageID, request: request, controls: controls, context: context)
            case .openUpstream(let bind):
                openUpstream(bind: bind, context: context)
            case .relayToUpstream(let frame):
                chaser?.requestRelayed(frame)
                upstream?.relay(frame)
            case .closeUpstream:
                closeUpstream()
            case .startTLS(let response):
                startTLS(response: response, context: context)
            case .auditRefusedBind(let name, let rule, let code):
                services.gate.recordRefusal(name: name, rule: rule, result: code, clientAddress: clientAddress)
            case .disconnect(let notice):
                if let notice {
                    let channel = context.channel
                    context.writeAndFlush(wrapOutboundOut(LDAPFrame(notice, allocator: channel.allocator)))
                        .whenComplete { _ in channel.close(promise: nil) }
                } else {
                    context.close(promise: nil)
                }
            }
        }
    }

    private func startGate(
        messageID: Int32, request: BindRequest, controls: [LDAPControl]?, context: ChannelHandlerContext
    ) {
        let promise = context.eventLoop.makePromise(of: GateDecision.self)
        let gate = services.gate
        let client = clientAddress
        let inFlight = self.inFlight
        inFlight.started()
        // On this connection's loop: an exempt bind then runs, from the client's frame to the directory's
        // answer, on one thread (ConnectionPool prefers an upstream connection on the same loop).
        Task(executorPreference: gateExecutor) {
            defer { inFlight.finished() }
            promise.succeed(await gate.authenticate(request, controls: controls, clientAddress: client))
        }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        promise.futureResult.whenSuccess { decision in
            bound.value.run(bound.value.machine.gateCompleted(messageID: messageID, decision: decision, now: .now()))
        }
    }

    private func openUpstream(bind: BindRequest?, context: ChannelHandlerContext) {
        closeUpstream()
        let generation = upstreamGeneration
        let directory = services.directory
        let loop = context.eventLoop
        let promise = loop.makePromise(of: UpstreamConnection.self)
        promise.completeWithTask { try await directory.openClientConnection(bind: bind, eventLoop: loop) }
        let bound = NIOLoopBound(self, eventLoop: loop)
        promise.futureResult.whenComplete { result in
            let handler = bound.value
            switch result {
            case .success(let connection):
                guard handler.upstreamGeneration == generation, handler.context != nil else {
                    connection.close()
                    return
                }
                handler.attach(connection, generation: generation, loop: loop)
            case .failure(let error):
                guard handler.upstreamGeneration == generation else { return }
                handler.run(handler.machine.upstreamOpenFailed(Self.result(for: error)))
            }
        }
    }

    private func attach(_ connection: UpstreamConnection, generation: Int, loop: EventLoop) {
        upstream = connection
        let bound = NIOLoopBound(self, eventLoop: loop)
        connection.startRelay(
            sink: { frame in
                loop.execute {
                    let handler = bound.value
                    guard handler.upstreamGeneration == generation else { return }
                    handler.run(handler.machine.upstreamFrame(frame, now: .now()))
                }
            },
            writability: { writable in
                loop.execute {
                    // Backpressure: a directory that does not read stops us reading from the client.
                    guard let context = bound.value.context else { return }
                    context.channel.setOption(ChannelOptions.autoRead, value: writable).whenComplete { _ in }
                }
            },
            onClose: {
                loop.execute {
                    let handler = bound.value
                    guard handler.upstreamGeneration == generation else { return }
                    handler.upstream = nil
                    handler.run(handler.machine.upstreamClosed())
                }
            })
        if let context, !context.channel.isWritable { connection.setReading(false) }
        run(machine.upstreamOpened())
    }

    static func result(for error: Error) -> LDAPResult {
        if let refused = error as? UpstreamDirectory.ClientBindRefused,
            case .bindResponse(let bind) = refused.response.protocolOp
        {
            return bind.result
        }
        return LDAPResult(resultCode: .unavailable, diagnosticMessage: "the directory is unavailable; try again later")
    }

    /// Where the referral chaser writes what it chased: this connection, while it lasts.
    private func chasedWriter(_ context: ChannelHandlerContext) -> (LDAPFrame) -> Void {
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        return { frame in
            let handler = bound.value
            guard let context = handler.context else { return }
            context.writeAndFlush(handler.wrapOutboundOut(frame), promise: nil)
        }
    }

    private func closeUpstream() {
        chaser?.reset()
        upstreamGeneration += 1
        upstream?.unbindAndClose()
        upstream = nil
        // A closed directory connection no longer holds the client back.
        context?.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
    }

    private func startTLS(response: LDAPMessage, context: ChannelHandlerContext) {
        guard let tlsContext = services.tlsContext else { return }
        // RFC 4511 §4.14.2: the response goes in the clear, TLS starts right after it.
        context.writeAndFlush(wrapOutboundOut(LDAPFrame(response, allocator: context.channel.allocator)), promise: nil)
        do {
            try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tlsContext), position: .first)
        } catch {
            context.close(promise: nil)
        }
    }
}
