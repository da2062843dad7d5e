import LDAPCore

/// Why a cycle could not read the directory. A failed cycle writes nothing but its own record: users are never
/// judged gone on an incomplete read.
public struct SyncError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// A sync item's container or group does not exist or does not match its filter.
        case itemNotFound
        /// The directory refused a search, or answered it only in part.
        case searchFailed
        /// More entries than `directory.query_size_limit` and no way to split them further.
        case sizeLimit
        /// DirSync was refused or its cookie rejected (the cycle falls back to a full synchronisation).
        case dirSyncRefused
        /// Another instance holds the synchronisation lease.
        case leaseHeld
    }

    public let kind: Kind
    public let message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    @inline(never) static func itemNotFound(_ index: Int, _ item: SyncItem, _ detail: String) -> Self {
        let filter =
            switch item.source {
            case .container: "directory.filters.container"
            case .group: "directory.filters.security_group"
            }
        return .init(
            .itemNotFound,
            "sync item \(index + 1) (\(item.source.label)): \(detail); check sync.items[\(index)] and \(filter) "
                + "(nothing was changed, so that its users are not taken for gone)")
    }

    @inline(never) static func searchFailed(_ what: String, _ result: LDAPResult) -> Self {
        let text = result.diagnosticMessage.isEmpty ? "" : ": \(result.diagnosticMessage)"
        return .init(.searchFailed, "\(what) failed with \(result.resultCode)\(text)")
    }
}
