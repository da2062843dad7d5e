extension ServerEndpoint {
    /// What to write instead of an invalid server, for every server problem.
    static let syntaxFix =
        "write ldap://host:port, ldaps://host:port, [IPv6]:port or a bare host name; "
        + "separate servers with ';'"

    /// Parses a server written as `ldap://host:port`, `ldaps://host`, `ldap://[::1]:389`, `host` or `host:port`
    /// (a bare host means `ldap://`). TLS settings are left at their defaults for the caller to resolve.
    static func parse(_ written: String) -> Result<ServerEndpoint, HostPortError> {
        let text = written.trimmingSpaces
        guard !text.isEmpty else { return .failure("the server is empty") }
        var scheme = Scheme.ldap
        var authority = Substring(text)
        if let separator = text.range(of: "://") {
            let name = text[..<separator.lowerBound].lowercased()
            guard let known = Scheme(rawValue: name) else {
                let hint = name == "ldapi" ? " (Unix socket servers are not supported)" : ""
                return .failure("unsupported scheme '\(name)://'\(hint); only ldap:// and ldaps:// are")
            }
            scheme = known
            authority = text[separator.upperBound...]
            if authority.hasSuffix("/") { authority = authority.dropLast() }
        }
        if authority.contains("/") || authority.contains("?") {
            return .failure("'\(text)' has a path or options; a server is only a host and a port here")
        }
        if authority.contains("@") {
            return .failure("'\(text)' holds a user name; set directory.bind_dn instead")
        }
        switch HostPort.split(String(authority)) {
        case .failure(let error):
            return .failure("'\(text)': \(error.message)")
        case .success(let (host, port)):
            return .success(
                ServerEndpoint(url: text, scheme: scheme, host: host, port: port ?? scheme.defaultPort))
        }
    }
}
