import NIOCore

/// A task executor (SE-0417) that runs jobs on one NIO event loop.
///
/// A task started with this as its executor preference runs its non-isolated code, and the default actors
/// it calls (lockout tracker, bind cache, connection pool), on the loop instead of the global concurrency
/// pool. The bind gate uses it so a bind does not hop between the client's loop, the pool's threads and the
/// directory connection's loop (BENCHMARKS.md, "Where the time goes"). The gate never blocks: every wait
/// is an `await`.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: EventLoop

    init(_ eventLoop: EventLoop) { self.eventLoop = eventLoop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
