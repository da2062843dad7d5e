import Crypto
import NIOConcurrencyHelpers
import NIOCore

/// Remembers recent gated successes so that an application that binds twice per login (with
/// the same password and code) is not refused by the one-time code's replay protection.
///
/// Keyed by SHA-256 over a salt, the bind name as sent and the full secret: the secret is never stored. In
/// memory (the default) the salt is random per process; with a shared backend (`store.postgres`) every replica
/// uses the salt derived from the store key, so that a success through one replica is a hit on the others, while
/// the stored keys are useless to whoever reads the table without that key. Off when the time to live is zero.
public final class BindCache: Sendable {
    public let timeToLive: TimeAmount
    private let salt: [UInt8]
    private let entries = NIOLockedValueBox<[SHA256Digest: NIODeadline]>([:])
    private let shared: (any SharedBindCacheBackend)?

    /// A cache in this process's memory.
    public init(timeToLive: TimeAmount) {
        self.timeToLive = timeToLive
        var generator = SystemRandomNumberGenerator()
        self.salt = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        self.shared = nil
    }

    /// A cache every replica sharing `backend` sees; `salt` must be the same on all of them.
    public init(timeToLive: TimeAmount, shared backend: any SharedBindCacheBackend, salt: [UInt8]) {
        self.timeToLive = timeToLive
        self.salt = salt
        self.shared = backend
    }

    public var isEnabled: Bool { timeToLive > .zero }

    func key(dn: String, secret: ByteBuffer) -> SHA256Digest {
        var hash = SHA256()
        hash.update(data: salt)
        hash.update(data: Array(dn.utf8))
        hash.update(data: [0])
        secret.withUnsafeReadableBytes { hash.update(bufferPointer: $0) }
        return hash.finalize()
    }

    /// Whether this DN bound with exactly this secret less than the time to live ago. A shared backend that fails
    /// counts as a miss (the bind then goes through the second factor).
    public func contains(dn: String, secret: ByteBuffer) async -> Bool {
        guard isEnabled else { return false }
        guard let shared else { return contains(dn: dn, secret: secret, now: .now()) }
        return (try? await shared.contains(Array(key(dn: dn, secret: secret)))) ?? false
    }

    /// Records a gated success; a shared backend that fails leaves the entry out.
    public func insert(dn: String, secret: ByteBuffer) async {
        guard isEnabled else { return }
        guard let shared else { return insert(dn: dn, secret: secret, now: .now()) }
        try? await shared.insert(Array(key(dn: dn, secret: secret)), timeToLive: timeToLive)
    }

    /// The in-memory table at `now` (the fake clock of tests).
    public func contains(dn: String, secret: ByteBuffer, now: NIODeadline) -> Bool {
        guard isEnabled else { return false }
        let key = key(dn: dn, secret: secret)
        return entries.withLockedValue { table in
            guard let expiry = table[key] else { return false }
            if expiry <= now {
                table[key] = nil
                return false
            }
            return true
        }
    }

    /// Records a gated success in the in-memory table at `now`.
    public func insert(dn: String, secret: ByteBuffer, now: NIODeadline) {
        guard isEnabled else { return }
        let key = key(dn: dn, secret: secret)
        let expiry = now + timeToLive
        entries.withLockedValue { table in
            if table.count > 50_000 { table = table.filter { $0.value > now } }
            table[key] = expiry
        }
    }
}
