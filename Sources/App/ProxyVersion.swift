/// The version `ldap-mfa-proxy version` prints.
public enum ProxyVersion {
    public static let current = "0.1.0-dev"
}
