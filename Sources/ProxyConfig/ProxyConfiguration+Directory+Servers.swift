extension ProxyConfiguration.Directory {
    /// `directory.tls`: defaults for every server's TLS settings.
    private struct TLSDefaults {
        var caFile: String?
        var verifyHostname: Bool
        var starttls: Bool?
    }

    /// Reads `directory.servers` (text `"a;b"` or a list of texts and maps) and resolves each server's TLS settings.
    static func decodeServers(_ section: ConfigReader.Section, _ reader: ConfigReader) -> [ServerEndpoint] {
        let tls = reader.section("tls", in: section)
        let defaults = TLSDefaults(
            caFile: reader.filePath("ca_file", in: tls, mustBeReadable: true),
            verifyHostname: verifyHostname(in: tls, reader) ?? true,
            starttls: reader.boolean("starttls", in: tls))
        let missing = "set directory.servers, such as \"ldap://dc1.example.com;ldap://dc2.example.com\""
        guard let node = reader.node("servers", in: section), !node.isNull else {
            reader.problem("directory.servers", "missing: at least one directory server is required", fix: missing)
            return []
        }
        var servers: [ServerEndpoint] = []
        switch node.value {
        case .scalar(let text, _):
            let items = text.split(separator: ";", omittingEmptySubsequences: false)
            for (index, item) in items.enumerated() {
                let path = "directory.servers[\(index)]"
                servers += parse(String(item), path: path, node: node, reader).map { resolved($0, defaults) }
            }
        case .sequence(let items):
            if items.isEmpty {
                reader.problem("directory.servers", "the list is empty", fix: missing, at: node)
            }
            for (index, item) in items.enumerated() {
                let path = "directory.servers[\(index)]"
                if case .mapping = item.value {
                    servers += server(reader.section(item, path: path), reader, defaults).map { [$0] } ?? []
                } else if let text = item.scalar {
                    servers += parse(text, path: path, node: item, reader).map { resolved($0, defaults) }
                } else {
                    reader.problem(
                        path, "expected a server, found \(item.shownAs)", fix: ServerEndpoint.syntaxFix,
                        at: item)
                }
            }
        case .mapping:
            reader.problem(
                "directory.servers", "expected text or a list, found \(node.shownAs)",
                fix: missing + ", or a list with one server per item", at: node)
        }
        warnAboutRepeats(servers, reader)
        return servers
    }

    /// One server written as a map: `{url, starttls, ca_file, verify_hostname}`.
    private static func server(
        _ section: ConfigReader.Section, _ reader: ConfigReader, _ defaults: TLSDefaults
    ) -> ServerEndpoint? {
        let starttls = reader.boolean("starttls", in: section)
        let caFile = reader.filePath("ca_file", in: section, mustBeReadable: true)
        let verify = verifyHostname(in: section, reader)
        guard let url = reader.node("url", in: section), !url.isNull else {
            reader.problem(
                section.path("url"), "missing: a server written as a map needs its url",
                fix: "add url: ldap://host:port")
            return nil
        }
        guard let (text, node) = reader.scalar("url", in: section, expected: "a server URL") else { return nil }
        guard var endpoint = parse(text, path: section.path("url"), node: node, reader).first else { return nil }
        endpoint = resolved(endpoint, defaults)
        endpoint.starttls = starttls ?? endpoint.starttls
        endpoint.caFile = caFile ?? endpoint.caFile
        endpoint.verifyHostname = verify ?? endpoint.verifyHostname
        if endpoint.scheme == .ldaps, starttls == true {
            reader.warning(
                section.path("starttls"), "has no effect on an ldaps:// server, which is TLS already",
                fix: "remove it")
        }
        return endpoint
    }

    private static func parse(_ text: String, path: String, node: ConfigNode, _ reader: ConfigReader)
        -> [ServerEndpoint]
    {
        switch ServerEndpoint.parse(text) {
        case .success(let endpoint):
            return [endpoint]
        case .failure(let error):
            reader.problem(path, error.message, fix: ServerEndpoint.syntaxFix, at: node)
            return []
        }
    }

    private static func resolved(_ endpoint: ServerEndpoint, _ defaults: TLSDefaults) -> ServerEndpoint {
        var endpoint = endpoint
        endpoint.starttls = defaults.starttls
        endpoint.caFile = defaults.caFile
        endpoint.verifyHostname = defaults.verifyHostname
        return endpoint
    }

    private static func verifyHostname(in section: ConfigReader.Section, _ reader: ConfigReader) -> Bool? {
        let verify = reader.boolean("verify_hostname", in: section)
        if verify == false {
            reader.warning(
                section.path("verify_hostname"),
                "verify_hostname: false disables hostname verification, so any server with a certificate from a "
                    + "trusted CA can pose as the directory",
                fix: "keep it true and connect by a name the "
                    + "certificate holds", at: reader.node("verify_hostname", in: section))
        }
        return verify
    }

    private static func warnAboutRepeats(_ servers: [ServerEndpoint], _ reader: ConfigReader) {
        var seen: Set<String> = []
        for (index, server) in servers.enumerated() where !seen.insert(server.description).inserted {
            reader.warning(
                "directory.servers[\(index)]", "\(server) is listed more than once",
                fix: "list each server once")
        }
    }
}
