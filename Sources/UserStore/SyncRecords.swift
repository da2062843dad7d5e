import Foundation

/// What the directory says about a user, as the store keeps it (migration "v2"): every attribute row of Azure MFA
/// Server's directory integration except the username, which is the row's key. `nil` means the directory has no
/// value (or the attribute is not mapped).
///
/// The fields live in one array (copy-on-write), so copies of a profile cost a pointer: a cycle passes 100,000 of
/// them from the directory read to the plan to the store.
public struct DirectoryProfile: Sendable, Hashable {
    /// In the order of ``columns``.
    private var values: [String?]

    public init(dn: String) {
        values = [dn] + Array(repeating: nil, count: Self.columns.count - 1)
    }

    /// The entry's distinguished name (from the `distinguished_name` attribute, or the entry's own name).
    public var dn: String {
        get { values[0] ?? "" }
        set { values[0] = newValue }
    }

    public var firstName: String? {
        get { values[1] }
        set { values[1] = newValue }
    }

    public var lastName: String? {
        get { values[2] }
        set { values[2] = newValue }
    }

    public var email: String? {
        get { values[3] }
        set { values[3] = newValue }
    }

    public var userGroup: String? {
        get { values[4] }
        set { values[4] = newValue }
    }

    public var description: String? {
        get { values[5] }
        set { values[5] = newValue }
    }

    public var phoneCallLanguage: String? {
        get { values[6] }
        set { values[6] = newValue }
    }

    public var textMessageLanguage: String? {
        get { values[7] }
        set { values[7] = newValue }
    }

    public var mobileAppLanguage: String? {
        get { values[8] }
        set { values[8] = newValue }
    }

    public var oathTokenLanguage: String? {
        get { values[9] }
        set { values[9] = newValue }
    }

    public var businessPhone: String? {
        get { values[10] }
        set { values[10] = newValue }
    }

    public var homePhone: String? {
        get { values[11] }
        set { values[11] = newValue }
    }

    public var pager: String? {
        get { values[12] }
        set { values[12] = newValue }
    }

    public var mobilePhone: String? {
        get { values[13] }
        set { values[13] = newValue }
    }

    public var fax: String? {
        get { values[14] }
        set { values[14] = newValue }
    }

    public var ipPhone: String? {
        get { values[15] }
        set { values[15] = newValue }
    }

    public var customPhone: String? {
        get { values[16] }
        set { values[16] = newValue }
    }

    /// The extension of the primary phone number.
    public var phoneExtension: String? {
        get { values[17] }
        set { values[17] = newValue }
    }

    /// The stored columns, in the order of the values (`users` table, migration "v2").
    static let columns = [
        "dn", "first_name", "last_name", "email", "user_group", "description", "phone_call_language",
        "text_message_language", "mobile_app_language", "oath_token_language", "business_phone", "home_phone",
        "pager", "mobile_phone", "fax", "ip_phone", "custom_phone", "phone_extension",
    ]

    var columnValues: [String?] { values }

    init(columnValues: [String?]) {
        precondition(columnValues.count == Self.columns.count)
        values = columnValues
    }

    /// The names (as `users list --json` spells them) of the fields that differ from `other`.
    public func differences(from other: DirectoryProfile) -> [String] {
        guard values != other.values else { return [] }
        return Self.columns.indices.compactMap { values[$0] == other.values[$0] ? nil : Self.columns[$0] }
    }

    /// The fields with a value, keyed as `users list --json` spells them.
    public var fields: [String: String] {
        var result: [String: String] = [:]
        for (name, value) in zip(Self.columns, values) where value != nil { result[name] = value }
        return result
    }
}

/// A user row as the synchroniser sees it: the directory side of the row and whether it has MFA data, never the
/// MFA data itself.
public struct StoredSyncUser: Sendable, Hashable {
    /// The row's key: the username, NFC-normalised and lowercased.
    public var usernameKey: String
    public var username: String
    /// The directory's unique identifier (text form); `nil` for a user only enrolled by hand.
    public var uniqueID: String?
    public var profile: DirectoryProfile?
    public var enabled: Bool
    /// The key of the sync item the user came from (``SyncedUser/syncItem``).
    public var syncItem: String?
    /// True when the user has a TOTP secret.
    public var enrolled: Bool

    public init(
        usernameKey: String, username: String, uniqueID: String?, profile: DirectoryProfile?, enabled: Bool,
        syncItem: String?, enrolled: Bool
    ) {
        self.usernameKey = usernameKey
        self.username = username
        self.uniqueID = uniqueID
        self.profile = profile
        self.enabled = enabled
        self.syncItem = syncItem
        self.enrolled = enrolled
    }
}

/// A user as a synchronisation writes it: identity, attributes and the sync item it belongs to.
public struct SyncedUser: Sendable, Hashable {
    /// The directory's unique identifier in text form (a GUID in canonical form, or the attribute's text).
    public var uniqueID: String
    public var username: String
    public var profile: DirectoryProfile
    /// A stable key of the sync item that gives the user its settings (the first item containing the user).
    public var syncItem: String

    public init(uniqueID: String, username: String, profile: DirectoryProfile, syncItem: String) {
        self.uniqueID = uniqueID
        self.username = username
        self.profile = profile
        self.syncItem = syncItem
    }
}

/// What happens to a user who left every sync item or was deleted in the directory.
public enum RemovalAction: String, Sendable, Hashable, Codable, CaseIterable {
    /// The row stays, with its MFA data, marked disabled.
    case disable
    /// The row and its MFA data are deleted.
    case remove
}

/// One change a synchronisation applies to the store.
public enum SyncWrite: Sendable, Hashable {
    /// A new row for a directory user.
    case add(SyncedUser)
    /// Links a row enrolled by hand (no unique identifier yet) with the directory user of the same name.
    case adopt(usernameKey: String, SyncedUser)
    /// Refreshes the row of `user.uniqueID`: attributes, name (the row is re-keyed and its secret re-sealed when the
    /// name changes), sync item, and enabled again.
    case update(SyncedUser)
    /// Marks the row of the unique identifier disabled, keeping its MFA data.
    case disable(uniqueID: String)
    /// Deletes the row of the unique identifier, MFA data included.
    case remove(uniqueID: String)
}

/// A disable or remove waiting for an administrator's approval (`sync pending`, `sync approve`).
public struct PendingRemoval: Sendable, Hashable, Codable {
    public var uniqueID: String
    public var username: String
    public var action: RemovalAction
    /// Why, for people: e.g. "no longer in any sync item" or "deleted in the directory".
    public var reason: String
    public var syncItem: String?

    public init(uniqueID: String, username: String, action: RemovalAction, reason: String, syncItem: String?) {
        self.uniqueID = uniqueID
        self.username = username
        self.action = action
        self.reason = reason
        self.syncItem = syncItem
    }
}

/// The staged changes of one cycle that crossed the approval threshold.
public struct PendingBatch: Sendable, Hashable, Codable {
    /// Names this staging, so `sync approve --batch` can insist on the batch that was reviewed.
    public var id: String
    public var stagedAt: Date
    public var removals: [PendingRemoval]

    public init(id: String, stagedAt: Date, removals: [PendingRemoval]) {
        self.id = id
        self.stagedAt = stagedAt
        self.removals = removals
    }
}

/// The outcome of one cycle, as `sync status` shows it.
public struct SyncCycleRecord: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// Every change was applied.
        case applied
        /// Adds and updates were applied; disables and removals wait for approval.
        case staged
        /// The cycle failed; nothing was written.
        case failed
    }

    public var mode: String
    public var startedAt: Date
    public var finishedAt: Date
    public var outcome: Outcome
    public var added: Int
    public var updated: Int
    public var disabled: Int
    public var removed: Int
    public var unchanged: Int
    public var staged: Int
    /// Users the cycle could not take (no username, unreadable identifier, name held by another user, ...) and
    /// the failure of a failed cycle.
    public var errors: [String]

    public init(
        mode: String, startedAt: Date, finishedAt: Date, outcome: Outcome, added: Int = 0, updated: Int = 0,
        disabled: Int = 0, removed: Int = 0, unchanged: Int = 0, staged: Int = 0, errors: [String] = []
    ) {
        self.mode = mode
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.added = added
        self.updated = updated
        self.disabled = disabled
        self.removed = removed
        self.unchanged = unchanged
        self.staged = staged
        self.errors = errors
    }
}

/// The synchroniser's memory between cycles (`sync_state`).
public struct SyncStateRecord: Sendable, Hashable {
    /// The ordered sync items, as text, at the last successful full synchronisation.
    public var itemsFingerprint: String?
    /// The filters, attribute mapping and base DN at the last successful full synchronisation.
    public var settingsFingerprint: String?
    /// The DirSync cookie: where the next incremental cycle starts. `nil` until a full sync set one.
    public var dirSyncCookie: [UInt8]?
    /// Why there is no cookie (the directory has no DirSync, the account may not use it, ...).
    public var dirSyncNote: String?
    public var lastFullSyncAt: Date?
    public var lastCycle: SyncCycleRecord?

    public init(
        itemsFingerprint: String? = nil, settingsFingerprint: String? = nil, dirSyncCookie: [UInt8]? = nil,
        dirSyncNote: String? = nil, lastFullSyncAt: Date? = nil, lastCycle: SyncCycleRecord? = nil
    ) {
        self.itemsFingerprint = itemsFingerprint
        self.settingsFingerprint = settingsFingerprint
        self.dirSyncCookie = dirSyncCookie
        self.dirSyncNote = dirSyncNote
        self.lastFullSyncAt = lastFullSyncAt
        self.lastCycle = lastCycle
    }
}

/// Who holds the one-syncer-at-a-time lease, and until when.
public struct SyncLease: Sendable, Hashable {
    public var holder: String
    public var acquiredAt: Date
    public var expiresAt: Date

    public init(holder: String, acquiredAt: Date, expiresAt: Date) {
        self.holder = holder
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
    }
}
