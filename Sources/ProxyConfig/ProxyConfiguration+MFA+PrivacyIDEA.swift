import Foundation

extension ProxyConfiguration.MFA {
    /// `mfa.privacyidea`: a privacyIDEA server that checks codes (`/validate/check`), answers challenges and sends
    /// pushes.
    public struct PrivacyIDEA: Sendable, Hashable {
        /// `mfa.privacyidea.url`: the server, `http://` or `https://`, with the path privacyIDEA is served under (if
        /// any). Required with provider privacyidea.
        public var url: URL
        /// `mfa.privacyidea.realm`: the realm sent with every check; nil (the default) for privacyIDEA's default.
        public var realm: String?
        /// `mfa.privacyidea.ca_file`: the CA bundle (absolute path) that verifies the server's certificate; nil for
        /// the system's trusted roots.
        public var caFile: String?
        /// `mfa.privacyidea.verify_hostname`: whether the certificate must name the URL's host. Default true.
        public var verifyHostname: Bool
        /// `mfa.privacyidea.push_timeout`: how long a push waits for the user's answer, 1s...10m. Default 60s.
        public var pushTimeout: Duration
        /// `mfa.privacyidea.timeout`: the longest wait for one HTTP request. Default 10s.
        public var timeout: Duration
    }
}

extension ProxyConfiguration.MFA.PrivacyIDEA {
    /// Reads and checks `mfa.privacyidea`; nil unless `provider` is privacyidea. Its keys are checked either way;
    /// the URL is required only when it is the provider.
    static func decode(
        _ section: ConfigReader.Section, _ reader: ConfigReader, provider: ProxyConfiguration.MFA.Provider
    ) -> Self? {
        let active = provider == .privacyidea
        let url = decodeURL(section, reader, required: active)
        let realm = reader.string("realm", in: section)?.trimmingSpaces
        let caFile = reader.filePath("ca_file", in: section, mustBeReadable: true)
        let verifyHostname = reader.boolean("verify_hostname", in: section) ?? true
        if !verifyHostname {
            reader.warning(
                "mfa.privacyidea.verify_hostname",
                "false disables hostname verification, so any server with a certificate from a trusted CA can pose "
                    + "as privacyIDEA and approve every code",
                fix: "keep it true and connect by a name the "
                    + "certificate holds", at: reader.node("verify_hostname", in: section))
        }
        let pushTimeout =
            reader.duration("push_timeout", in: section, minimum: .seconds(1), maximum: .seconds(600)) ?? .seconds(60)
        let timeout = reader.duration("timeout", in: section, maximum: .seconds(300)) ?? .seconds(10)
        guard active else {
            if !section.entries.isEmpty {
                reader.warning(
                    "mfa.privacyidea", "not used: mfa.provider is \(provider.rawValue)",
                    fix: "set mfa.provider: privacyidea, or remove this section")
            }
            return nil
        }
        guard let url else { return nil }
        return Self(
            url: url, realm: realm.flatMap { $0.isEmpty ? nil : $0 }, caFile: caFile, verifyHostname: verifyHostname,
            pushTimeout: pushTimeout, timeout: timeout)
    }

    private static func decodeURL(_ section: ConfigReader.Section, _ reader: ConfigReader, required: Bool) -> URL? {
        let key = "mfa.privacyidea.url"
        let fix = "write the server's address, such as https://privacyidea.example.com or https://host:8443/pi"
        guard let written = reader.node("url", in: section), !written.isNull else {
            if required { reader.problem(key, "missing: provider privacyidea needs the server's URL", fix: fix) }
            return nil
        }
        guard let (text, node) = reader.scalar("url", in: section, expected: "a URL") else { return nil }
        let trimmed = text.trimmingSpaces
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
            ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else {
            reader.problem(key, "'\(text)' is not an http:// or https:// URL", fix: fix, at: node)
            return nil
        }
        if let port = url.port, !(1...65535).contains(port) {
            reader.problem(key, "the port \(port) is not a number from 1 to 65535", fix: fix, at: node)
            return nil
        }
        if url.user != nil || url.password != nil {
            reader.problem(
                key, "holds a user name or password", fix: "remove it: /validate/check needs no account", at: node)
            return nil
        }
        if url.query != nil || url.fragment != nil {
            reader.problem(key, "has a query or fragment", fix: "write only the scheme, host, port and path", at: node)
            return nil
        }
        if scheme == "http", !isLoopback(host) {
            reader.warning(
                key, "users' codes would travel unencrypted to \(host)", fix: "use an https:// URL", at: node)
        }
        return url
    }

    /// Whether `host` (IPv6 with or without brackets) is this machine.
    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        return bare == "localhost" || bare.hasPrefix("127.") || bare == "::1"
    }
}
