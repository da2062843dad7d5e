import Foundation

/// Where ``PostgresUserStore`` connects and how (`store.postgres.*`, read by the App from the configuration).
public struct PostgresStoreSettings: Sendable {
    /// How the connection is protected (libpq's `sslmode`).
    public enum TLS: Sendable, Hashable {
        /// Plain TCP.
        case disable
        /// TLS; the certificate is checked against `caFile` when given (chain only), else not at all.
        case require(caFile: String?)
        /// TLS; the chain must lead to `caFile` (or the system's roots), any host name.
        case verifyCA(caFile: String?)
        /// TLS; the chain must lead to `caFile` (or the system's roots) and the certificate must name the host.
        case verifyFull(caFile: String?)
    }

    public var host: String
    public var port: Int
    public var username: String
    /// Never shown: not in ``displayURL``, not in errors.
    public var password: String?
    public var database: String
    public var tls: TLS
    /// Connections per process at most.
    public var poolSize: Int
    public var connectTimeout: Duration
    /// The URL without the password, for messages and `location`.
    public var displayURL: String

    public init(
        host: String, port: Int, username: String, password: String?, database: String, tls: TLS, poolSize: Int = 10,
        connectTimeout: Duration = .seconds(10), displayURL: String? = nil
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
        self.poolSize = poolSize
        self.connectTimeout = connectTimeout
        self.displayURL = displayURL ?? "postgres://\(username)@\(host):\(port)/\(database)"
    }
}
