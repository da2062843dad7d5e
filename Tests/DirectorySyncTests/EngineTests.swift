import DirectorySync
import Foundation
import LDAPCore
import Testing
import UserStore

@Suite("The sync engine as a state machine")
struct EngineTests {
    let people = SyncItem(.container(Fixtures.people), onRemoval: .disable)
    let vpn = SyncItem(.group(Fixtures.vpn, nested: true), onRemoval: .remove)
    let start = Date(timeIntervalSince1970: 1_750_000_000)
    let dirSync = DirectoryCapabilities(supportedControls: [PagedResultsControl.oid, DirSyncRequestControl.oid])

    /// The state a successful full synchronisation with `settings` leaves.
    func synced(_ settings: SyncSettings, cookie: [UInt8]? = [1, 2]) -> SyncStateRecord {
        SyncStateRecord(
            itemsFingerprint: settings.itemsFingerprint, settingsFingerprint: settings.settingsFingerprint,
            dirSyncCookie: cookie, lastFullSyncAt: start.addingTimeInterval(-3600))
    }

    /// Drives a scheduled cycle up to the read and returns the read action.
    func readAction(
        _ settings: SyncSettings, state: SyncStateRecord, trigger: SyncEngine.Trigger = .scheduled,
        capabilities: DirectoryCapabilities? = nil
    ) -> (SyncEngine, [SyncEngine.Action]) {
        var engine = SyncEngine(settings: settings)
        #expect(actionNames(engine.handle(.start(trigger, now: start))) == ["acquireLease"])
        #expect(actionNames(engine.handle(.leaseAcquired)) == ["loadState"])
        let actions = engine.handle(.stateLoaded(state, pending: nil, capabilities: capabilities ?? dirSync))
        return (engine, actions)
    }

    func actionNames(_ actions: [SyncEngine.Action]) -> [String] {
        actions.compactMap { action in
            switch action {
            case .acquireLease: "acquireLease"
            case .loadState: "loadState"
            case .readFull: "readFull"
            case .readChanges: "readChanges"
            case .apply: "apply"
            case .saveState: "saveState"
            case .notify: "notify"
            case .log: nil
            case .releaseLease: "releaseLease"
            case .finished: "finished"
            }
        }
    }

    func fullReason(_ actions: [SyncEngine.Action]) -> String? {
        for case .readFull(let reason, _) in actions { return reason }
        return nil
    }

    @Test("the first cycle is a full synchronisation that also takes a DirSync starting point")
    func firstCycleIsFull() {
        let settings = Fixtures.settings([people])
        let (_, actions) = readAction(settings, state: SyncStateRecord())
        #expect(fullReason(actions) == "no full synchronisation has run yet")
        #expect(actions.contains { if case .readFull(_, true) = $0 { true } else { false } })
    }

    @Test("with an unchanged configuration and a cookie, a scheduled cycle is incremental")
    func incremental() {
        let settings = Fixtures.settings([people, vpn])
        let (_, actions) = readAction(settings, state: synced(settings))
        #expect(actions.contains { if case .readChanges([1, 2]) = $0 { true } else { false } })
    }

    @Test(
        "any change to the items, order included, requires a full synchronisation, and the log says so",
        arguments: [
            "added", "removed", "reordered", "on_removal changed", "nested changed",
        ])
    func itemsChangedRequireFull(_ change: String) {
        let before = Fixtures.settings([people, vpn])
        let items: [SyncItem] =
            switch change {
            case "added": [people, vpn, SyncItem(.container(Fixtures.staff))]
            case "removed": [people]
            case "reordered": [vpn, people]
            case "on_removal changed": [SyncItem(.container(Fixtures.people), onRemoval: .remove), vpn]
            default: [people, SyncItem(.group(Fixtures.vpn, nested: false), onRemoval: .remove)]
            }
        let (_, actions) = readAction(Fixtures.settings(items), state: synced(before))
        let reason = fullReason(actions)
        #expect(reason?.contains("sync items were added, changed, removed or reordered") == true)
        #expect(
            actions.contains { action in
                if case .log(.warning, let text) = action {
                    text.contains("full synchronisation is required")
                } else {
                    false
                }
            })
        let status = SyncStatus(state: synced(before), pending: nil, lease: nil, settings: Fixtures.settings(items))
        #expect(status.fullSyncRequired == reason)
    }

    @Test("sync now, always_full, a changed filter, or a directory without DirSync read everything")
    func otherFullReasons() {
        let settings = Fixtures.settings([people])
        #expect(fullReason(readAction(settings, state: synced(settings), trigger: .manual).1) == "synchronise now")
        let always = Fixtures.settings([people], alwaysFull: true)
        let (_, alwaysActions) = readAction(always, state: synced(always))
        #expect(fullReason(alwaysActions) == "sync.always_full")
        #expect(alwaysActions.contains { if case .readFull(_, false) = $0 { true } else { false } })
        var filtered = settings
        filtered.filters.user = .present("uid")
        #expect(fullReason(readAction(filtered, state: synced(settings)).1)?.contains("filters") == true)
        let plain = DirectoryCapabilities(supportedControls: [PagedResultsControl.oid])
        #expect(
            fullReason(readAction(settings, state: synced(settings), capabilities: plain).1)
                == "the directory does not offer DirSync")
    }

    @Test("a refused DirSync falls back to a full read in the same cycle")
    func dirSyncRefused() {
        let settings = Fixtures.settings([people])
        var (engine, _) = readAction(settings, state: synced(settings))
        let actions = engine.handle(.dirSyncRefused("the directory refused DirSync with insufficientAccessRights (50)"))
        #expect(actionNames(actions) == ["readFull"])
    }

    @Test("a full read is planned and applied in one transaction with the new fingerprints and cookie")
    func appliesFullPlan() throws {
        let settings = Fixtures.settings([people])
        var (engine, _) = readAction(settings, state: SyncStateRecord())
        let users = [Fixtures.user("alice"), Fixtures.user("bob")]
        let view = DirectoryView(
            members: users.map { DirectoryView.Member($0, itemIndex: 0) },
            scope: .complete(present: ["id-alice", "id-bob"]),
            dirSyncCookie: [9])
        let actions = engine.handle(.directoryRead(view, store: []))
        guard case .apply(let writes, let pending, let state)? = actions.last else {
            Issue.record("expected apply, got \(actionNames(actions))")
            return
        }
        #expect(writes.count == 2)
        #expect(pending == .clear)
        #expect(state.itemsFingerprint == settings.itemsFingerprint && state.dirSyncCookie == [9])
        #expect(state.lastFullSyncAt == start)
        var report = SyncWriteReport()
        report.added = 2
        let done = engine.handle(.applied(report, now: start.addingTimeInterval(2)))
        #expect(actionNames(done) == ["saveState", "releaseLease", "finished"])
        guard case .finished(.completed(let record))? = done.last else { return }
        #expect(record.added == 2 && record.outcome == .applied && record.mode == "full")
    }

    @Test("removals above the threshold are staged, notified once, and not notified again when unchanged")
    func staging() {
        let settings = Fixtures.settings([people], threshold: 2)
        let leaving = ["a", "b", "c"].map { Fixtures.user($0) }
        let stored = leaving.map { Fixtures.row($0, item: people) }
        let view = DirectoryView(members: [], scope: .complete(present: []))
        var (engine, _) = readAction(settings, state: synced(settings), trigger: .manual)
        let actions = engine.handle(.directoryRead(view, store: stored))
        guard case .apply(let writes, .replace(let batch), let state)? = actions.last else {
            Issue.record("expected a staged batch")
            return
        }
        #expect(writes.isEmpty && batch.removals.count == 3)
        #expect(state.lastCycle?.outcome == .staged && state.lastCycle?.staged == 3)
        let done = engine.handle(.applied(SyncWriteReport(), now: start))
        #expect(actionNames(done) == ["saveState", "notify", "releaseLease", "finished"])

        // The next cycle finds the same: the batch stays, nobody is notified again.
        var next = SyncEngine(settings: settings)
        _ = next.handle(.start(.manual, now: start.addingTimeInterval(60)))
        _ = next.handle(.leaseAcquired)
        _ = next.handle(.stateLoaded(state, pending: batch, capabilities: dirSync))
        let again = next.handle(.directoryRead(view, store: stored))
        guard case .apply(_, .replace(let same), _)? = again.last else { return }
        #expect(same.id == batch.id)
        #expect(!actionNames(next.handle(.applied(SyncWriteReport(), now: start))).contains("notify"))
    }

    @Test("an incremental cycle adds its staged removals to the batch and drops users seen again")
    func incrementalStagingMerges() {
        let settings = Fixtures.settings([people], threshold: 1)
        let previous = PendingBatch(
            id: "B1", stagedAt: start,
            removals: ["x", "y"].map {
                PendingRemoval(
                    uniqueID: "id-\($0)", username: $0, action: .disable, reason: "gone", syncItem: people.key)
            })
        var engine = SyncEngine(settings: settings)
        _ = engine.handle(.start(.scheduled, now: start))
        _ = engine.handle(.leaseAcquired)
        _ = engine.handle(.stateLoaded(synced(settings), pending: previous, capabilities: dirSync))
        let stored = ["x", "y", "p", "q"].map { Fixtures.row(Fixtures.user($0), item: people) }
        let view = DirectoryView(
            members: [DirectoryView.Member(Fixtures.user("y"), itemIndex: 0)],
            scope: .partial(examined: ["id-y"], deleted: ["id-p", "id-q"]))
        let actions = engine.handle(.directoryRead(view, store: stored))
        guard case .apply(_, .replace(let batch), _)? = actions.last else {
            Issue.record("expected a replaced batch")
            return
        }
        #expect(Set(batch.removals.map(\.username)) == ["x", "p", "q"])
    }

    @Test("another holder's lease skips the cycle; a failure records it and gives the lease back")
    func leaseAndFailure() {
        var engine = SyncEngine(settings: Fixtures.settings([people]))
        _ = engine.handle(.start(.scheduled, now: start))
        let lease = SyncLease(holder: "other/1", acquiredAt: start, expiresAt: start.addingTimeInterval(60))
        let skipped = engine.handle(.leaseHeld(lease))
        #expect(actionNames(skipped) == ["finished"])

        var failing = SyncEngine(settings: Fixtures.settings([people]))
        _ = failing.handle(.start(.scheduled, now: start))
        _ = failing.handle(.leaseAcquired)
        let actions = failing.handle(.failed("connection refused", now: start))
        #expect(actionNames(actions) == ["saveState", "releaseLease", "finished"])
        guard case .saveState(let state) = actions.first(where: { if case .saveState = $0 { true } else { false } })
        else { return }
        #expect(state.lastCycle?.outcome == .failed && state.lastCycle?.errors == ["connection refused"])
    }

    @Test("cycles start an interval apart, start to start; an overrunning one is followed at once")
    func schedule() {
        var schedule = SyncSchedule(interval: .seconds(600))
        #expect(schedule.nextStart(now: start) == start)
        schedule.started(at: start)
        #expect(schedule.nextStart(now: start.addingTimeInterval(120)) == start.addingTimeInterval(600))
        #expect(schedule.nextStart(now: start.addingTimeInterval(900)) == start.addingTimeInterval(900))
    }
}
