import NIOConcurrencyHelpers
import NIOCore
import ProxyServer
import SecondFactor
import UserStore

/// The bind gate's and the TOTP provider's view of the user store (the targets know nothing of each other;
/// the App joins them).
///
/// A gated bind reads the user twice: the gate asks whether the record is enabled (before the directory sees
/// the password), then the TOTP provider asks for the secret (after the directory accepted it). Both come from
/// one store read (``MFAUserStore/gateRead(username:)``): the secret is handed from the first call to the
/// second and taken at most once, and only within `handoffLifetime` (a bind whose password the directory
/// refused never asks; its entry is dropped by the next insert after that time). Each store round trip costs
/// two thread hops (BENCHMARKS.md, "Where the time goes").
final class StoreGateAdapter: UserRecords, TOTPStateStore {
    let store: any MFAUserStore
    let handoffLifetime: TimeAmount
    private let handoff = NIOLockedValueBox<[String: (secret: [UInt8], expiry: NIODeadline)]>([:])

    init(store: any MFAUserStore, handoffLifetime: TimeAmount = .seconds(5)) {
        self.store = store
        self.handoffLifetime = handoffLifetime
    }

    func state(username: String) async throws -> UserRecordState {
        let read = try await store.gateRead(username: username)
        if let secret = read.totpSecret, read.enabled == true { keep(secret, for: username, now: .now()) }
        switch read.enabled {
        case nil: return .missing
        case true?: return .enabled
        case false?: return .disabled
        }
    }

    func totpSecret(for username: String) async throws -> [UInt8]? {
        if let secret = take(username, now: .now()) { return secret }
        return try await store.totpSecret(for: username)
    }

    func recordAcceptedStep(_ step: Int64, for username: String) async throws -> Bool {
        try await store.recordAcceptedStep(step, for: username)
    }

    func keep(_ secret: [UInt8], for username: String, now: NIODeadline) {
        let expiry = now + handoffLifetime
        handoff.withLockedValue { table in
            if !table.isEmpty { table = table.filter { $0.value.expiry > now } }
            table[username] = (secret, expiry)
        }
    }

    func take(_ username: String, now: NIODeadline) -> [UInt8]? {
        handoff.withLockedValue { table in
            guard let entry = table.removeValue(forKey: username), entry.expiry > now else { return nil }
            return entry.secret
        }
    }

    /// Secrets waiting for their bind's second factor.
    var waiting: Int { handoff.withLockedValue { $0.count } }
}
