import LDAPCore
import UserStore

/// Everything the synchroniser needs to know, built by the App from `directory.*` and `sync.*` (Config/README.md).
public struct SyncSettings: Sendable, Hashable {
    /// `directory.base_dn`: every user and every sync item lies below it.
    public var baseDN: DistinguishedName
    public var attributes: AttributeMap
    public var filters: SyncFilters
    /// `directory.query_size_limit`: the page size, and the most entries one unpaged search may return.
    public var querySizeLimit: Int
    /// `directory.use_attribute_scoped_queries`: read group members with ASQ when the server offers it.
    public var useAttributeScopedQueries: Bool
    /// `sync.items`, in priority order.
    public var items: [SyncItem]
    /// `sync.interval`: from the start of one cycle to the start of the next.
    public var interval: Duration
    /// `sync.always_full`: never use DirSync.
    public var alwaysFull: Bool
    /// `sync.remove_users`: users deleted in the directory are removed, whatever their item says.
    public var removeUsers: Bool
    /// `sync.approval_threshold`: more disables and removals than this in one cycle wait for approval.
    public var approvalThreshold: Int

    public init(
        baseDN: DistinguishedName, attributes: AttributeMap = AttributeMap(), filters: SyncFilters = .defaults,
        querySizeLimit: Int = 1000, useAttributeScopedQueries: Bool = true, items: [SyncItem],
        interval: Duration = .seconds(3600), alwaysFull: Bool = false, removeUsers: Bool = false,
        approvalThreshold: Int = 5
    ) {
        self.baseDN = baseDN
        self.attributes = attributes
        self.filters = filters
        self.querySizeLimit = querySizeLimit
        self.useAttributeScopedQueries = useAttributeScopedQueries
        self.items = items
        self.interval = interval
        self.alwaysFull = alwaysFull
        self.removeUsers = removeUsers
        self.approvalThreshold = approvalThreshold
    }

    /// The ordered items as text: any change to an item, or to their order, changes it, and then a full
    /// synchronisation must run before incremental ones do again.
    public var itemsFingerprint: String {
        items.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n")
    }

    /// The base DN, filters and attribute mapping as text: users read with others may map differently.
    public var settingsFingerprint: String {
        "base=\(baseDN.normalized)\n\(filters)\n\(attributes.fingerprint)"
    }
}

/// `directory.filters.*`: which entries are containers, security groups and users.
public struct SyncFilters: Sendable, Hashable, CustomStringConvertible {
    public var container: Filter
    public var securityGroup: Filter
    public var user: Filter

    public init(container: Filter, securityGroup: Filter, user: Filter) {
        self.container = container
        self.securityGroup = securityGroup
        self.user = user
    }

    /// The reference's defaults (Config/README.md says why the container filter has its `|`).
    public static let defaults = SyncFilters(
        container: try! Filter(parsing: "(|(objectClass=organizationalUnit)(objectClass=container))"),
        securityGroup: try! Filter(parsing: "(&(objectCategory=group)(groupType:1.2.840.113556.1.4.804:=-2147483648))"),
        user: try! Filter(parsing: "(&(objectCategory=person)(objectClass=user))"))

    public var description: String {
        "container=\(container) security_group=\(securityGroup) user=\(user)"
    }
}

/// One sync item: the users below a container, or the members of a security group.
public struct SyncItem: Sendable, Hashable, CustomStringConvertible {
    public enum Source: Sendable, Hashable {
        /// Every user in the subtree of the container.
        case container(DistinguishedName)
        /// The group's members; with `nested`, the members of member groups too, at any depth.
        case group(DistinguishedName, nested: Bool)
    }

    public var source: Source
    /// What happens to a user of this item who is no longer in it (or was deleted in the directory).
    public var onRemoval: RemovalAction

    public init(_ source: Source, onRemoval: RemovalAction = .disable) {
        self.source = source
        self.onRemoval = onRemoval
    }

    public var dn: DistinguishedName {
        switch source {
        case .container(let dn), .group(let dn, _): dn
        }
    }

    /// What the store records as the user's item: kind and normalised DN, so a reordering does not change it.
    public var key: String {
        switch source {
        case .container(let dn): "container:\(dn.normalized)"
        case .group(let dn, _): "group:\(dn.normalized)"
        }
    }

    public var description: String {
        switch source {
        case .container(let dn): "container \(dn.normalized) on_removal=\(onRemoval.rawValue)"
        case .group(let dn, let nested): "group \(dn.normalized) nested=\(nested) on_removal=\(onRemoval.rawValue)"
        }
    }
}
