import Foundation
import Logging
import UserStore

/// Runs synchronisation cycles: carries out ``SyncEngine``'s actions against the user store and the directory.
///
/// `run()` starts a cycle every `sync.interval`, start to start (an overrunning cycle is followed at once by the
/// next), until its task is cancelled; `runCycle(_:progress:)` runs one (`sync now`). Only the holder of the
/// store's lease synchronises: a cycle takes it, renews it while it runs, and gives it back.
public actor SyncService {
    public let settings: SyncSettings
    let directory: any SyncDirectory
    let store: any MFAUserStore
    let notifier: any SyncNotifier
    let logger: Logger
    /// Names this process in the lease.
    public let holder: String
    /// How long a lease lasts unless renewed; renewed every third of it while a cycle runs.
    let leaseDuration: TimeInterval
    let now: @Sendable () -> Date

    public init(
        settings: SyncSettings, directory: any SyncDirectory, store: any MFAUserStore,
        notifier: any SyncNotifier = LogOnlyNotifier(), logger: Logger, holder: String = SyncService.defaultHolder(),
        leaseDuration: TimeInterval = 120, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.settings = settings
        self.directory = directory
        self.store = store
        self.notifier = notifier
        self.logger = logger
        self.holder = holder
        self.leaseDuration = leaseDuration
        self.now = now
    }

    /// `host/pid/random`: unique per process, readable in `sync status`.
    public static func defaultHolder() -> String {
        let info = ProcessInfo.processInfo
        return "\(info.hostName)/\(info.processIdentifier)/\(UInt32.random(in: 0...UInt32.max) % 100_000)"
    }

    /// Runs cycles every `sync.interval` until the task is cancelled.
    public func run() async {
        guard !settings.items.isEmpty else {
            logger.warning("synchronisation is enabled but sync.items is empty: nothing to synchronise")
            return
        }
        var schedule = SyncSchedule(interval: settings.interval)
        while !Task.isCancelled {
            let start = schedule.nextStart(now: now())
            let wait = start.timeIntervalSince(now())
            if wait > 0 {
                do { try await Task.sleep(for: .milliseconds(Int64(wait * 1000))) } catch { return }
            }
            schedule.started(at: now())
            _ = await runCycle(.scheduled)
        }
    }

    /// Runs one cycle and returns how it ended.
    public func runCycle(
        _ trigger: SyncEngine.Trigger, progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) async -> SyncOutcome {
        var engine = SyncEngine(settings: settings)
        var context = CycleContext(progress: progress)
        var queue = engine.handle(.start(trigger, now: now()))
        var next = 0
        var outcome = SyncOutcome.skipped("the cycle did not finish")
        while next < queue.count {
            let action = queue[next]
            next += 1
            if case .finished(let result) = action { outcome = result }
            if let event = await perform(action, &context) {
                queue.removeFirst(next)
                next = 0
                queue += engine.handle(event)
            }
        }
        context.renewal?.cancel()
        return outcome
    }

    struct CycleContext {
        let progress: @Sendable (SyncProgress) -> Void
        var capabilities: DirectoryCapabilities?
        var renewal: Task<Void, Never>?
    }

    private func perform(_ action: SyncEngine.Action, _ context: inout CycleContext) async -> SyncEngine.Event? {
        do {
            switch action {
            case .acquireLease:
                let (acquired, lease) = try await store.acquireSyncLease(
                    holder: holder, duration: leaseDuration, now: now())
                guard acquired else { return .leaseHeld(lease) }
                context.renewal = renewLease()
                return .leaseAcquired
            case .loadState:
                context.progress(.step("reading the directory's capabilities (root DSE)"))
                let capabilities = try await DirectoryCapabilities.read(from: directory)
                context.capabilities = capabilities
                return .stateLoaded(
                    try await store.syncState(), pending: try await store.pendingBatch(), capabilities: capabilities)
            case .readFull(_, let startDirSync):
                let reader = self.reader(context)
                let view = try await reader.readFull(startDirSync: startDirSync)
                context.progress(.step("planning"))
                return .directoryRead(view, store: try await store.syncSnapshot())
            case .readChanges(let cookie):
                let snapshot = try await store.syncSnapshot()
                switch try await reader(context).readChanges(since: cookie, store: snapshot) {
                case .success(let view):
                    context.progress(.step("planning"))
                    return .directoryRead(view, store: snapshot)
                case .failure(let refusal):
                    return .dirSyncRefused(refusal.message)
                }
            case .apply(let writes, let pending, let state):
                context.progress(.step("applying \(writes.count) changes"))
                let report = try await store.applySync(writes, pending: pending, state: state, now: now())
                return .applied(report, now: now())
            case .saveState(let state):
                try await store.saveSyncState(state)
            case .notify(let batch):
                do {
                    try await notifier.notify(batch, threshold: settings.approvalThreshold)
                } catch {
                    logger.error("cannot notify about the staged batch \(batch.id): \(error)")
                }
            case .log(let level, let message):
                switch level {
                case .info: logger.info("\(message)")
                case .warning: logger.warning("\(message)")
                case .error: logger.error("\(message)")
                }
            case .releaseLease:
                context.renewal?.cancel()
                context.renewal = nil
                try await store.releaseSyncLease(holder: holder)
            case .finished:
                break
            }
        } catch {
            return .failed("\(error)", now: now())
        }
        return nil
    }

    private func reader(_ context: CycleContext) -> DirectoryReader {
        DirectoryReader(
            directory: directory, settings: settings,
            capabilities: context.capabilities ?? DirectoryCapabilities(supportedControls: []),
            progress: context.progress)
    }

    /// Renews the lease every third of its duration until cancelled.
    private func renewLease() -> Task<Void, Never> {
        let (store, holder, duration, now, logger) = (store, holder, leaseDuration, now, logger)
        return Task {
            while !Task.isCancelled {
                do { try await Task.sleep(for: .milliseconds(Int64(duration * 1000 / 3))) } catch { return }
                do {
                    let (acquired, lease) = try await store.acquireSyncLease(
                        holder: holder, duration: duration, now: now())
                    if !acquired { logger.error("the synchronisation lease was taken over by \(lease.holder)") }
                } catch {
                    logger.error("cannot renew the synchronisation lease: \(error)")
                }
            }
        }
    }

    /// Applies the staged batch (`sync approve`) and logs it.
    public func approve(batch: String?) async throws -> ApprovalResult {
        let result = try await store.approvePending(batch: batch, now: now())
        if case .applied(let applied, let report) = result {
            logger.notice(
                "staged batch \(applied.id) approved: \(report.disabled) disabled, \(report.removed) removed")
        }
        return result
    }
}
