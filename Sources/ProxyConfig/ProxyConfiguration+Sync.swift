import LDAPCore

extension ProxyConfiguration {
    /// Directory synchronisation, as Azure MFA Server's directory integration describes it: `directory.attributes.*`
    /// (but `username`, which is ``Directory/usernameAttributes``), `directory.filters.*`,
    /// `directory.query_size_limit`, `directory.use_attribute_scoped_queries`, and the `sync` section.
    public struct Sync: Sendable, Equatable {
        /// `directory.attributes.*`: which attribute holds what.
        public var attributes: Attributes
        /// `directory.filters.*`: which entries are containers, security groups and users.
        public var filters: Filters
        /// `directory.query_size_limit`: the page size of searches, and the most entries one search may return
        /// where the directory does not page. Default 1000.
        public var querySizeLimit: Int
        /// `directory.use_attribute_scoped_queries`: read group members with an attribute scoped query when the
        /// directory offers one. Default true.
        public var useAttributeScopedQueries: Bool
        /// `sync.enabled`: `serve` synchronises every `interval`. Default false.
        public var enabled: Bool
        /// `sync.interval`: from the start of one cycle to the start of the next. Default 1h.
        public var interval: Duration
        /// `sync.always_full`: never use DirSync. Default false.
        public var alwaysFull: Bool
        /// `sync.remove_users`: users deleted in the directory are removed, whatever their item says. Default false.
        public var removeUsers: Bool
        /// `sync.approval_threshold`: more disables and removals than this in one cycle wait for approval
        /// (1...999). Default 5.
        public var approvalThreshold: Int
        /// `sync.items`, in priority order.
        public var items: [Item]
        /// `sync.notify_command`: a program and its arguments, run when a batch is staged for approval.
        public var notifyCommand: [String]?

        /// The defaults, with no sync items.
        public static let defaults = Sync(
            attributes: Attributes(), filters: .defaults, querySizeLimit: 1000, useAttributeScopedQueries: true,
            enabled: false, interval: .seconds(3600), alwaysFull: false, removeUsers: false, approvalThreshold: 5,
            items: [], notifyCommand: nil)
    }
}

extension ProxyConfiguration.Sync {
    /// `directory.attributes.*` with the reference's defaults; `nil` is a row that is blank by default.
    public struct Attributes: Sendable, Equatable {
        public var uniqueIdentifier = "objectGUID"
        public var uniqueIdentifierType = UniqueIdentifierType.guid
        public var distinguishedName = "distinguishedName"
        public var containerName = ["name"]
        public var securityGroupName = "name"
        public var firstName = "givenName"
        public var lastName = "sn"
        public var email = "mail"
        public var userGroup: String?
        public var description = "description"
        public var phoneCallLanguage: String?
        public var textMessageLanguage: String?
        public var mobileAppLanguage: String?
        public var oathTokenLanguage: String?
        public var businessPhone = "telephoneNumber"
        public var homePhone = "homePhone"
        public var pager = "pager"
        public var mobilePhone = "mobile"
        public var fax = "facsimileTelephoneNumber"
        public var ipPhone = "ipPhone"
        public var custom: String?
        public var phoneExtension: String?

        public init() {}
    }

    /// `directory.attributes.unique_identifier_type`.
    public enum UniqueIdentifierType: String, Sendable, Hashable, CaseIterable {
        case guid = "GUID"
        case string = "String"
        case asciiByteArray = "ASCII byte array"
    }

    /// `directory.filters.*`; a blank filter is the reference's default.
    public struct Filters: Sendable, Equatable {
        public var container: Filter
        public var securityGroup: Filter
        public var user: Filter

        /// The reference gives `((objectClass=organizationalUnit)(objectClass=container))` as the blank default
        /// of the container filter, which lacks its `|` and is no filter at all; its "commonly used" form is used.
        public static let defaultContainer = "(|(objectClass=organizationalUnit)(objectClass=container))"
        public static let defaultSecurityGroup =
            "(&(objectCategory=group)(groupType:1.2.840.113556.1.4.804:=-2147483648))"
        public static let defaultUser = "(&(objectCategory=person)(objectClass=user))"

        public static let defaults = Filters(
            container: try! Filter(parsing: defaultContainer),
            securityGroup: try! Filter(parsing: defaultSecurityGroup),
            user: try! Filter(parsing: defaultUser))
    }

    /// One of `sync.items`.
    public struct Item: Sendable, Hashable {
        public enum Source: Sendable, Hashable {
            /// `{container: DN}`: every user below it.
            case container(DistinguishedName)
            /// `{group: DN, nested: bool}`: its members, and with `nested` (default false) the members of member
            /// groups at any depth.
            case group(DistinguishedName, nested: Bool)
        }

        /// `on_removal`: what happens to a user no longer in the item. Default disable.
        public enum OnRemoval: String, Sendable, Hashable, CaseIterable {
            case disable, remove
        }

        public var source: Source
        public var onRemoval: OnRemoval

        public init(source: Source, onRemoval: OnRemoval = .disable) {
            self.source = source
            self.onRemoval = onRemoval
        }
    }
}

// MARK: Decoding

extension ProxyConfiguration.Sync {
    /// Reads the synchronisation keys of `directory` and the `sync` section from the top-level `root`.
    static func decode(_ root: ConfigReader.Section, _ reader: ConfigReader) -> Self {
        let directory = revisit("directory", in: root, reader)
        let attributes = decodeAttributes(revisit("attributes", in: directory, reader), reader)
        let filters = decodeFilters(reader.section("filters", in: directory), reader)
        let section = reader.section("sync", in: root)
        let baseDN = reader.node("base_dn", in: directory)?.scalar.flatMap { try? DistinguishedName(parsing: $0) }
        let items = decodeItems(section, reader, baseDN: baseDN)
        let enabled = reader.boolean("enabled", in: section) ?? false
        if enabled && items.isEmpty {
            reader.problem(
                "sync.items", "sync.enabled is true but there is no sync item",
                fix: "add a container or group to sync.items, or set sync.enabled to false")
        }
        return Self(
            attributes: attributes, filters: filters,
            querySizeLimit: reader.integer("query_size_limit", in: directory, range: 1...1_000_000) ?? 1000,
            useAttributeScopedQueries: reader.boolean("use_attribute_scoped_queries", in: directory) ?? true,
            enabled: enabled,
            interval: reader.duration("interval", in: section, minimum: .seconds(10), maximum: .seconds(7 * 86_400))
                ?? .seconds(3600),
            alwaysFull: reader.boolean("always_full", in: section) ?? false,
            removeUsers: reader.boolean("remove_users", in: section) ?? false,
            approvalThreshold: reader.integer("approval_threshold", in: section, range: 1...999) ?? 5,
            items: items, notifyCommand: decodeCommand(section, reader))
    }

    /// A section another decoder already read (and registered for unknown-key reports), read again without
    /// registering it twice.
    private static func revisit(
        _ key: String, in parent: ConfigReader.Section, _ reader: ConfigReader
    ) -> ConfigReader.Section {
        guard let node = reader.node(key, in: parent), case .mapping(let entries) = node.value else {
            return ConfigReader.Section(path: parent.path(key), entries: [])
        }
        return ConfigReader.Section(path: parent.path(key), entries: entries)
    }

    private static func decodeAttributes(_ section: ConfigReader.Section, _ reader: ConfigReader) -> Attributes {
        var result = Attributes()
        func name(_ key: String) -> String? {
            guard let (text, node) = reader.scalar(key, in: section, expected: "an attribute name") else { return nil }
            let trimmed = text.trimmingSpaces
            guard !trimmed.isEmpty else { return nil }
            guard isAttributeName(trimmed) else {
                reader.problem(
                    section.path(key), "'\(trimmed)' is not an attribute name",
                    fix: "write an attribute type name (letters, digits, '-') or a numeric OID, or leave it blank "
                        + "for the default", at: node)
                return nil
            }
            return trimmed
        }
        result.uniqueIdentifier = name("unique_identifier") ?? result.uniqueIdentifier
        result.uniqueIdentifierType = decodeIdentifierType(section, reader) ?? .guid
        result.distinguishedName = name("distinguished_name") ?? result.distinguishedName
        let containerNames = reader.list(
            "container_name", in: section, separators: [";"],
            fix: "write attribute names separated by ';', such as name;ou"
        ) { item -> String? in
            guard isAttributeName(item.text) else {
                reader.problem(item.path, "'\(item.text)' is not an attribute name", fix: "write an attribute name")
                return nil
            }
            return item.text
        }
        if let containerNames, !containerNames.isEmpty { result.containerName = containerNames }
        result.securityGroupName = name("security_group_name") ?? result.securityGroupName
        result.firstName = name("first_name") ?? result.firstName
        result.lastName = name("last_name") ?? result.lastName
        result.email = name("email") ?? result.email
        result.userGroup = name("user_group")
        result.description = name("description") ?? result.description
        result.phoneCallLanguage = name("phone_call_language")
        result.textMessageLanguage = name("text_message_language")
        result.mobileAppLanguage = name("mobile_app_language")
        result.oathTokenLanguage = name("oath_token_language")
        result.businessPhone = name("business_phone") ?? result.businessPhone
        result.homePhone = name("home_phone") ?? result.homePhone
        result.pager = name("pager") ?? result.pager
        result.mobilePhone = name("mobile_phone") ?? result.mobilePhone
        result.fax = name("fax") ?? result.fax
        result.ipPhone = name("ip_phone") ?? result.ipPhone
        result.custom = name("custom")
        result.phoneExtension = name("extension")
        return result
    }

    private static func decodeIdentifierType(
        _ section: ConfigReader.Section, _ reader: ConfigReader
    ) -> UniqueIdentifierType? {
        guard let (text, node) = reader.scalar("unique_identifier_type", in: section, expected: "a type") else {
            return nil
        }
        let folded = text.lowercased().filter { $0.isLetter }
        guard !folded.isEmpty else { return nil }
        if let type = UniqueIdentifierType.allCases.first(where: {
            $0.rawValue.lowercased().filter(\.isLetter) == folded
        }) {
            return type
        }
        reader.problem(
            "directory.attributes.unique_identifier_type", "unknown type '\(text)'",
            fix: "use GUID, String or ASCII byte array", at: node)
        return nil
    }

    private static func decodeFilters(_ section: ConfigReader.Section, _ reader: ConfigReader) -> Filters {
        func filter(_ key: String, _ fallback: String) -> Filter {
            let defaultFilter = try! Filter(parsing: fallback)
            guard let (text, node) = reader.scalar(key, in: section, expected: "an LDAP filter") else {
                return defaultFilter
            }
            let trimmed = text.trimmingSpaces
            guard !trimmed.isEmpty else { return defaultFilter }
            do {
                return try Filter(parsing: trimmed)
            } catch {
                reader.problem(
                    section.path(key), "'\(trimmed)' is not an LDAP filter: \(error)",
                    fix: "write it as RFC 4515 does, such as (objectClass=inetOrgPerson), or leave it blank for the "
                        + "default", at: node)
                return defaultFilter
            }
        }
        return Filters(
            container: filter("container", Filters.defaultContainer),
            securityGroup: filter("security_group", Filters.defaultSecurityGroup),
            user: filter("user", Filters.defaultUser))
    }

    private static func decodeItems(
        _ section: ConfigReader.Section, _ reader: ConfigReader, baseDN: DistinguishedName?
    ) -> [Item] {
        guard let node = reader.node("items", in: section), !node.isNull else { return [] }
        guard case .sequence(let nodes) = node.value else {
            reader.problem(
                "sync.items", "expected a list of items, found \(node.shownAs)",
                fix: "write items such as '- container: ou=people,dc=example,dc=com' or '- group: cn=vpn,...'",
                at: node)
            return []
        }
        var items: [Item] = []
        var seen = Set<String>()
        for (index, child) in nodes.enumerated() {
            let path = "sync.items[\(index)]"
            let item = reader.section(child, path: path)
            let container = reader.distinguishedName("container", in: item)
            let group = reader.distinguishedName("group", in: item)
            let nested = reader.boolean("nested", in: item)
            let onRemoval: Item.OnRemoval = reader.choice("on_removal", in: item) ?? .disable
            let source: Item.Source
            switch (container, group) {
            case (let dn?, nil):
                if nested != nil {
                    reader.problem("\(path).nested", "only a group item has nested members", fix: "remove it")
                }
                source = .container(dn)
            case (nil, let dn?):
                source = .group(dn, nested: nested ?? false)
            case (.some, .some):
                reader.problem(path, "has both container and group", fix: "make them two items")
                continue
            case (nil, nil):
                if reader.node("container", in: item) == nil && reader.node("group", in: item) == nil {
                    reader.problem(
                        path, "names neither a container nor a group",
                        fix: "write 'container: DN' or 'group: DN'", at: child)
                }
                continue
            }
            let dn: DistinguishedName =
                switch source {
                case .container(let dn), .group(let dn, _): dn
                }
            if dn.isRoot {
                reader.problem(path, "the DN is empty", fix: "name a container or group below directory.base_dn")
                continue
            }
            if let baseDN, !dn.isWithin(subtree: baseDN) {
                reader.problem(
                    path, "\(dn) is not below directory.base_dn (\(baseDN))",
                    fix: "synchronise only below the base DN, or widen directory.base_dn")
            }
            let kind = if case .container = source { "container" } else { "group" }
            if !seen.insert("\(kind) \(dn.normalized)").inserted {
                reader.problem(path, "the same \(kind) is already an earlier item", fix: "remove one of them")
            }
            items.append(Item(source: source, onRemoval: onRemoval))
        }
        return items
    }

    private static func decodeCommand(_ section: ConfigReader.Section, _ reader: ConfigReader) -> [String]? {
        guard let node = reader.node("notify_command", in: section), !node.isNull else { return nil }
        let fix = "write the program's absolute path, or a list: [/usr/local/bin/notify, --to, admins]"
        var arguments: [String]
        switch node.value {
        case .scalar(let text, _):
            arguments = [text.trimmingSpaces]
        case .sequence(let items):
            arguments = items.compactMap(\.scalar)
            if arguments.count != items.count {
                reader.problem("sync.notify_command", "every item must be text", fix: fix, at: node)
            }
        case .mapping:
            reader.problem("sync.notify_command", "expected a program or a list, found a section", fix: fix, at: node)
            return nil
        }
        guard let program = arguments.first, program.hasPrefix("/") else {
            reader.problem("sync.notify_command", "the program must be an absolute path", fix: fix, at: node)
            return nil
        }
        if let reason = FileReading.unreadableReason(program) {
            reader.warning("sync.notify_command", "'\(program)': \(reason)", fix: "check the path", at: node)
        }
        arguments[0] = program
        return arguments
    }

    /// An attribute type name (`descr`) or numeric OID (RFC 4512 §1.4).
    static func isAttributeName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII else { return false }
        if first.isLetter {
            return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
        let arcs = name.split(separator: ".", omittingEmptySubsequences: false)
        return arcs.count >= 2 && arcs.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}

extension ProxyConfiguration.Sync {
    /// The default attribute and filter block, as `sync restore-defaults` prints it for pasting into the
    /// configuration (Azure MFA Server's Restore Defaults button). `username` is the gate's list
    /// (`directory.attributes.username`) with Active Directory's pair, as the reference has it.
    public static let defaultsYAML = """
        directory:
          attributes:
            unique_identifier: objectGUID
            unique_identifier_type: GUID        # GUID | String | ASCII byte array
            distinguished_name: distinguishedName
            container_name: name                # several: name;ou (the first one a container has)
            security_group_name: name
            username: [userPrincipalName, sAMAccountName]
            first_name: givenName
            last_name: sn
            email: mail
            user_group: ""                      # blank: not synchronised
            description: description
            phone_call_language: ""
            text_message_language: ""
            mobile_app_language: ""
            oath_token_language: ""
            business_phone: telephoneNumber
            home_phone: homePhone
            pager: pager
            mobile_phone: mobile
            fax: facsimileTelephoneNumber
            ip_phone: ipPhone
            custom: ""
            extension: ""                       # blank: parsed from the phone, "555-123-4567 x890"
          filters:
            container: "\(Filters.defaultContainer)"
            security_group: "\(Filters.defaultSecurityGroup)"
            user: "\(Filters.defaultUser)"
        """
}
