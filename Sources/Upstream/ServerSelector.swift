import NIOCore

/// Chooses which directory server to use, as a value: events in, decisions out (DESIGN.md
/// decision 4). Servers are in priority order (the first is the primary, as in Azure MFA
/// Server's "Server" setting `primary;backup`).
///
/// A server that fails is quarantined for a backoff that doubles on each consecutive failure
/// up to a maximum. While quarantined it is not chosen; once its quarantine ends it may be
/// probed, and a success makes it healthy again, so traffic returns to the primary as soon as
/// it answers (failback).
public struct ServerSelector: Sendable, Hashable {
    public struct ServerState: Sendable, Hashable {
        public var isHealthy = true
        public var quarantinedUntil: NIODeadline?
        public var consecutiveFailures = 0
        public var lastError: String?
    }

    public private(set) var servers: [ServerState]
    public let initialBackoff: TimeAmount
    public let maximumBackoff: TimeAmount

    public init(serverCount: Int, initialBackoff: TimeAmount = .seconds(1), maximumBackoff: TimeAmount = .seconds(60)) {
        self.servers = Array(repeating: ServerState(), count: serverCount)
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
    }

    /// The servers to try for one operation, best first: healthy servers in priority order,
    /// then quarantined ones whose quarantine has ended (a last resort before answering
    /// "unavailable"), earliest-expired first.
    public func candidates(now: NIODeadline) -> [Int] {
        let healthy = servers.indices.filter { servers[$0].isHealthy }
        let expired = servers.indices.filter { index in
            guard !servers[index].isHealthy, let until = servers[index].quarantinedUntil else { return false }
            return until <= now
        }.sorted { servers[$0].quarantinedUntil! < servers[$1].quarantinedUntil! }
        return healthy + expired
    }

    /// The server traffic goes to now, if any.
    public func preferred(now: NIODeadline) -> Int? { candidates(now: now).first }

    /// Quarantined servers whose quarantine has ended: probe these.
    public func dueForProbe(now: NIODeadline) -> [Int] {
        servers.indices.filter { index in
            !servers[index].isHealthy && (servers[index].quarantinedUntil.map { $0 <= now } ?? true)
        }
    }

    /// A server answered: it is healthy.
    public mutating func recordSuccess(_ index: Int) {
        guard servers.indices.contains(index) else { return }
        servers[index] = ServerState()
    }

    /// A server failed: quarantine it for the next backoff step. Returns the quarantine length.
    @discardableResult
    public mutating func recordFailure(_ index: Int, now: NIODeadline, error: String) -> TimeAmount {
        guard servers.indices.contains(index) else { return .zero }
        var state = servers[index]
        let backoff = Self.backoff(
            failures: state.consecutiveFailures, initial: initialBackoff, maximum: maximumBackoff)
        state.isHealthy = false
        state.consecutiveFailures += 1
        state.quarantinedUntil = now + backoff
        state.lastError = error
        servers[index] = state
        return backoff
    }

    static func backoff(failures: Int, initial: TimeAmount, maximum: TimeAmount) -> TimeAmount {
        var value = initial
        for _ in 0..<min(failures, 32) {
            value = value + value
            if value >= maximum { return maximum }
        }
        return min(value, maximum)
    }
}
