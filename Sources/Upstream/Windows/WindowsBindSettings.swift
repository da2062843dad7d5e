/// How the proxy authenticates a user to Active Directory with the "Windows" bind type: SASL
/// GSS-SPNEGO (RFC 4178 inside an LDAP SASL bind, RFC 4513 §5.2) with the user's own password.
public struct WindowsBindSettings: Sendable {
    public enum Mechanism: String, Sendable, Hashable, CaseIterable {
        /// Kerberos when a KDC for the user's realm answers, NTLMv2 when none does (Windows'
        /// Negotiate). A KDC that refuses the password ends the bind: no NTLM retry.
        case negotiate
        /// Kerberos only.
        case kerberos
        /// NTLMv2 only (gss-ntlmssp).
        case ntlm
    }

    public var mechanism: Mechanism
    /// Kerberos realm of each NetBIOS domain name, compared without case:
    /// `["EXAMPLE": "EXAMPLE.TEST"]`. A `DOMAIN\user` name whose domain is missing here cannot
    /// use Kerberos (negotiate then uses NTLM).
    public var realms: [String: String]
    /// NetBIOS domain of a bare `user` name; its realm comes from `realms`.
    public var defaultDomain: String?
    /// Host of the directory's service principal `ldap/HOST` (the `ldap@HOST` host-based
    /// name); `nil` uses the host the connection was made to. Active Directory knows a DC by
    /// its DNS name; `samba-tool spn add ldap/127.0.0.1 'DC1$'` makes an IP address work too.
    public var servicePrincipalHost: String?
    /// Turns a bind DN into an account name, e.g. by reading the entry's userPrincipalName or
    /// sAMAccountName with the query connection. `nil`: a DN cannot be used for a Windows bind.
    public var resolvePrincipal: (@Sendable (String) async throws -> WindowsAccountName?)?
    /// Over LDAPS or StartTLS, send the `tls-server-end-point` channel binding (RFC 5929 §4) in
    /// the GSS-API context, as Windows does; a DC that enforces LDAP channel binding refuses binds
    /// without it. Default true.
    public var channelBinding: Bool = true

    public init(
        mechanism: Mechanism = .negotiate, realms: [String: String] = [:], defaultDomain: String? = nil,
        servicePrincipalHost: String? = nil,
        resolvePrincipal: (@Sendable (String) async throws -> WindowsAccountName?)? = nil
    ) {
        self.mechanism = mechanism
        self.realms = realms
        self.defaultDomain = defaultDomain
        self.servicePrincipalHost = servicePrincipalHost
        self.resolvePrincipal = resolvePrincipal
    }

    /// The realm of a NetBIOS domain name, if configured.
    func realm(ofDomain domain: String) -> String? {
        let wanted = domain.uppercased()
        return realms.first { $0.key.uppercased() == wanted }?.value.uppercased()
    }

    /// Where `name` is authenticated with Kerberos: the principal text, whether it is an
    /// enterprise name (a UPN), and the realm. `nil` when no realm is known for it.
    func kerberosPrincipal(for name: WindowsAccountName) -> (user: String, enterprise: Bool, realm: String)? {
        switch name.form {
        case .downLevel(let domain, let user):
            // A DNS domain name in front of the backslash is its own realm.
            guard let realm = realm(ofDomain: domain) ?? (domain.contains(".") ? domain.uppercased() : nil) else {
                return nil
            }
            return (user, false, realm)
        case .user(let user):
            guard let domain = defaultDomain, let realm = realm(ofDomain: domain) else { return nil }
            return (user, false, realm)
        case .userPrincipalName(let user, let suffix):
            // The KDC finds the account by its UPN (enterprise name, RFC 6806) in the realm
            // named by the suffix, or in the only / default realm when the suffix is another one.
            let upper = suffix.uppercased()
            let known = Set(realms.values.map { $0.uppercased() })
            let home =
                if known.contains(upper) { upper } else {
                    defaultDomain.flatMap { realm(ofDomain: $0) } ?? (known.count == 1 ? known.first! : upper)
                }
            return ("\(user)@\(suffix)", true, home)
        }
    }

    /// The name gss-ntlmssp authenticates: `DOMAIN\user`, or a UPN as the user name with no
    /// domain (how Windows sends one; gss-ntlmssp's `user\@suffix` form).
    func ntlmName(for name: WindowsAccountName) -> String {
        switch name.form {
        case .downLevel(let domain, let user): "\(domain)\\\(user)"
        case .userPrincipalName(let user, let suffix): "\(user)\\@\(suffix)"
        case .user(let user): defaultDomain.map { "\($0)\\\(user)" } ?? user
        }
    }
}
