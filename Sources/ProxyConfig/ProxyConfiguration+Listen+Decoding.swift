extension ProxyConfiguration.Listen {
    /// Reads and checks `listen`.
    static func decode(_ section: ConfigReader.Section, _ reader: ConfigReader) -> Self {
        let ldapSetting = address("ldap", in: section, reader, default: defaultLDAP)
        let ldapsSetting = address("ldaps", in: section, reader, default: nil)
        let (ldap, ldaps) = (ldapSetting.address, ldapsSetting.address)
        let tls = decodeTLS(reader.section("tls", in: section), reader, needed: ldaps != nil)
        if case .off = ldapSetting, case .off = ldapsSetting {
            reader.problem(
                "listen", "both listen.ldap and listen.ldaps are off, so clients cannot connect",
                fix: "set listen.ldap (such as 127.0.0.1:3890) or listen.ldaps")
        }
        if let ldap, let ldaps, ldap.port == ldaps.port, ldap.host == ldaps.host {
            reader.problem("listen.ldaps", "uses the same address as listen.ldap (\(ldap))", fix: "choose another port")
        }
        if let ldap, tls == nil, !["127.0.0.1", "::1", "localhost"].contains(ldap.host) {
            reader.warning(
                "listen.ldap",
                "StartTLS is not offered without a certificate, so clients send passwords and codes "
                    + "in clear", fix: "set listen.tls.certificate and listen.tls.key")
        }
        return Self(
            ldap: ldap,
            ldaps: ldaps,
            tls: tls,
            maxConnections: reader.integer("max_connections", in: section, range: 1...1_000_000) ?? 10_000,
            idleTimeout: reader.duration("idle_timeout", in: section) ?? .seconds(600),
            maxMessageSize: reader.byteCount("max_message_size", in: section, range: 512...(64 << 20)) ?? 1 << 20,
            anonymousBinds: reader.choice("anonymous_binds", in: section) ?? .relay)
    }

    /// What a listen key says.
    private enum Setting {
        case off
        case on(ListenAddress)
        /// Written, but not an address (already reported).
        case invalid

        var address: ListenAddress? {
            if case .on(let address) = self { return address }
            return nil
        }
    }

    /// A listen address; `default` when the key is absent, off when it is empty.
    private static func address(
        _ key: String, in section: ConfigReader.Section, _ reader: ConfigReader, default: ListenAddress?
    ) -> Setting {
        guard let written = reader.node(key, in: section) else { return `default`.map(Setting.on) ?? .off }
        guard let (text, node) = reader.scalar(key, in: section, expected: "host:port") else {
            return written.isNull ? .off : .invalid
        }
        guard !text.trimmingSpaces.isEmpty else { return .off }
        let fix = "write host:port such as 0.0.0.0:389 or [::]:389, or \"\" to turn it off"
        switch HostPort.split(text.trimmingSpaces) {
        case .failure(let error):
            reader.problem(section.path(key), error.message, fix: fix, at: node)
        case .success((_, nil)):
            reader.problem(section.path(key), "'\(text)' has no port", fix: fix, at: node)
        case .success((let host, let port?)):
            return .on(ListenAddress(host: host, port: port))
        }
        return .invalid
    }

    private static func decodeTLS(_ section: ConfigReader.Section, _ reader: ConfigReader, needed: Bool) -> TLS? {
        let certificate = reader.filePath("certificate", in: section, mustBeReadable: true)
        let key = reader.filePath("key", in: section, mustBeReadable: true)
        let version: TLSVersion? = reader.choice("min_version", in: section)
        let ciphers = reader.string("ciphers", in: section)?.trimmingSpaces
        switch (certificate, key) {
        case (let certificate?, let key?):
            let cipherList = ciphers.flatMap { $0.isEmpty ? nil : $0 }
            return TLS(
                certificateFile: certificate, privateKeyFile: key, minimumVersion: version ?? .v1_2,
                ciphers: cipherList)
        case (_?, nil):
            reader.problem(
                "listen.tls.key", "listen.tls.certificate is set but its key is not",
                fix: "set listen.tls.key to the certificate's PEM private key")
        case (nil, _?):
            reader.problem(
                "listen.tls.certificate", "listen.tls.key is set but the certificate is not",
                fix: "set listen.tls.certificate to the PEM certificate chain")
        case (nil, nil):
            if needed {
                reader.problem(
                    "listen.tls.certificate", "listen.ldaps needs a certificate and key",
                    fix: "set listen.tls.certificate and listen.tls.key, or turn listen.ldaps off")
            } else if version != nil || !(ciphers ?? "").isEmpty {
                reader.warning(
                    "listen.tls", "min_version and ciphers have no effect without a certificate",
                    fix: "set listen.tls.certificate and listen.tls.key, or remove them")
            }
        }
        return nil
    }
}
