import LDAPCore

extension ProxyConfiguration.Directory {
    /// `directory.windows`: how the `windows` bind type reaches Active Directory (SASL GSS-SPNEGO,
    /// RFC 4178 in an LDAP SASL bind, RFC 4513 §5.2).
    public struct Windows: Sendable, Equatable {
        /// `directory.windows.mechanism`: `negotiate` (Kerberos, NTLMv2 when no KDC answers),
        /// `kerberos` (NTLM not allowed) or `ntlm`. Default negotiate.
        public var mechanism: String = "negotiate"
        /// `directory.windows.domain`: the NetBIOS domain of `DOMAIN\user` and bare names. Default:
        /// the first `DC=` label of `directory.base_dn`, upper-cased.
        public var domain: String?
        /// `directory.windows.realm`: the Kerberos realm of that domain. Default: the `DC=` labels of
        /// `directory.base_dn` joined by dots, upper-cased.
        public var realm: String?
        /// `directory.windows.krb5_config`: the krb5.conf naming the realm's KDCs. Default: KRB5_CONFIG,
        /// else the system's /etc/krb5.conf.
        public var krb5Config: String?
        /// `directory.windows.service_principal_host`: the host of the DCs' `ldap/HOST` principal.
        /// Default: each server's host as written in `directory.servers`.
        public var servicePrincipalHost: String?
        /// `directory.windows.keytab`: a client keytab for the query account when `directory.bind_dn`
        /// is empty (with `keytab_principal`). Default: the process's own credentials (KRB5CCNAME or
        /// KRB5_CLIENT_KTNAME).
        public var keytab: String?
        /// `directory.windows.keytab_principal`: the principal in `keytab`.
        public var keytabPrincipal: String?
        /// `directory.windows.credential_cache`: a credential cache kept fresh by someone else.
        public var credentialCache: String?
        /// `directory.windows.channel_binding`: send RFC 5929 `tls-server-end-point` channel bindings
        /// over LDAPS and StartTLS. Default true.
        public var channelBinding: Bool = true

        public init() {}
    }

    /// `directory.referrals`: what happens to referrals and continuation references.
    public enum Referrals: String, Sendable, Hashable, CaseIterable {
        /// Returned to clients untouched (the default).
        case `return`
        /// Followed by the proxy, for the hosts of `directory.referral_hosts`, with the client's
        /// identity and the same bind type.
        case chase
    }

    /// The Windows bind's account for queries: `directory.bind_dn` read as `DOMAIN\user`, a UPN or a
    /// DN; nil uses the process's Kerberos credentials.
    static func decodeWindows(
        _ section: ConfigReader.Section, _ reader: ConfigReader, baseDN: DistinguishedName?
    ) -> Windows {
        var windows = Windows()
        let labels = (baseDN?.rdns ?? []).compactMap { rdn -> String? in
            guard let first = rdn.attributes.first, first.type.lowercased() == "dc",
                case .string(let label) = first.value
            else { return nil }
            return label
        }
        if let mechanism = reader.string("mechanism", in: section) {
            if ["negotiate", "kerberos", "ntlm"].contains(mechanism) {
                windows.mechanism = mechanism
            } else {
                reader.problem(
                    "directory.windows.mechanism", "'\(mechanism)' is not a mechanism",
                    fix: "use negotiate (Kerberos, else NTLMv2), kerberos or ntlm",
                    at: reader.node("mechanism", in: section))
            }
        }
        windows.domain = reader.string("domain", in: section) ?? labels.first?.uppercased()
        windows.realm =
            reader.string("realm", in: section) ?? (labels.isEmpty ? nil : labels.joined(separator: ".").uppercased())
        windows.krb5Config = reader.filePath("krb5_config", in: section, mustBeReadable: true)
        windows.servicePrincipalHost = reader.string("service_principal_host", in: section)
        windows.keytab = reader.filePath("keytab", in: section, mustBeReadable: true)
        windows.keytabPrincipal = reader.string("keytab_principal", in: section)
        windows.credentialCache = reader.string("credential_cache", in: section)
        windows.channelBinding = reader.boolean("channel_binding", in: section) ?? true
        if windows.keytab != nil && windows.keytabPrincipal == nil {
            reader.problem(
                "directory.windows.keytab_principal", "a keytab needs the principal to use from it",
                fix: "set keytab_principal, such as svc-proxy@EXAMPLE.COM")
        }
        return windows
    }

    static func decodeReferrals(_ section: ConfigReader.Section, _ reader: ConfigReader) -> (Referrals, [String]) {
        let referrals: Referrals = reader.choice("referrals", in: section) ?? .return
        let hosts = (reader.stringList("referral_hosts", in: section) ?? []).filter { !$0.isEmpty }
        if referrals == .chase && hosts.isEmpty {
            reader.problem(
                "directory.referral_hosts", "referrals: chase needs the hosts it may follow referrals to",
                fix: "list the trusted domains' servers, such as [dc1.child.example.com]; referrals to any other host "
                    + "reach clients untouched", at: reader.node("referrals", in: section))
        }
        return (referrals, hosts)
    }
}
