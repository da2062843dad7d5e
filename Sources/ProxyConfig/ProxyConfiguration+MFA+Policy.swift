import LDAPCore

extension ProxyConfiguration.MFA {
    /// `mfa.exempt`: binds that never need a second factor. Every list is empty by default.
    public struct Exemptions: Sendable, Hashable {
        /// `mfa.exempt.dns`: bind DNs, such as service accounts.
        public var dns: [DistinguishedName]
        /// `mfa.exempt.subtrees`: every entry under these DNs, such as an OU of service accounts.
        public var subtrees: [DistinguishedName]
        /// `mfa.exempt.groups`: members of these groups, nested groups included.
        public var groups: [DistinguishedName]
        /// `mfa.exempt.networks`: client address ranges as written and checked (`10.0.0.0/8`, `192.0.2.7`,
        /// `2001:db8::/32`); every one is valid CIDR.
        public var networks: [String]
    }

    /// `mfa.lockout`: after this many failed binds within ``window``, further binds are refused for ``duration``
    /// without asking the directory.
    public struct Lockout: Sendable, Hashable {
        /// `mfa.lockout.max_failures`: failures of one user that lock the user; 0 turns it off. Default 5.
        public var maxFailures: Int
        /// `mfa.lockout.max_failures_per_address`: failures from one client address that lock the address; 0 turns
        /// it off. Default 100.
        public var maxFailuresPerAddress: Int
        /// `mfa.lockout.window`: how long a failure counts. Default 10m.
        public var window: Duration
        /// `mfa.lockout.duration`: how long a lock lasts. Default 15m.
        public var duration: Duration
    }
}

extension ProxyConfiguration.MFA.Exemptions {
    /// Reads and checks `mfa.exempt`.
    static func decode(_ section: ConfigReader.Section, _ reader: ConfigReader) -> Self {
        Self(
            dns: reader.distinguishedNames("dns", in: section) ?? [],
            subtrees: reader.distinguishedNames("subtrees", in: section) ?? [],
            groups: reader.distinguishedNames("groups", in: section) ?? [],
            networks: decodeNetworks(section, reader))
    }

    private static func decodeNetworks(_ section: ConfigReader.Section, _ reader: ConfigReader) -> [String] {
        let fix = "write an address or a range in CIDR form, such as 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32"
        let networks = reader.list("networks", in: section, separators: [",", ";"], fix: fix) { item -> String? in
            switch AddressRangeSyntax.parse(item.text) {
            case .failure(let error):
                reader.problem(item.path, error.message, fix: fix, at: item.node)
                return nil
            case .success(let range):
                if range.prefixLength == 0 {
                    reader.warning(
                        item.path,
                        "'\(item.text)' holds every \(range.address.count == 4 ? "IPv4" : "IPv6") address, "
                            + "so no client from there is asked for a second factor",
                        fix: "list only the networks that must be exempt", at: item.node)
                } else if range.hasHostBits {
                    reader.warning(
                        item.path, "'\(item.text)' has bits set after the prefix, so it means \(range.networkText)",
                        fix: "write \(range.networkText), or the prefix you meant", at: item.node)
                }
                return item.text
            }
        }
        return networks ?? []
    }
}

extension ProxyConfiguration.MFA.Lockout {
    /// Reads and checks `mfa.lockout`.
    static func decode(_ section: ConfigReader.Section, _ reader: ConfigReader) -> Self {
        Self(
            maxFailures: reader.integer("max_failures", in: section, range: 0...1000) ?? 5,
            maxFailuresPerAddress: reader.integer("max_failures_per_address", in: section, range: 0...1_000_000)
                ?? 100,
            window: reader.duration("window", in: section) ?? .seconds(600),
            duration: reader.duration("duration", in: section) ?? .seconds(900))
    }
}
