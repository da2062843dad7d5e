import LDAPCore

extension ProxyConfiguration.Directory {
    /// The variable that supplies the service account's password; it wins over `directory.bind_password_file`.
    public static let bindPasswordVariable = "LDAP_MFA_PROXY_BIND_PASSWORD"

    private static let passwordFix =
        "put it in a file and set bind_password_file, or set \(bindPasswordVariable)"

    /// Reads `directory.bind_dn` and the password, as the query bind type needs them; refuses an inline password.
    static func decodeCredentials(
        _ section: ConfigReader.Section, _ reader: ConfigReader, queries: BindType
    ) -> (DistinguishedName?, SecretValue?) {
        reader.refuseInlineSecret("bind_password", in: section, noun: "password", fix: passwordFix)
        let passwordFile = reader.filePath("bind_password_file", in: section, mustBeReadable: false)
        let variable = reader.environment[bindPasswordVariable]
        switch queries {
        case .anonymous:
            if reader.node("bind_dn", in: section) != nil || passwordFile != nil || variable != nil {
                reader.warning(
                    "directory.bind_dn", "the bind DN and password are not used with bind type anonymous",
                    fix: "remove them, or set directory.bind_type.queries to ssl or simple")
            }
            return (nil, nil)
        case .windows:
            // A Windows bind name is DOMAIN\user, a UPN or a DN: read as text by decode (windowsBindName).
            // With no name, the process's own Kerberos credentials are used and no password is needed.
            guard let name = reader.string("bind_dn", in: section), !name.isEmpty else { return (nil, nil) }
            let secret = reader.secret(
                ConfigReader.SecretSource(
                    fileKeyPath: "directory.bind_password_file", variable: bindPasswordVariable, noun: "password"),
                file: passwordFile,
                missing: (
                    "bind type windows with a bind username needs its password",
                    "set directory.bind_password_file or \(bindPasswordVariable), or leave bind_dn empty to use the "
                        + "process's Kerberos credentials"
                ))
            return (try? DistinguishedName(parsing: name), secret)
        case .simple, .ssl:
            let bindDN = reader.distinguishedName("bind_dn", in: section)
            if reader.node("bind_dn", in: section).map(\.isNull) ?? true {
                reader.problem(
                    "directory.bind_dn", "bind type \(queries.rawValue) for queries needs a bind DN",
                    fix: "set directory.bind_dn to the service account's DN, or set directory.bind_type.queries "
                        + "to anonymous")
            }
            return (bindDN, password(file: passwordFile, queries: queries, reader))
        }
    }

    private static func password(file: String?, queries: BindType, _ reader: ConfigReader) -> SecretValue? {
        let source = ConfigReader.SecretSource(
            fileKeyPath: "directory.bind_password_file", variable: bindPasswordVariable, noun: "password")
        return reader.secret(
            source, file: file,
            missing: (
                "bind type \(queries.rawValue) for queries needs a password",
                "set directory.bind_password_file to a file holding it, or set \(bindPasswordVariable)"
            ))
    }

    /// Checks that each server can carry each bind type as configured, and warns where passwords travel in clear.
    static func checkSecurity(of servers: [ServerEndpoint], bindType: BindTypes, _ reader: ConfigReader) {
        var uses: [(use: String, type: BindType)] = []
        if bindType.queries == bindType.authentications {
            uses = [("queries and authentications", bindType.queries)]
        } else {
            uses = [("queries", bindType.queries), ("authentications", bindType.authentications)]
        }
        for (index, server) in servers.enumerated() {
            let path = "directory.servers[\(index)]"
            for (use, type) in uses where type != .windows {
                switch server.security(for: type) {
                case nil:
                    reader.problem(
                        path, "bind type ssl (for \(use)) needs TLS, but starttls is false for \(server)",
                        fix: "use an ldaps:// URL, remove starttls: false, or choose bind type simple")
                case .plain? where type != .anonymous && !server.isLoopback:
                    let whose =
                        switch use {
                        case "queries": "the proxy's bind password"
                        case "authentications": "users' passwords"
                        default: "the proxy's and users' passwords"
                        }
                    reader.warning(
                        path, "\(whose) would travel unencrypted to \(server) (bind type \(type.rawValue) for \(use))",
                        fix: "use bind type ssl, an ldaps:// URL, or starttls: true")
                default:
                    break
                }
            }
        }
    }
}
