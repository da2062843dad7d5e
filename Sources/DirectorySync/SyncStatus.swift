import Foundation
import UserStore

/// What `sync status` shows: the last cycle, whether a full synchronisation is required, the DirSync state, the
/// lease and the staged batch.
public struct SyncStatus: Sendable {
    public var state: SyncStateRecord
    public var pending: PendingBatch?
    public var lease: SyncLease?
    /// Why the next cycle must be a full synchronisation; nil when an incremental one may run.
    public var fullSyncRequired: String?
    public var items: [SyncItem]

    public init(
        state: SyncStateRecord, pending: PendingBatch?, lease: SyncLease?, settings: SyncSettings
    ) {
        self.state = state
        self.pending = pending
        self.lease = lease
        self.items = settings.items
        self.fullSyncRequired = Self.fullSyncRequirement(state: state, settings: settings)
    }

    /// Reads the store's side of the status.
    public static func load(store: any MFAUserStore, settings: SyncSettings) async throws -> SyncStatus {
        SyncStatus(
            state: try await store.syncState(), pending: try await store.pendingBatch(),
            lease: try await store.syncLease(), settings: settings)
    }

    /// Why incremental synchronisation may not run before a full one: none ran yet, or the items (any change,
    /// order included), filters, attribute mapping or base DN changed since the last one.
    public static func fullSyncRequirement(state: SyncStateRecord, settings: SyncSettings) -> String? {
        guard let items = state.itemsFingerprint, state.lastFullSyncAt != nil else {
            return "no full synchronisation has run yet"
        }
        if items != settings.itemsFingerprint {
            return "the sync items were added, changed, removed or reordered since the last full synchronisation"
        }
        if state.settingsFingerprint != settings.settingsFingerprint {
            return "the base DN, filters or attribute mapping changed since the last full synchronisation"
        }
        return nil
    }

    /// Whether a lease is held now.
    public func leaseHeld(now: Date = Date()) -> Bool {
        lease.map { $0.expiresAt > now } ?? false
    }
}
