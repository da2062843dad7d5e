import UserStore

/// Decides what a cycle changes: pure, directory view and store snapshot in, ``SyncPlan`` out.
///
/// - A user in several items takes the first item (the view already says which).
/// - A directory user is matched to a row by unique identifier; failing that, a row enrolled by hand under the
///   same name (no unique identifier) is adopted, keeping its MFA data. A row of another directory user under that
///   name is never taken over: that would hand someone else's secret to a new person.
/// - A stored directory user that left every item is disabled or removed as its item says (`on_removal`); one
///   deleted in the directory too, except that `sync.remove_users` removes it whatever the item says. An item no
///   longer configured disables. Rows enrolled by hand are never disabled or removed by a synchronisation.
/// - More disables and removals than the approval threshold are staged, not applied; adds and updates still are.
public enum SyncPlanner {
    public struct Rules: Sendable, Hashable {
        public var items: [SyncItem]
        public var removeUsers: Bool
        public var approvalThreshold: Int

        /// "sync item 2 (container ...)" for each item, made once: every reason shares them.
        let labels: [String]
        let newIn: [String]

        public init(items: [SyncItem], removeUsers: Bool, approvalThreshold: Int) {
            self.labels = items.enumerated().map { "sync item \($0.offset + 1) (\($0.element.source.label))" }
            self.newIn = labels.map { "new in \($0)" }
            self.items = items
            self.removeUsers = removeUsers
            self.approvalThreshold = approvalThreshold
        }
    }

    public static func plan(_ view: DirectoryView, store: [StoredSyncUser], rules: Rules) -> SyncPlan {
        var plan = SyncPlan()
        plan.skipped = view.skipped
        // Indices, not copies: a cycle may hold 100,000 users on each side.
        var byID: [String: Int] = [:]
        var byKey: [String: Int] = [:]
        byID.reserveCapacity(store.count)
        byKey.reserveCapacity(store.count)
        for (index, row) in store.enumerated() {
            if let id = row.uniqueID { byID[id] = index }
            byKey[row.usernameKey] = index
        }
        let seen = Set(view.members.lazy.map(\.user.uniqueID))
        plan.removals = removals(store: store, seen: seen, scope: view.scope, rules: rules)
        plan.staged = plan.removals.count > rules.approvalThreshold
        var freed = Set<String>()
        if !plan.staged {
            for change in plan.removals where change.kind == .remove {
                if let index = byID[change.uniqueID] { freed.insert(store[index].usernameKey) }
            }
        }
        // Users with a row first, those keeping their name before renamed ones (a rename frees a name), then new
        // ones; the first user to claim a name has it.
        var claimed: [String: String] = [:]
        var (keeping, renamed, new) = ([Int](), [Int](), [Int]())
        for (index, member) in view.members.enumerated() {
            guard let row = byID[member.user.uniqueID] else {
                new.append(index)
                continue
            }
            if UsernameKey.of(member.user.username) == store[row].usernameKey {
                keeping.append(index)
            } else {
                renamed.append(index)
            }
        }
        for member in (keeping + renamed).lazy.map({ view.members[$0] }) {
            let row = store[byID[member.user.uniqueID]!]
            if let key = UsernameKey.of(member.user.username), key != row.usernameKey,
                let holder = byKey[key].map({ store[$0] }), holder.uniqueID != member.user.uniqueID,
                !freed.contains(key)
            {
                plan.skipped.append(
                    "\(member.user.username) (\(member.user.uniqueID)): cannot rename '\(row.username)' to "
                        + "'\(member.user.username)': the name belongs to \(owner(holder)); the row is left as it is")
                continue
            }
            guard let key = claim(member.user, &claimed, &plan) else { continue }
            if row.usernameKey != key { freed.insert(row.usernameKey) }
            update(member, row: row, rules: rules, plan: &plan)
        }
        for member in new.lazy.map({ view.members[$0] }) {
            guard let key = claim(member.user, &claimed, &plan) else { continue }
            let user = synced(member, rules)
            let item = itemLabel(member.itemIndex, rules)
            if let holder = byKey[key].map({ store[$0] }), !freed.contains(key) {
                guard holder.uniqueID == nil else {
                    plan.skipped.append(
                        "\(member.user.username) (\(member.user.uniqueID)): the name belongs to \(owner(holder)), "
                            + "which is not removed in this cycle; not added")
                    continue
                }
                plan.upserts.append(
                    change(
                        .adopt, member.user, "enrolled by hand; now linked to the directory user of \(item)",
                        user.syncItem, .adopt(usernameKey: key, user)))
            } else {
                plan.upserts.append(change(.add, member.user, rules.newIn[member.itemIndex], user.syncItem, .add(user)))
            }
        }
        return plan
    }

    /// The store key of the user's name, recorded as claimed; nil (and skipped) when another directory user of
    /// this cycle claimed it first, or the name is empty.
    private static func claim(_ user: DirectoryUser, _ claimed: inout [String: String], _ plan: inout SyncPlan)
        -> String?
    {
        guard let key = UsernameKey.of(user.username) else {
            plan.skipped.append("\(user.uniqueID): the username is empty")
            return nil
        }
        if let first = claimed[key] {
            plan.skipped.append(
                "\(user.username) (\(user.uniqueID)): another directory user (\(first)) has the same username; "
                    + "the first one found keeps it")
            return nil
        }
        claimed[key] = user.uniqueID
        return key
    }

    private static func update(
        _ member: DirectoryView.Member, row: StoredSyncUser, rules: Rules, plan: inout SyncPlan
    ) {
        let user = synced(member, rules)
        var reasons: [String] = []
        if row.username != user.username { reasons.append("username '\(row.username)' -> '\(user.username)'") }
        if let profile = row.profile {
            let fields = user.profile.differences(from: profile)
            if !fields.isEmpty { reasons.append("changed " + fields.joined(separator: ", ")) }
        } else {
            reasons.append("directory attributes were missing")
        }
        if !row.enabled { reasons.append("enabled again: back in \(itemLabel(member.itemIndex, rules))") }
        if row.syncItem != user.syncItem { reasons.append("now in \(itemLabel(member.itemIndex, rules))") }
        guard !reasons.isEmpty else {
            plan.unchanged += 1
            return
        }
        plan.upserts.append(
            change(.update, member.user, reasons.joined(separator: "; "), user.syncItem, .update(user)))
    }

    private static func removals(
        store: [StoredSyncUser], seen: Set<String>, scope: DirectoryView.Scope, rules: Rules
    ) -> [SyncPlan.Change] {
        var changes: [SyncPlan.Change] = []
        for row in store {
            guard let id = row.uniqueID, !seen.contains(id) else { continue }
            let deleted: Bool
            switch scope {
            case .complete(let present):
                deleted = !present.contains(id)
            case .partial(let examined, let tombstones):
                if tombstones.contains(id) {
                    deleted = true
                } else if examined.contains(id) {
                    deleted = false
                } else {
                    continue
                }
            }
            let index = rules.items.firstIndex { $0.key == row.syncItem }
            let action: RemovalAction =
                deleted && rules.removeUsers ? .remove : index.map { rules.items[$0].onRemoval } ?? .disable
            if action == .disable && !row.enabled { continue }
            var reason: String
            if deleted {
                reason = "deleted in the directory"
                if rules.removeUsers { reason += " (sync.remove_users)" }
            } else {
                reason = "no longer in any sync item"
            }
            if let index {
                if !(deleted && rules.removeUsers) { reason += "; \(itemLabel(index, rules)) says \(action.rawValue)" }
            } else {
                reason += "; its sync item (\(row.syncItem ?? "none")) is no longer configured, so disable"
            }
            let write: SyncWrite = action == .remove ? .remove(uniqueID: id) : .disable(uniqueID: id)
            changes.append(
                SyncPlan.Change(
                    kind: action == .remove ? .remove : .disable, username: row.username, uniqueID: id, reason: reason,
                    syncItem: row.syncItem, write: write))
        }
        return changes
    }

    private static func synced(_ member: DirectoryView.Member, _ rules: Rules) -> SyncedUser {
        SyncedUser(
            uniqueID: member.user.uniqueID, username: member.user.username, profile: member.user.profile,
            syncItem: rules.items[member.itemIndex].key)
    }

    private static func change(
        _ kind: SyncPlan.Change.Kind, _ user: DirectoryUser, _ reason: String, _ item: String?, _ write: SyncWrite
    ) -> SyncPlan.Change {
        SyncPlan.Change(
            kind: kind, username: user.username, uniqueID: user.uniqueID, reason: reason, syncItem: item, write: write)
    }

    static func itemLabel(_ index: Int, _ rules: Rules) -> String {
        rules.labels[index]
    }

    private static func owner(_ row: StoredSyncUser) -> String {
        row.uniqueID.map { "the row of another directory user (\($0))" } ?? "a user enrolled by hand"
    }
}

extension SyncItem.Source {
    /// "container ou=people,dc=example,dc=com" or "group cn=vpn,..., nested".
    public var label: String {
        switch self {
        case .container(let dn): "container \(dn)"
        case .group(let dn, let nested): "group \(dn)\(nested ? ", nested" : "")"
        }
    }
}
