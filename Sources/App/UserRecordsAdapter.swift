import ProxyServer
import UserStore

/// `mfa.require_user_match` asks the user store: a user has a record once enrolled (or, later,
/// synchronised from the directory).
struct UserRecordsAdapter: UserRecords {
    let store: SQLiteUserStore

    func hasRecord(username: String) async throws -> Bool {
        try await store.user(named: username) != nil
    }
}
