import NIOConcurrencyHelpers
import NIOCore

/// Remembers, for a short time, which username the second factor uses for a bind name: the value of the first
/// of `directory.username_attributes` on the user's entry, read with the query identity.
///
/// Without it every gated bind costs the directory a search as well as the user's own bind (BENCHMARKS.md,
/// "Against slapd"). Keyed by the normalised DN (or the lowercased logon name) the gate locks out by; only
/// names that resolved are kept, so an unknown user is looked up every time. A rename of the username
/// attribute on an unchanged DN is seen after at most the time to live (`mfa.username_cache_ttl`). Bounded:
/// when full, expired entries go first, then everything. Off when the time to live is zero.
public final class UsernameCache: Sendable {
    public let timeToLive: TimeAmount
    public let capacity: Int
    private let entries = NIOLockedValueBox<[String: (username: String, expiry: NIODeadline)]>([:])

    public init(timeToLive: TimeAmount, capacity: Int = 100_000) {
        self.timeToLive = timeToLive
        self.capacity = max(1, capacity)
    }

    public var isEnabled: Bool { timeToLive > .zero }

    /// The username remembered for `key`, unless it expired by `now`.
    public func username(for key: String, now: NIODeadline = .now()) -> String? {
        guard isEnabled else { return nil }
        return entries.withLockedValue { table in
            guard let entry = table[key] else { return nil }
            guard entry.expiry > now else {
                table[key] = nil
                return nil
            }
            return entry.username
        }
    }

    /// Remembers `username` for `key` until `now` plus the time to live.
    public func insert(_ username: String, for key: String, now: NIODeadline = .now()) {
        guard isEnabled else { return }
        let capacity = self.capacity
        entries.withLockedValue { table in
            if table.count >= capacity, table[key] == nil {
                table = table.filter { $0.value.expiry > now }
                if table.count >= capacity { table.removeAll(keepingCapacity: true) }
            }
            table[key] = (username, now + timeToLive)
        }
    }

    /// How many names are held (expired ones included until they are next touched or swept).
    public var count: Int { entries.withLockedValue { $0.count } }
}
