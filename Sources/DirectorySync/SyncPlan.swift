import UserStore

/// The changes one cycle makes, each with its reason, as ``SyncPlanner`` computed them.
public struct SyncPlan: Sendable, Hashable {
    /// One change and why.
    public struct Change: Sendable, Hashable, CustomStringConvertible {
        public enum Kind: String, Sendable, Hashable {
            case add, adopt, update, disable, remove
        }

        public var kind: Kind
        public var username: String
        public var uniqueID: String
        public var reason: String
        /// The item the user belongs to (an upsert) or belonged to (a removal).
        public var syncItem: String?
        public var write: SyncWrite

        public var description: String { "\(kind.rawValue) \(username) (\(uniqueID)): \(reason)" }
    }

    /// Adds, adoptions and updates: always applied.
    public var upserts: [Change] = []
    /// Disables and removals: applied, or staged when there are more than the approval threshold.
    public var removals: [Change] = []
    /// True when the removals wait for approval instead of being applied.
    public var staged = false
    /// Users found in an item whose row needs no change.
    public var unchanged = 0
    /// Users that cannot be synchronised, and why (also the entries the directory read skipped).
    public var skipped: [String] = []

    /// What the store applies now.
    public var writes: [SyncWrite] {
        (staged ? [] : removals.map(\.write)) + upserts.map(\.write)
    }

    public func count(_ kind: Change.Kind) -> Int {
        (upserts + removals).count { $0.kind == kind }
    }

    /// The removals as a batch to stage.
    public func pendingRemovals() -> [PendingRemoval] {
        removals.map { change in
            PendingRemoval(
                uniqueID: change.uniqueID, username: change.username,
                action: change.kind == .remove ? .remove : .disable,
                reason: change.reason, syncItem: change.syncItem)
        }
    }
}
