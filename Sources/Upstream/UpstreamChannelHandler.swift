import LDAPCore
import NIOCore
import NIOSSL
import NIOTLS

/// The inbound end of an upstream connection's pipeline. Event-loop confined.
///
/// Two modes. In request mode the proxy sends its own requests (binds, lookups) with message
/// IDs it assigns, and the responses that belong to each are collected until the final one. In
/// relay mode, used for a client's dedicated connection, every frame that does not belong to a
/// proxy request is handed to the relay sink untouched.
final class UpstreamChannelHandler: ChannelInboundHandler {
    typealias InboundIn = LDAPFrame

    private struct Pending {
        var frames: [LDAPFrame]
        let promise: EventLoopPromise<[LDAPFrame]>
        let timeout: Scheduled<Void>?
    }

    private var pending: [Int32: Pending] = [:]
    private var nextMessageID: Int32 = 1
    private var relaySink: ((LDAPFrame) -> Void)?
    private var writabilitySink: ((Bool) -> Void)?
    private var closeCallbacks: [() -> Void] = []
    private var tlsPromise: EventLoopPromise<Void>?
    /// How the TLS handshake ended, kept for a waiter that arrives after it (an LDAPS handshake
    /// can finish, or fail, before `connect` gets to `expectTLSHandshake`).
    private var tlsOutcome: Result<Void, UpstreamError>?
    private var context: ChannelHandlerContext?
    private(set) var isClosed = false

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    /// Sends `op` with a fresh message ID and collects its responses.
    func send(
        _ op: ProtocolOp, controls: [LDAPControl]?, timeout: TimeAmount?, channel: Channel
    ) -> EventLoopFuture<[LDAPFrame]> {
        let promise = channel.eventLoop.makePromise(of: [LDAPFrame].self)
        guard !isClosed else {
            promise.fail(UpstreamError(.connectionClosed, "the directory connection is closed"))
            return promise.futureResult
        }
        let id = nextMessageID
        nextMessageID = nextMessageID == Int32.max ? 1 : nextMessageID + 1
        let this = NIOLoopBound(self, eventLoop: channel.eventLoop)
        let scheduled = timeout.map { amount in
            channel.eventLoop.scheduleTask(in: amount) { () -> Void in
                this.value.timeOut(id, after: amount, channel: channel)
            }
        }
        pending[id] = Pending(frames: [], promise: promise, timeout: scheduled)
        let frame = LDAPFrame(
            LDAPMessage(messageID: id, protocolOp: op, controls: controls), allocator: channel.allocator)
        channel.writeAndFlush(frame).whenFailure { error in
            this.value.fail(id, UpstreamError(.connectionClosed, "could not send to the directory: \(error)"))
        }
        return promise.futureResult
    }

    private func timeOut(_ id: Int32, after amount: TimeAmount, channel: Channel) {
        let seconds = Double(amount.nanoseconds) / 1e9
        fail(id, UpstreamError(.timedOut, "the directory did not answer within \(seconds) s"))
        // An operation the server never answered leaves the connection in an unknown state.
        channel.close(promise: nil)
    }

    private func fail(_ id: Int32, _ error: UpstreamError) {
        guard let entry = pending.removeValue(forKey: id) else { return }
        entry.timeout?.cancel()
        entry.promise.fail(error)
    }

    func startRelay(_ sink: @escaping (LDAPFrame) -> Void, writability: @escaping (Bool) -> Void) {
        relaySink = sink
        writabilitySink = writability
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        writabilitySink?(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func onClose(_ callback: @escaping () -> Void) {
        if isClosed { callback() } else { closeCallbacks.append(callback) }
    }

    func expectTLSHandshake(_ promise: EventLoopPromise<Void>) {
        if let tlsOutcome {
            promise.completeWith(tlsOutcome.mapError { $0 as Error })
        } else if isClosed {
            promise.fail(UpstreamError(.connectionClosed, "the directory closed the connection"))
        } else {
            tlsPromise = promise
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if var entry = pending[frame.messageID] {
            entry.frames.append(frame)
            if OperationTag.isFinalResponse(frame.operationTag) {
                pending[frame.messageID] = nil
                entry.timeout?.cancel()
                entry.promise.succeed(entry.frames)
            } else {
                pending[frame.messageID] = entry
            }
        } else if let relaySink {
            relaySink(frame)
        } else if frame.messageID == 0 {
            // Notice of Disconnection (RFC 4511 §4.4.1): the server is about to close.
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            tlsOutcome = .success(())
            tlsPromise?.succeed(())
            tlsPromise = nil
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        let kind: UpstreamError.Kind = error is NIOSSLError || error is BoringSSLError ? .tlsFailed : .protocolViolation
        let failure = UpstreamError(kind, "directory connection error: \(error)")
        if tlsOutcome == nil, kind == .tlsFailed { tlsOutcome = .failure(failure) }
        failAll(failure)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(UpstreamError(.connectionClosed, "the directory closed the connection"))
        isClosed = true
        let callbacks = closeCallbacks
        closeCallbacks = []
        relaySink = nil
        writabilitySink = nil
        for callback in callbacks { callback() }
        context.fireChannelInactive()
    }

    private func failAll(_ error: UpstreamError) {
        let entries = pending
        pending = [:]
        for (_, entry) in entries {
            entry.timeout?.cancel()
            entry.promise.fail(error)
        }
        tlsPromise?.fail(error)
        tlsPromise = nil
    }
}
