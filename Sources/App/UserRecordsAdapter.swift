import ProxyServer
import UserStore

/// The gate's view of the user store: a user has a record once enrolled or synchronised from the
/// directory (`mfa.require_user_match`), and a synchronisation may disable that record (`user-disabled`).
struct UserRecordsAdapter: UserRecords {
    let store: any MFAUserStore

    func state(username: String) async throws -> UserRecordState {
        switch try await store.isEnabled(username: username) {
        case nil: .missing
        case true?: .enabled
        case false?: .disabled
        }
    }
}
