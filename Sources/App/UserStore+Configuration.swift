import Crypto
import Foundation
import ProxyConfig
import UserStore

extension SQLiteUserStore {
    /// Opens the store `store.*` names, creating the key file with a fresh key when absent.
    /// Returns a warning to show (e.g. a key file others may read), if any.
    public static func open(_ configuration: ProxyConfiguration) throws -> (store: SQLiteUserStore, warning: String?) {
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
        return (try SQLiteUserStore(path: configuration.store.sqlitePath, key: key), warning)
    }
}
