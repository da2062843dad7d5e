import Foundation
import UserStore

/// One synchronisation cycle as a value (DESIGN.md decision 4): events in, actions out. ``SyncService`` carries
/// the actions out against the store and the directory and feeds back what happened; tests feed events by hand.
///
/// A cycle takes the lease, loads what the last cycles left, decides between a full and an incremental read,
/// plans the changes with ``SyncPlanner``, applies them in one transaction (staging disables and removals above
/// the approval threshold), notifies when a new batch waits for approval, and gives the lease back.
public struct SyncEngine: Sendable {
    /// Who asked for the cycle.
    public enum Trigger: Sendable, Hashable {
        /// The periodic service: incremental when it can be.
        case scheduled
        /// `sync now`: always a full synchronisation.
        case manual
    }

    public enum Event: Sendable {
        case start(Trigger, now: Date)
        case leaseAcquired
        case leaseHeld(SyncLease)
        case stateLoaded(SyncStateRecord, pending: PendingBatch?, capabilities: DirectoryCapabilities)
        case directoryRead(DirectoryView, store: [StoredSyncUser])
        /// DirSync was refused or its cookie rejected: the cycle reads everything instead.
        case dirSyncRefused(String)
        case applied(SyncWriteReport, now: Date)
        case failed(String, now: Date)
    }

    public enum Action: Sendable {
        case acquireLease
        case loadState
        /// Read everything; with `startDirSync`, also take a DirSync cookie for the next cycles.
        case readFull(reason: String, startDirSync: Bool)
        case readChanges(cookie: [UInt8])
        /// One transaction: the writes, the staged batch, the state.
        case apply([SyncWrite], pending: PendingUpdate, state: SyncStateRecord)
        /// Record the state alone (the final counts, or a failed cycle).
        case saveState(SyncStateRecord)
        /// Tell administrators that a batch waits for approval.
        case notify(PendingBatch)
        case log(SyncLogLevel, String)
        case releaseLease
        case finished(SyncOutcome)
    }

    public let settings: SyncSettings
    var phase = Phase.idle
    var cycle: Cycle?

    enum Phase: Sendable {
        case idle, acquiringLease, loadingState, reading, applying, done
    }

    struct Cycle: Sendable {
        var trigger: Trigger
        var startedAt: Date
        var mode = ""
        var full = false
        var leased = false
        var state = SyncStateRecord()
        var pending: PendingBatch?
        /// What the cycle's plan amounts to (the plan itself is let go once its writes are handed over).
        var summary = PlanSummary()
        var newBatch: PendingBatch?
    }

    public init(settings: SyncSettings) {
        self.settings = settings
    }

    var rules: SyncPlanner.Rules {
        SyncPlanner.Rules(
            items: settings.items, removeUsers: settings.removeUsers, approvalThreshold: settings.approvalThreshold)
    }

    public mutating func handle(_ event: Event) -> [Action] {
        switch (phase, event) {
        case (.idle, .start(let trigger, let now)), (.done, .start(let trigger, let now)):
            cycle = Cycle(trigger: trigger, startedAt: now)
            phase = .acquiringLease
            return [.acquireLease]
        case (.acquiringLease, .leaseAcquired):
            cycle?.leased = true
            phase = .loadingState
            return [.loadState]
        case (.acquiringLease, .leaseHeld(let lease)):
            phase = .done
            let reason = "another instance (\(lease.holder)) holds the synchronisation lease until \(lease.expiresAt)"
            return [.log(.info, "synchronisation skipped: \(reason)"), .finished(.skipped(reason))]
        case (.loadingState, .stateLoaded(let state, let pending, let capabilities)):
            return stateLoaded(state, pending: pending, capabilities: capabilities)
        case (.reading, .dirSyncRefused(let reason)):
            cycle?.full = true
            cycle?.mode = "full"
            cycle?.state.dirSyncCookie = nil
            cycle?.state.dirSyncNote = reason
            return [
                .log(.warning, "incremental synchronisation is not possible (\(reason)): running a full one"),
                .readFull(reason: reason, startDirSync: wantsDirSync),
            ]
        case (.reading, .directoryRead(let view, let store)):
            return directoryRead(view, store: store)
        case (.applying, .applied(let report, let now)):
            return applied(report, now: now)
        case (_, .failed(let message, let now)):
            return failed(message, now: now)
        default:
            return [.log(.error, "synchronisation engine: unexpected \(event) while \(phase)")]
        }
    }

    /// DirSync is worth starting when the service may run incremental cycles at all.
    var wantsDirSync: Bool { !settings.alwaysFull }

    private mutating func stateLoaded(
        _ state: SyncStateRecord, pending: PendingBatch?, capabilities: DirectoryCapabilities
    ) -> [Action] {
        guard var cycle else { return [] }
        cycle.state = state
        cycle.pending = pending
        var actions: [Action] = []
        let status = SyncStatus.fullSyncRequirement(state: state, settings: settings)
        let fullReason: String?
        if cycle.trigger == .manual {
            fullReason = "synchronise now"
        } else if settings.alwaysFull {
            fullReason = "sync.always_full"
        } else if let required = status {
            fullReason = required
            actions.append(
                .log(.warning, "a full synchronisation is required before incremental ones run again: \(required)"))
        } else if !capabilities.dirSync {
            fullReason = "the directory does not offer DirSync"
        } else if state.dirSyncCookie == nil {
            fullReason = "no DirSync starting point" + (state.dirSyncNote.map { " (\($0))" } ?? "")
        } else {
            fullReason = nil
        }
        phase = .reading
        if let fullReason {
            cycle.full = true
            cycle.mode = "full"
            actions += [
                .log(.info, "full synchronisation: \(fullReason)"),
                .readFull(reason: fullReason, startDirSync: wantsDirSync),
            ]
        } else {
            cycle.mode = "incremental"
            actions += [
                .log(.info, "incremental synchronisation (DirSync)"), .readChanges(cookie: state.dirSyncCookie ?? []),
            ]
        }
        self.cycle = cycle
        return actions
    }

    private mutating func directoryRead(_ view: DirectoryView, store: [StoredSyncUser]) -> [Action] {
        guard var cycle else { return [] }
        let plan = SyncPlanner.plan(view, store: store, rules: rules)
        cycle.summary = PlanSummary(plan)
        var state = cycle.state
        state.dirSyncCookie = view.dirSyncCookie
        state.dirSyncNote = view.dirSyncCookie == nil ? (view.dirSyncNote ?? state.dirSyncNote) : nil
        if cycle.full {
            state.itemsFingerprint = settings.itemsFingerprint
            state.settingsFingerprint = settings.settingsFingerprint
            state.lastFullSyncAt = cycle.startedAt
        }
        let pending = pendingUpdate(plan, view: view, cycle: &cycle)
        state.lastCycle = record(cycle, finishedAt: cycle.startedAt, outcome: plan.staged ? .staged : .applied)
        cycle.state = state
        self.cycle = cycle
        phase = .applying
        var actions: [Action] = plan.skipped.prefix(20).map { .log(.warning, "not synchronised: \($0)") }
        if plan.skipped.count > 20 {
            actions.append(.log(.warning, "... and \(plan.skipped.count - 20) more not synchronised"))
        }
        // Every change is logged with its reason, up to a limit: a first synchronisation adds everyone.
        let changes = plan.removals.prefix(Self.loggedChanges) + plan.upserts.prefix(Self.loggedChanges)
        let changeCount = plan.removals.count + plan.upserts.count
        actions += changes.prefix(Self.loggedChanges).map { .log(.info, $0.description) }
        if changeCount > Self.loggedChanges {
            actions.append(.log(.info, "... and \(changeCount - Self.loggedChanges) more changes ('sync status')"))
        }
        actions.append(.apply(plan.writes, pending: pending, state: state))
        return actions
    }

    /// What happens to the staged batch. A full cycle's removals replace it (or clear it: they are applied); an
    /// incremental cycle only judges some users, so it adds its staged removals to the batch, and takes out of it
    /// the users it saw again.
    private func pendingUpdate(_ plan: SyncPlan, view: DirectoryView, cycle: inout Cycle) -> PendingUpdate {
        let seen = Set(view.members.map(\.user.uniqueID))
        let previous = cycle.pending?.removals ?? []
        guard plan.staged else {
            if cycle.full { return .clear }
            let applied = Set(plan.removals.map(\.uniqueID))
            return .keep(droppingUniqueIDs: Set(previous.map(\.uniqueID)).intersection(seen.union(applied)))
        }
        var removals = plan.pendingRemovals()
        if !cycle.full {
            let new = Set(removals.map(\.uniqueID))
            removals = previous.filter { !new.contains($0.uniqueID) && !seen.contains($0.uniqueID) } + removals
        }
        let unchanged = cycle.pending.map { Self.sameRemovals($0.removals, removals) } ?? false
        let batch =
            unchanged
            ? cycle.pending!
            : PendingBatch(id: Self.batchID(cycle.startedAt), stagedAt: cycle.startedAt, removals: removals)
        cycle.newBatch = unchanged ? nil : batch
        return .replace(batch)
    }

    static func sameRemovals(_ a: [PendingRemoval], _ b: [PendingRemoval]) -> Bool {
        Set(a.map { "\($0.uniqueID) \($0.action)" }) == Set(b.map { "\($0.uniqueID) \($0.action)" })
    }

    static func batchID(_ date: Date) -> String {
        "B" + String(Int64(date.timeIntervalSince1970 * 1000), radix: 36).uppercased()
    }

    private mutating func applied(_ report: SyncWriteReport, now: Date) -> [Action] {
        guard var cycle else { return [] }
        phase = .done
        var record = record(cycle, finishedAt: now, outcome: cycle.summary.staged ? .staged : .applied)
        record.added = report.added
        record.updated = report.updated
        record.disabled = report.disabled
        record.removed = report.removed
        record.errors = Self.capped(cycle.summary.skipped + report.errors)
        cycle.state.lastCycle = record
        self.cycle = cycle
        var actions: [Action] = [.saveState(cycle.state)]
        for error in report.errors { actions.append(.log(.warning, error)) }
        if let batch = cycle.newBatch {
            actions.append(
                .log(
                    .warning,
                    "\(batch.removals.count) users would be disabled or removed, more than sync.approval_threshold "
                        + "(\(settings.approvalThreshold)): staged as batch \(batch.id); review with "
                        + "'ldap-mfa-proxy sync pending', apply with 'ldap-mfa-proxy sync approve'"))
            actions.append(.notify(batch))
        }
        actions.append(
            .log(
                .info,
                "synchronisation finished (\(record.mode)): \(record.added) added, \(record.updated) updated, "
                    + "\(record.disabled) disabled, \(record.removed) removed, \(record.unchanged) unchanged, "
                    + "\(record.staged) staged, \(record.errors.count) not synchronised"))
        actions += [.releaseLease, .finished(.completed(record))]
        return actions
    }

    private mutating func failed(_ message: String, now: Date) -> [Action] {
        let leased = cycle?.leased ?? false
        phase = .done
        guard var cycle else { return [.finished(.skipped(message))] }
        let record = SyncCycleRecord(
            mode: cycle.mode.isEmpty ? "unknown" : cycle.mode, startedAt: cycle.startedAt, finishedAt: now,
            outcome: .failed, errors: [message])
        cycle.state.lastCycle = record
        self.cycle = cycle
        var actions: [Action] = [.log(.error, "synchronisation failed, nothing was changed: \(message)")]
        if leased { actions += [.saveState(cycle.state), .releaseLease] }
        actions.append(.finished(.completed(record)))
        return actions
    }

    private func record(_ cycle: Cycle, finishedAt: Date, outcome: SyncCycleRecord.Outcome) -> SyncCycleRecord {
        let plan = cycle.summary
        return SyncCycleRecord(
            mode: cycle.mode, startedAt: cycle.startedAt, finishedAt: finishedAt, outcome: outcome,
            added: plan.added, updated: plan.updated, disabled: plan.staged ? 0 : plan.disabled,
            removed: plan.staged ? 0 : plan.removed, unchanged: plan.unchanged, staged: plan.staged ? plan.removals : 0,
            errors: Self.capped(plan.skipped))
    }

    /// How many changes of one cycle are logged one by one.
    static let loggedChanges = 200

    /// At most 100 errors are kept in the store, then a count of the rest.
    static func capped(_ errors: [String]) -> [String] {
        guard errors.count > 100 else { return errors }
        return Array(errors.prefix(100)) + ["... and \(errors.count - 100) more"]
    }
}

/// The counts of a plan, kept for the cycle's record.
struct PlanSummary: Sendable {
    var added = 0
    var updated = 0
    var disabled = 0
    var removed = 0
    var unchanged = 0
    var removals = 0
    var staged = false
    var skipped: [String] = []

    init() {}

    init(_ plan: SyncPlan) {
        for change in plan.upserts {
            if change.kind == .add { added += 1 } else { updated += 1 }
        }
        for change in plan.removals {
            if change.kind == .remove { removed += 1 } else { disabled += 1 }
        }
        unchanged = plan.unchanged
        removals = plan.removals.count
        staged = plan.staged
        skipped = plan.skipped
    }
}

/// How a cycle ended.
public enum SyncOutcome: Sendable, Hashable {
    /// The cycle ran (applied, staged or failed: see the record).
    case completed(SyncCycleRecord)
    /// The cycle did not run: another instance holds the lease.
    case skipped(String)
}

public enum SyncLogLevel: Sendable, Hashable {
    case info, warning, error
}
