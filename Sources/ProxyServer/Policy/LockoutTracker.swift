import NIOConcurrencyHelpers
import NIOCore

/// Counts failed binds per user and per client address, and refuses further binds for a while
/// once a limit is reached, without contacting the directory, so that guessing through the proxy
/// cannot push the directory account into its own lockout (Active Directory's lockout threshold).
///
/// A value type for the rules (testable with a fake clock) and a locked box for sharing.
public struct LockoutRules: Sendable, Hashable {
    /// Failures per user within `window` that lock the user (0 turns user lockout off).
    public var maxFailures: Int
    /// Failures per client address within `window` that lock the address (0: off).
    public var maxFailuresPerAddress: Int
    public var window: TimeAmount
    public var duration: TimeAmount

    public init(
        maxFailures: Int = 5, maxFailuresPerAddress: Int = 100, window: TimeAmount = .minutes(10),
        duration: TimeAmount = .minutes(15)
    ) {
        self.maxFailures = maxFailures
        self.maxFailuresPerAddress = maxFailuresPerAddress
        self.window = window
        self.duration = duration
    }
}

/// The counting itself: events in, verdicts out.
public struct LockoutState: Sendable {
    struct Entry: Sendable {
        var failures: [NIODeadline] = []
        var lockedUntil: NIODeadline?
    }

    public let rules: LockoutRules
    var users: [String: Entry] = [:]
    var addresses: [String: Entry] = [:]

    public init(rules: LockoutRules) { self.rules = rules }

    /// Whether a bind by `user` from `address` must be refused now.
    public func isLocked(user: String, address: String?, now: NIODeadline) -> Bool {
        if let until = users[user]?.lockedUntil, until > now { return true }
        if let address, let until = addresses[address]?.lockedUntil, until > now { return true }
        return false
    }

    /// Records a failed bind (wrong password or rejected second factor).
    public mutating func recordFailure(user: String, address: String?, now: NIODeadline) {
        Self.record(&users, key: user, limit: rules.maxFailures, rules: rules, now: now)
        if let address {
            Self.record(&addresses, key: address, limit: rules.maxFailuresPerAddress, rules: rules, now: now)
        }
        if users.count + addresses.count > 100_000 { prune(now: now) }
    }

    /// A successful bind clears the user's failures (not the address's).
    public mutating func recordSuccess(user: String) {
        users[user] = nil
    }

    static func record(_ table: inout [String: Entry], key: String, limit: Int, rules: LockoutRules, now: NIODeadline) {
        guard limit > 0 else { return }
        var entry = table[key] ?? Entry()
        entry.failures = entry.failures.filter { now - $0 < rules.window } + [now]
        if entry.failures.count >= limit {
            entry.lockedUntil = now + rules.duration
            entry.failures = []
        }
        table[key] = entry
    }

    /// Drops entries with nothing left to remember.
    mutating func prune(now: NIODeadline) {
        let window = rules.window
        let keep: (Entry) -> Bool = { entry in
            (entry.lockedUntil.map { $0 > now } ?? false) || entry.failures.contains { now - $0 < window }
        }
        users = users.filter { keep($0.value) }
        addresses = addresses.filter { keep($0.value) }
    }
}

/// `LockoutState` shared by every session, and by every replica when a shared backend is given (`store.postgres`).
///
/// With a backend, a call the backend fails falls back to this process's own counters, so that a store outage
/// still leaves each replica its local lockout.
public final class LockoutTracker: Sendable {
    private let state: NIOLockedValueBox<LockoutState>
    private let shared: (any SharedLockoutBackend)?

    /// Counters in this process's memory.
    public init(rules: LockoutRules) {
        state = NIOLockedValueBox(LockoutState(rules: rules))
        shared = nil
    }

    /// Counters every replica sharing `backend` sees.
    public init(rules: LockoutRules, shared backend: any SharedLockoutBackend) {
        state = NIOLockedValueBox(LockoutState(rules: rules))
        shared = backend
    }

    public var rules: LockoutRules { state.withLockedValue { $0.rules } }

    public func isLocked(user: String, address: String?) async -> Bool {
        if state.withLockedValue({ $0.isLocked(user: user, address: address, now: .now()) }) { return true }
        guard let shared, rules.maxFailures > 0 || rules.maxFailuresPerAddress > 0 else { return false }
        return (try? await shared.isLocked(user: user, address: address)) ?? false
    }

    public func recordFailure(user: String, address: String?) async {
        if let shared {
            let rules = self.rules
            guard rules.maxFailures > 0 || rules.maxFailuresPerAddress > 0 else { return }
            do {
                return try await shared.recordFailure(user: user, address: address, rules: rules)
            } catch {}
        }
        state.withLockedValue { $0.recordFailure(user: user, address: address, now: .now()) }
    }

    public func recordSuccess(user: String) async {
        state.withLockedValue { $0.recordSuccess(user: user) }
        if let shared, rules.maxFailures > 0 { try? await shared.recordSuccess(user: user) }
    }
}
