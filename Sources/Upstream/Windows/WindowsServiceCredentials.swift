/// The proxy's own Kerberos identity, for a Windows bind without a password (the query
/// account with no configured password).
public enum WindowsServiceCredentials: Sendable, Hashable {
    /// Whatever the process has: the credential cache named by KRB5CCNAME (or the library's
    /// default), else the default client keytab (KRB5_CLIENT_KTNAME).
    case processDefault
    /// A credential cache kept fresh by someone else (`kinit -k`, k5start, a sidecar), e.g.
    /// `FILE:/run/ldap-mfa-proxy/krb5cc`.
    case credentialCache(String)
    /// A client keytab for `principal` (e.g. `svc-proxy@EXAMPLE.TEST`); the Kerberos library gets
    /// and renews tickets from it by itself, into a memory cache private to this process.
    case clientKeytab(path: String, principal: String)
}
