import DirectorySync
import LDAPCore
import Testing
import UserStore

@Suite("Planning a cycle")
struct PlannerTests {
    let people = SyncItem(.container(Fixtures.people), onRemoval: .disable)
    let vpn = SyncItem(.group(Fixtures.vpn, nested: false), onRemoval: .remove)

    func rules(_ items: [SyncItem], threshold: Int = 5, removeUsers: Bool = false) -> SyncPlanner.Rules {
        SyncPlanner.Rules(items: items, removeUsers: removeUsers, approvalThreshold: threshold)
    }

    func view(
        _ users: [DirectoryUser], items: [SyncItem], groups: [Int: [DirectoryUser]] = [:], present: [DirectoryUser] = []
    )
        -> DirectoryView
    {
        let membership = ItemMembership(items: items, groupMembers: groups.mapValues { Set($0.map(\.entryName)) })
        let all = users + present
        return DirectoryView(members: membership.members(users), scope: .complete(present: Set(all.map(\.uniqueID))))
    }

    @Test("a first full synchronisation adds every user of the items, with its item and a reason")
    func firstFullSync() {
        let users = ["alice", "bob", "carol"].map { Fixtures.user($0) }
        let outsider = Fixtures.user("olga", in: Fixtures.staff)
        let plan = SyncPlanner.plan(view(users + [outsider], items: [people]), store: [], rules: rules([people]))
        #expect(plan.upserts.map(\.kind) == [.add, .add, .add])
        #expect(plan.upserts.map(\.username) == ["alice", "bob", "carol"])
        #expect(plan.upserts.allSatisfy { $0.syncItem == people.key && $0.reason.contains("new in sync item 1") })
        #expect(plan.removals.isEmpty && !plan.staged && plan.writes.count == 3)
    }

    @Test("a user in several items takes the first item in priority order")
    func itemPriority() {
        let alice = Fixtures.user("alice")
        let bob = Fixtures.user("bob")
        let groupFirst = [vpn, people]
        let plan = SyncPlanner.plan(
            view([alice, bob], items: groupFirst, groups: [0: [alice]]), store: [], rules: rules(groupFirst))
        #expect(plan.upserts.first { $0.username == "alice" }?.syncItem == vpn.key)
        #expect(plan.upserts.first { $0.username == "bob" }?.syncItem == people.key)

        // Reordered, the container comes first: alice's row moves to it.
        let containerFirst = [people, vpn]
        let stored = [Fixtures.row(alice, item: vpn), Fixtures.row(bob, item: people)]
        let again = SyncPlanner.plan(
            view([alice, bob], items: containerFirst, groups: [1: [alice]]), store: stored, rules: rules(containerFirst)
        )
        #expect(again.upserts.map(\.username) == ["alice"])
        #expect(again.upserts.first?.reason.contains("now in sync item 1") == true)
        #expect(again.unchanged == 1)
    }

    @Test("changed attributes update the row and say which; identical rows are unchanged")
    func updates() {
        let alice = Fixtures.user("alice")
        var changed = alice
        changed.profile.mobilePhone = "555 1234"
        let plan = SyncPlanner.plan(
            view([changed, Fixtures.user("bob")], items: [people]),
            store: [Fixtures.row(alice, item: people), Fixtures.row(Fixtures.user("bob"), item: people)],
            rules: rules([people]))
        #expect(plan.upserts.map(\.kind) == [.update])
        #expect(plan.upserts.first?.reason == "changed mobile_phone")
        #expect(plan.unchanged == 1)
    }

    @Test("removals: left an item follows on_removal, deleted too unless remove_users, orphaned items disable")
    func removalClassification() {
        let (alice, bob, carol, dave) = (
            Fixtures.user("alice"), Fixtures.user("bob"), Fixtures.user("carol"), Fixtures.user("dave")
        )
        let gone = SyncItem(.container(Fixtures.staff), onRemoval: .remove)
        let stored = [
            Fixtures.row(alice, item: people),  // still there
            Fixtures.row(bob, item: vpn),  // still in the directory, no longer in the group
            Fixtures.row(carol, item: people),  // deleted in the directory
            Fixtures.row(dave, item: gone),  // its item is no longer configured
        ]
        let items = [people, vpn]
        let directory = view([alice], items: items, present: [bob, dave])
        let plan = SyncPlanner.plan(directory, store: stored, rules: rules(items))
        let actions = Dictionary(uniqueKeysWithValues: plan.removals.map { ($0.username, $0.kind) })
        #expect(actions == ["bob": .remove, "carol": .disable, "dave": .disable])
        #expect(plan.removals.first { $0.username == "carol" }?.reason.hasPrefix("deleted in the directory") == true)
        #expect(plan.removals.first { $0.username == "bob" }?.reason.contains("no longer in any sync item") == true)
        #expect(plan.removals.first { $0.username == "dave" }?.reason.contains("no longer configured") == true)

        let removing = SyncPlanner.plan(directory, store: stored, rules: rules(items, removeUsers: true))
        #expect(removing.removals.first { $0.username == "carol" }?.kind == .remove)
        #expect(removing.removals.first { $0.username == "bob" }?.kind == .remove)
    }

    @Test("rows enrolled by hand are never removed, and a disabled row is not disabled again")
    func untouchable() {
        let manual = StoredSyncUser(
            usernameKey: "root", username: "root", uniqueID: nil, profile: nil, enabled: true, syncItem: nil,
            enrolled: true)
        let disabled = Fixtures.row(Fixtures.user("bob"), item: people, enabled: false)
        let plan = SyncPlanner.plan(view([], items: [people]), store: [manual, disabled], rules: rules([people]))
        #expect(plan.removals.isEmpty && plan.upserts.isEmpty)
    }

    @Test("more disables and removals than the threshold are staged; adds and updates still apply")
    func thresholdStaging() {
        let leaving = (1...6).map { Fixtures.user("u\($0)") }
        let stored = leaving.map { Fixtures.row($0, item: people) }
        let newcomer = Fixtures.user("new")
        let directory = view([newcomer], items: [people], present: leaving)
        let staged = SyncPlanner.plan(directory, store: stored, rules: rules([people], threshold: 5))
        #expect(staged.staged && staged.removals.count == 6)
        #expect(
            staged.writes == [
                .add(SyncedUser(uniqueID: "id-new", username: "new", profile: newcomer.profile, syncItem: people.key))
            ])
        #expect(staged.pendingRemovals().map(\.action) == Array(repeating: .disable, count: 6))

        let applied = SyncPlanner.plan(directory, store: Array(stored.prefix(5)), rules: rules([people], threshold: 5))
        #expect(!applied.staged && applied.writes.count == 6)
    }

    @Test("a row enrolled by hand is adopted by the directory user of its name, keeping its MFA data")
    func adoption() {
        let manual = StoredSyncUser(
            usernameKey: "alice", username: "Alice", uniqueID: nil, profile: nil, enabled: true, syncItem: nil,
            enrolled: true)
        let plan = SyncPlanner.plan(
            view([Fixtures.user("alice")], items: [people]), store: [manual], rules: rules([people]))
        #expect(plan.upserts.map(\.kind) == [.adopt])
        guard case .adopt(let key, let user)? = plan.upserts.first?.write else {
            Issue.record("expected an adoption")
            return
        }
        #expect(key == "alice" && user.uniqueID == "id-alice")
    }

    @Test("a new person never takes over the row of another directory user of the same name")
    func nameConflicts() {
        let old = Fixtures.user("alice")
        var newcomer = Fixtures.user("alice")
        newcomer.uniqueID = "id-alice-2"
        // The old alice left but is only disabled: the new one cannot be added.
        let plan = SyncPlanner.plan(
            view([newcomer], items: [people]), store: [Fixtures.row(old, item: people)], rules: rules([people]))
        #expect(plan.upserts.isEmpty)
        #expect(plan.removals.map(\.kind) == [.disable])
        #expect(plan.skipped.first?.contains("belongs to the row of another directory user (id-alice)") == true)
        // Removed in the same cycle, the name is free.
        let removing = SyncItem(.container(Fixtures.people), onRemoval: .remove)
        let freed = SyncPlanner.plan(
            view([newcomer], items: [removing]), store: [Fixtures.row(old, item: removing)], rules: rules([removing]))
        #expect(freed.removals.map(\.kind) == [.remove])
        #expect(freed.upserts.map(\.kind) == [.add])
        // Two directory users with one name: the first keeps it.
        let twice = SyncPlanner.plan(view([old, newcomer], items: [people]), store: [], rules: rules([people]))
        #expect(twice.upserts.map(\.uniqueID) == ["id-alice"])
        #expect(twice.skipped.count == 1)
    }

    @Test("a renamed directory user keeps its row; a rename onto another user's name is refused")
    func renames() {
        let alice = Fixtures.user("alice")
        var renamed = alice
        renamed.username = "alice.liddell"
        let plan = SyncPlanner.plan(
            view([renamed], items: [people]), store: [Fixtures.row(alice, item: people)], rules: rules([people]))
        #expect(plan.upserts.map(\.kind) == [.update])
        #expect(plan.upserts.first?.reason.contains("username 'alice' -> 'alice.liddell'") == true)

        var clash = alice
        clash.username = "bob"
        let bob = Fixtures.user("bob")
        let refused = SyncPlanner.plan(
            view([clash, bob], items: [people]),
            store: [Fixtures.row(alice, item: people), Fixtures.row(bob, item: people)], rules: rules([people]))
        #expect(refused.upserts.isEmpty)
        #expect(refused.skipped.count == 1)
    }

    @Test("an incremental view judges only the users it examined and the tombstones")
    func partialScope() {
        let (alice, bob, carol) = (Fixtures.user("alice"), Fixtures.user("bob"), Fixtures.user("carol"))
        let stored = [alice, bob, carol].map { Fixtures.row($0, item: people) }
        let partial = DirectoryView(members: [], scope: .partial(examined: ["id-bob"], deleted: ["id-carol"]))
        let plan = SyncPlanner.plan(partial, store: stored, rules: rules([people], removeUsers: true))
        #expect(
            Dictionary(uniqueKeysWithValues: plan.removals.map { ($0.username, $0.kind) }) == [
                "bob": .disable, "carol": .remove,
            ])
    }
}
