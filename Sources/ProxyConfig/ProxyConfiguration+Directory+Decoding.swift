import LDAPCore

extension ProxyConfiguration.Directory {
    /// Reads and checks `directory`.
    static func decode(_ section: ConfigReader.Section, _ reader: ConfigReader) -> Self {
        let servers = decodeServers(section, reader)
        let baseDN = decodeBaseDN(section, reader)
        let bindType = decodeBindTypes(reader.section("bind_type", in: section), reader)
        let (bindDN, bindPassword) = decodeCredentials(section, reader, queries: bindType.queries)
        checkSecurity(of: servers, bindType: bindType, reader)
        let quarantineInitial = reader.duration("quarantine_initial", in: section, maximum: .seconds(3600))
        let quarantineMax = reader.duration("quarantine_max", in: section, maximum: .seconds(3600))
        let initial = quarantineInitial ?? .seconds(1)
        let maximum = quarantineMax ?? max(.seconds(60), initial)
        if maximum < initial {
            reader.problem(
                "directory.quarantine_max", "is shorter than directory.quarantine_initial",
                fix: "make quarantine_max at least quarantine_initial")
        }
        var directory = Self(
            servers: servers,
            baseDN: baseDN ?? .root,
            bindType: bindType,
            bindDN: bindDN,
            bindPassword: bindPassword,
            usernameAttributes: decodeUsernameAttributes(reader.section("attributes", in: section), reader),
            connectTimeout: reader.duration("connect_timeout", in: section, maximum: .seconds(300)) ?? .seconds(5),
            operationTimeout: reader.duration("operation_timeout", in: section, maximum: .seconds(600))
                ?? .seconds(10),
            healthCheckInterval: reader.duration("health_check_interval", in: section, maximum: .seconds(3600))
                ?? .seconds(5),
            quarantineInitial: initial,
            quarantineMax: maximum,
            bindPoolSize: reader.integer("bind_pool_size", in: section, range: 1...256) ?? 32)
        directory.windows = decodeWindows(reader.section("windows", in: section), reader, baseDN: baseDN)
        (directory.referrals, directory.referralHosts) = decodeReferrals(section, reader)
        if bindType.queries == .windows {
            directory.windowsBindName = reader.string("bind_dn", in: section).flatMap { $0.isEmpty ? nil : $0 }
            if let name = directory.windowsBindName, name.contains("="), !name.contains("\\"), !name.contains("@") {
                reader.problem(
                    "directory.bind_dn", "bind type windows for queries needs a logon name, not a DN",
                    fix: "write the service account as DOMAIN\\user or user@realm, or leave bind_dn empty to use the "
                        + "process's Kerberos credentials", at: reader.node("bind_dn", in: section))
            }
        }
        return directory
    }

    private static func decodeBaseDN(_ section: ConfigReader.Section, _ reader: ConfigReader) -> DistinguishedName? {
        let fix = "set directory.base_dn to the DN searches start from, such as dc=example,dc=com"
        guard let node = reader.node("base_dn", in: section), !node.isNull else {
            reader.problem("directory.base_dn", "missing: the base DN is required", fix: fix)
            return nil
        }
        guard let baseDN = reader.distinguishedName("base_dn", in: section) else { return nil }
        if baseDN.isRoot {
            reader.problem("directory.base_dn", "is empty", fix: fix, at: node)
            return nil
        }
        return baseDN
    }

    private static func decodeBindTypes(_ section: ConfigReader.Section, _ reader: ConfigReader) -> BindTypes {
        let queries: BindType = reader.choice("queries", in: section) ?? .ssl
        let authentications: BindType = reader.choice("authentications", in: section) ?? .ssl
        if authentications == .anonymous {
            reader.problem(
                "directory.bind_type.authentications", "anonymous cannot check a user's password",
                fix: "use ssl or simple", at: reader.node("authentications", in: section))
        }
        return BindTypes(queries: queries, authentications: authentications)
    }

    private static func decodeUsernameAttributes(_ section: ConfigReader.Section, _ reader: ConfigReader) -> [String] {
        guard let names = reader.stringList("username", in: section) else { return ["uid"] }
        if names.isEmpty {
            reader.problem(
                "directory.attributes.username", "the list is empty",
                fix: "name at least one attribute, such as [uid] or [userPrincipalName, sAMAccountName]")
        }
        for (index, name) in names.enumerated() where !isAttributeDescription(name) {
            reader.problem(
                "directory.attributes.username[\(index)]", "'\(name)' is not an attribute name",
                fix: "write an attribute type name (letters, digits, '-') or a numeric OID")
        }
        return names
    }

    /// An attribute type name (`descr`) or numeric OID (RFC 4512 §1.4).
    private static func isAttributeDescription(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII else { return false }
        if first.isLetter {
            return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
        let arcs = name.split(separator: ".", omittingEmptySubsequences: false)
        return arcs.count >= 2 && arcs.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}
