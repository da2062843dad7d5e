import SecondFactor
import UserStore

/// Lets the TOTP provider keep its secrets and replay state in the user store (the two targets
/// know nothing of each other; the App joins them).
struct TOTPStoreAdapter: TOTPStateStore {
    let store: any MFAUserStore

    func totpSecret(for username: String) async throws -> [UInt8]? {
        try await store.totpSecret(for: username)
    }

    func recordAcceptedStep(_ step: Int64, for username: String) async throws -> Bool {
        try await store.recordAcceptedStep(step, for: username)
    }
}
