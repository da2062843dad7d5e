import NIOCore

extension TimeAmount {
    /// The same length as a Swift `Duration` (configuration values are Durations).
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
