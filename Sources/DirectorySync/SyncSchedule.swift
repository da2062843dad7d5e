import Foundation

/// When the next cycle starts: `sync.interval` after the start of the last one (start to start, as Azure MFA
/// Server measures it); a cycle that took longer than the interval is followed at once by the next.
public struct SyncSchedule: Sendable, Hashable {
    public let interval: Duration
    public private(set) var lastStart: Date?

    public init(interval: Duration) {
        self.interval = interval
    }

    /// The start of the next cycle: `now` for the first one or after an overrun.
    public func nextStart(now: Date) -> Date {
        guard let lastStart else { return now }
        return max(now, lastStart.addingTimeInterval(interval.timeInterval))
    }

    public mutating func started(at date: Date) {
        lastStart = date
    }
}

extension Duration {
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
