import NIOCore
import NIOPosix
import NIOSSL

/// The settings every worker shares.
struct RunSettings {
    enum Transport: String { case plain, ldaps, starttls }
    var host: String
    var port: Int
    var transport: Transport
    var tls: NIOSSLContext?
    var connectPerBind: Bool
    /// Per worker: nanoseconds between binds, or 0 for as fast as answers come.
    var interval: UInt64
    var timeout: UInt64
    var wrongEvery: Int
}

/// The state of one event loop: its workers, users, statistics and the clock of the run.
final class LoopRunner {
    let loop: EventLoop
    let settings: RunSettings
    let pool: UserPool
    var stats = LoopStats()
    var measureStart: UInt64 = 0
    var measureEnd: UInt64 = .max
    /// Count mode: stop after this many measured binds on this loop.
    var countLimit: UInt64 = .max
    var active = 0
    var bindsSent = 0
    let done: EventLoopPromise<Void>
    var workers: [Worker] = []

    init(loop: EventLoop, settings: RunSettings, pool: UserPool) {
        self.loop = loop
        self.settings = settings
        self.pool = pool
        done = loop.makePromise()
    }

    static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    var finished: Bool {
        Self.now() >= measureEnd || stats.ok + stats.failed >= countLimit
    }

    func start(workers count: Int) {
        active = count
        let seconds = Int((measureEnd == .max ? 0 : measureEnd - measureStart) / 1_000_000_000) + 2
        stats.timeline = [UInt64](repeating: 0, count: max(seconds, 1))
        stats.lastSuccess = measureStart
        for index in 0..<count {
            let worker = Worker(runner: self, index: index)
            workers.append(worker)
            worker.connect()
        }
        sweep()
    }

    /// Closes the connections of binds that had no answer within the timeout.
    private func sweep() {
        let now = Self.now()
        for worker in workers where worker.inFlight && now - worker.sentAt > settings.timeout {
            stats.timeouts += 1
            worker.channel?.close(promise: nil)
        }
        if active > 0 { loop.scheduleTask(in: .milliseconds(100)) { self.sweep() } }
    }

    func workerFinished() {
        active -= 1
        if active == 0 { done.succeed(()) }
    }

    func record(started: UInt64, ended: UInt64, code: Int, wrong: Bool) {
        guard started >= measureStart, started < measureEnd else {
            if started < measureStart { stats.warmupBinds += 1 }
            return
        }
        _ = stats.histogram.record(ended - started)
        stats.resultCodes[min(code, 255)] += 1
        if wrong {
            stats.wrongSent += 1
            if code == 0 { stats.wrongAccepted += 1 }
        }
        guard code == 0, !wrong else {
            stats.failed += 1
            return
        }
        stats.ok += 1
        let second = Int((ended - measureStart) / 1_000_000_000)
        if second < stats.timeline.count { stats.timeline[second] += 1 }
        if ended > stats.lastSuccess, ended - stats.lastSuccess > stats.maxGap {
            stats.maxGap = ended - stats.lastSuccess
            stats.maxGapEnd = ended - measureStart
        }
        stats.lastSuccess = max(stats.lastSuccess, ended)
    }
}

/// One client connection (or, with connect-per-bind, a series of them) with one bind in flight.
final class Worker {
    unowned let runner: LoopRunner
    let index: Int
    var channel: Channel?
    var inFlight = false
    var sentAt: UInt64 = 0
    private var started: UInt64 = 0
    private var nextDue: UInt64 = 0
    private var messageID: UInt16 = 128
    private var wrong = false
    private var startingTLS = false
    private var stopped = false
    private var connectedAt: UInt64 = 0

    init(runner: LoopRunner, index: Int) {
        self.runner = runner
        self.index = index
    }

    private var settings: RunSettings { runner.settings }

    func connect() {
        if runner.finished { return stop() }
        connectedAt = LoopRunner.now()
        let settings = settings
        let bootstrap = ClientBootstrap(group: runner.loop)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                do {
                    if settings.transport == .ldaps, let tls = settings.tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls, serverHostname: nil))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LDAPResponseDecoder()))
                    try channel.pipeline.syncOperations.addHandler(WorkerHandler(worker: self))
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        bootstrap.connect(host: settings.host, port: settings.port).whenComplete { result in
            switch result {
            case .success(let channel):
                self.channel = channel
                self.connected(channel)
            case .failure:
                self.runner.stats.connectErrors += 1
                self.runner.loop.scheduleTask(in: .milliseconds(20)) { self.connect() }
            }
        }
    }

    private func connected(_ channel: Channel) {
        if settings.transport == .starttls {
            startingTLS = true
            send(BER.startTLS())
        } else {
            scheduleBind()
        }
    }

    private func scheduleBind() {
        if runner.finished { return stop() }
        let now = LoopRunner.now()
        if settings.interval > 0 {
            nextDue =
                nextDue == 0
                ? now + UInt64(index) * settings.interval / UInt64(max(runner.workers.count, 1))
                : nextDue + settings.interval
            if nextDue > now {
                let due = nextDue
                runner.loop.scheduleTask(deadline: NIODeadline.uptimeNanoseconds(due)) { self.sendBind(intended: due) }
                return
            }
            // Behind schedule: the latency still counts from when the bind was due (no coordinated omission).
            return sendBind(intended: nextDue)
        }
        sendBind(intended: settings.connectPerBind ? connectedAt : now)
    }

    private func sendBind(intended: UInt64) {
        if runner.finished { return stop() }
        guard let user = runner.pool.next() else {
            runner.stats.poolWaits += 1
            let wait = Int64((runner.pool.secondsToNextStep + 0.01) * 1e9)
            runner.loop.scheduleTask(in: .nanoseconds(wait)) { self.scheduleBind() }
            return
        }
        runner.bindsSent += 1
        var kind = UserPool.Wrong.none
        if settings.wrongEvery > 0, runner.bindsSent % settings.wrongEvery == 0, runner.pool.users[user].secret != nil {
            kind = runner.bindsSent % (2 * settings.wrongEvery) == 0 ? .noCode : .wrongCode
        }
        wrong = kind != .none
        started = intended
        send(runner.pool.pdu(user, wrong: kind))
    }

    private func send(_ pdu: (bytes: [UInt8], idOffset: Int)) {
        guard let channel else { return }
        messageID = messageID >= 32767 ? 128 : messageID + 1
        var buffer = channel.allocator.buffer(capacity: pdu.bytes.count)
        BER.write(pdu, id: messageID, into: &buffer)
        inFlight = true
        sentAt = LoopRunner.now()
        channel.writeAndFlush(buffer, promise: nil)
    }

    func received(_ response: LDAPResponse) {
        guard inFlight, response.messageID == Int(messageID) else { return }  // e.g. a notice of disconnection
        inFlight = false
        if startingTLS {
            startingTLS = false
            guard response.resultCode == 0, let tls = settings.tls, let channel else {
                runner.stats.connectErrors += 1
                channel?.close(promise: nil)
                return
            }
            do {
                try channel.pipeline.syncOperations.addHandler(
                    NIOSSLClientHandler(context: tls, serverHostname: nil), position: .first)
            } catch {
                channel.close(promise: nil)
                return
            }
            return scheduleBind()
        }
        runner.record(started: started, ended: LoopRunner.now(), code: response.resultCode, wrong: wrong)
        if settings.connectPerBind {
            if let channel {
                var buffer = channel.allocator.buffer(capacity: 8)
                buffer.writeBytes(BER.unbind)
                channel.writeAndFlush(buffer).whenComplete { _ in channel.close(promise: nil) }
            }
        } else {
            scheduleBind()
        }
    }

    func closed() {
        channel = nil
        if inFlight {
            inFlight = false
            runner.stats.dropped += 1
        }
        startingTLS = false
        if stopped { return }
        if settings.connectPerBind {
            connect()
        } else {
            runner.loop.scheduleTask(in: .milliseconds(10)) { self.connect() }
        }
    }

    private func stop() {
        guard !stopped else { return }
        stopped = true
        if let channel {
            var buffer = channel.allocator.buffer(capacity: 8)
            buffer.writeBytes(BER.unbind)
            channel.writeAndFlush(buffer).whenComplete { _ in channel.close(promise: nil) }
        }
        runner.workerFinished()
    }
}

final class WorkerHandler: ChannelInboundHandler {
    typealias InboundIn = LDAPResponse
    let worker: Worker

    init(worker: Worker) { self.worker = worker }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        worker.received(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        worker.closed()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
