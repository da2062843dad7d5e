import LDAPCore
import UserStore

/// What one cycle learnt from the directory: the users it found with the item each belongs to, and how much of the
/// directory it looked at (which decides who counts as gone).
public struct DirectoryView: Sendable {
    /// How far the cycle's knowledge goes.
    public enum Scope: Sendable, Hashable {
        /// A full read: `present` holds the unique identifier of every user below the base DN that matches the user
        /// filter, in a sync item or not. A stored user missing from it was deleted in the directory; one present
        /// but in no item left its items.
        case complete(present: Set<String>)
        /// An incremental read: only `examined` users (changed, or whose groups changed) and `deleted` ones (DirSync
        /// tombstones) are judged; every other stored user is left alone.
        case partial(examined: Set<String>, deleted: Set<String>)
    }

    /// A user found in a sync item, and the index of the first item (in priority order) that holds it.
    public struct Member: Sendable, Hashable {
        public var user: DirectoryUser
        public var itemIndex: Int

        public init(_ user: DirectoryUser, itemIndex: Int) {
            self.user = user
            self.itemIndex = itemIndex
        }
    }

    public var members: [Member]
    public var scope: Scope
    /// Entries that could not become users, and why.
    public var skipped: [String]
    /// The DirSync cookie to continue from after this cycle (a full read may start a new one); nil for none.
    public var dirSyncCookie: [UInt8]?
    /// Why there is no cookie, when there is none.
    public var dirSyncNote: String?

    public init(
        members: [Member], scope: Scope, skipped: [String] = [], dirSyncCookie: [UInt8]? = nil,
        dirSyncNote: String? = nil
    ) {
        self.members = members
        self.scope = scope
        self.skipped = skipped
        self.dirSyncCookie = dirSyncCookie
        self.dirSyncNote = dirSyncNote
    }
}

/// Which item holds a user: containers by the user's DN, groups by their (expanded) member lists.
public struct ItemMembership: Sendable {
    let items: [SyncItem]
    let containers: [EntryName?]
    /// For each group item, the normalised DNs of its members (nested ones too when the item says so).
    public var groupMembers: [Int: Set<EntryName>]

    public init(items: [SyncItem], groupMembers: [Int: Set<EntryName>] = [:]) {
        self.items = items
        self.containers = items.map { item in
            if case .container(let dn) = item.source { EntryName(dn) } else { nil }
        }
        self.groupMembers = groupMembers
    }

    /// The index of the first item that holds the entry `name`; nil when none does.
    public func itemIndex(of name: EntryName) -> Int? {
        items.indices.first { index in
            if let container = containers[index] { return name.isWithin(subtree: container) }
            return groupMembers[index]?.contains(name) ?? false
        }
    }

    /// Every user of `users` that an item holds, with that item.
    public func members(_ users: some Sequence<DirectoryUser>) -> [DirectoryView.Member] {
        users.compactMap { user in itemIndex(of: user.entryName).map { DirectoryView.Member(user, itemIndex: $0) } }
    }
}
