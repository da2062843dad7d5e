import Crypto
import NIOConcurrencyHelpers
import NIOCore

/// Remembers recent gated successes so that an application that binds twice per login (with
/// the same password and code) is not refused by the one-time code's replay protection.
///
/// Keyed by SHA-256 over a random per-process salt, the normalised DN and the full secret: the
/// secret itself is never stored, and the salt makes the keys useless outside this process.
/// Off when the time to live is zero.
public final class BindCache: Sendable {
    public let timeToLive: TimeAmount
    private let salt: [UInt8]
    private let entries = NIOLockedValueBox<[SHA256Digest: NIODeadline]>([:])

    public init(timeToLive: TimeAmount) {
        self.timeToLive = timeToLive
        var generator = SystemRandomNumberGenerator()
        self.salt = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
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

    /// Whether this DN bound with exactly this secret less than the time to live ago.
    public func contains(dn: String, secret: ByteBuffer, now: NIODeadline = .now()) -> Bool {
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

    /// Records a gated success.
    public func insert(dn: String, secret: ByteBuffer, now: NIODeadline = .now()) {
        guard isEnabled else { return }
        let key = key(dn: dn, secret: secret)
        let expiry = now + timeToLive
        entries.withLockedValue { table in
            if table.count > 50_000 { table = table.filter { $0.value > now } }
            table[key] = expiry
        }
    }
}
