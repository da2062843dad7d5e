import Crypto
import Foundation
import Logging
import ProxyConfig
import UserStore

/// Opens the user store `store.*` names: the SQLite file (the default) or PostgreSQL (`store.postgres`).
public enum ConfiguredUserStore {
    /// Opens the store, creating the key file with a fresh key when absent. Returns a warning to show (e.g. a key
    /// file others may read), if any. PostgreSQL is reached on first use, not here.
    public static func open(_ configuration: ProxyConfiguration, logger: Logger? = nil) throws -> (
        store: any MFAUserStore, warning: String?
    ) {
        let key: SymmetricKey
        var warning: String?
        switch configuration.store.encryptionKey {
        case .environment(let secret):
            key = SymmetricKey(data: secret.bytes)
        case .file(let path):
            let loaded = try StoreKey.loadOrCreate(path: path)
            key = loaded.key
            warning = loaded.warning
        }
        guard let postgres = configuration.store.postgres else {
            return (try SQLiteUserStore(path: configuration.store.sqlitePath, key: key), warning)
        }
        var storeLogger = logger ?? Logger(label: "ldap-mfa-proxy.store")
        if logger == nil { storeLogger.logLevel = .error }
        let store = try PostgresUserStore(settings: settings(postgres), key: key, logger: storeLogger)
        return (store, warning)
    }

    /// `store.postgres.*` in the store's terms.
    static func settings(_ postgres: ProxyConfiguration.Store.Postgres) -> PostgresStoreSettings {
        let tls: PostgresStoreSettings.TLS =
            switch postgres.tlsMode {
            case .disable: .disable
            case .require: .require(caFile: postgres.caFile)
            case .verifyCA: .verifyCA(caFile: postgres.caFile)
            case .verifyFull: .verifyFull(caFile: postgres.caFile)
            }
        return PostgresStoreSettings(
            host: postgres.host, port: postgres.port, username: postgres.username,
            password: postgres.password.flatMap(\.utf8String), database: postgres.database, tls: tls,
            poolSize: postgres.poolSize, connectTimeout: postgres.connectTimeout, displayURL: postgres.displayURL)
    }
}
