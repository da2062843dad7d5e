import DirectorySync
import Logging
import ProxyConfig
import Upstream
import UserStore

extension SyncSettings {
    /// The synchroniser's view of `directory.*` and `sync.*`.
    public init(_ configuration: ProxyConfiguration) {
        let sync = configuration.sync
        let source = sync.attributes
        var attributes = AttributeMap()
        attributes.uniqueIdentifier = source.uniqueIdentifier
        attributes.uniqueIdentifierType =
            switch source.uniqueIdentifierType {
            case .guid: .guid
            case .string: .string
            case .asciiByteArray: .asciiByteArray
            }
        attributes.distinguishedName = source.distinguishedName
        attributes.containerName = source.containerName
        attributes.securityGroupName = source.securityGroupName
        attributes.username = configuration.directory.usernameAttributes
        attributes.firstName = source.firstName
        attributes.lastName = source.lastName
        attributes.email = source.email
        attributes.userGroup = source.userGroup
        attributes.description = source.description
        attributes.phoneCallLanguage = source.phoneCallLanguage
        attributes.textMessageLanguage = source.textMessageLanguage
        attributes.mobileAppLanguage = source.mobileAppLanguage
        attributes.oathTokenLanguage = source.oathTokenLanguage
        attributes.businessPhone = source.businessPhone
        attributes.homePhone = source.homePhone
        attributes.pager = source.pager
        attributes.mobilePhone = source.mobilePhone
        attributes.fax = source.fax
        attributes.ipPhone = source.ipPhone
        attributes.customPhone = source.custom
        attributes.phoneExtension = source.phoneExtension
        let items = sync.items.map { item -> SyncItem in
            let action: RemovalAction = item.onRemoval == .remove ? .remove : .disable
            switch item.source {
            case .container(let dn): return SyncItem(.container(dn), onRemoval: action)
            case .group(let dn, let nested): return SyncItem(.group(dn, nested: nested), onRemoval: action)
            }
        }
        self.init(
            baseDN: configuration.directory.baseDN, attributes: attributes,
            filters: SyncFilters(
                container: sync.filters.container, securityGroup: sync.filters.securityGroup, user: sync.filters.user),
            querySizeLimit: sync.querySizeLimit, useAttributeScopedQueries: sync.useAttributeScopedQueries,
            items: items, interval: sync.interval, alwaysFull: sync.alwaysFull, removeUsers: sync.removeUsers,
            approvalThreshold: sync.approvalThreshold)
    }
}

extension ProxyApplication {
    /// The synchroniser of `configuration`, over `directory` and `store`: `serve` runs it every `sync.interval`
    /// when `sync.enabled`; `sync now` runs one cycle.
    public static func syncService(
        _ configuration: ProxyConfiguration, directory: UpstreamDirectory, store: any MFAUserStore, logger: Logger
    ) -> SyncService {
        let notifier: any SyncNotifier =
            configuration.sync.notifyCommand.map { CommandNotifier(arguments: $0) } ?? LogOnlyNotifier()
        return SyncService(
            settings: SyncSettings(configuration), directory: directory, store: store, notifier: notifier,
            logger: logger)
    }
}
