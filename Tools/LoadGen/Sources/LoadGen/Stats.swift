import Histogram

/// What one event loop measured; merged at the end. Only touched on its loop.
struct LoopStats {
    var histogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1_000, highestTrackableValue: 600_000_000_000, numberOfSignificantValueDigits: .three)
    var resultCodes = [UInt64](repeating: 0, count: 256)
    var ok: UInt64 = 0
    var failed: UInt64 = 0
    var warmupBinds: UInt64 = 0
    var connectErrors: UInt64 = 0
    var timeouts: UInt64 = 0
    var dropped: UInt64 = 0
    var poolWaits: UInt64 = 0
    var wrongSent: UInt64 = 0
    var wrongAccepted: UInt64 = 0
    /// Successful (right-factor) binds per second of the measurement.
    var timeline: [UInt64] = []
    var lastSuccess: UInt64 = 0
    var maxGap: UInt64 = 0
    var maxGapEnd: UInt64 = 0

    mutating func merge(_ other: LoopStats) {
        histogram.add(other.histogram)
        for code in 0..<256 { resultCodes[code] += other.resultCodes[code] }
        ok += other.ok
        failed += other.failed
        warmupBinds += other.warmupBinds
        connectErrors += other.connectErrors
        timeouts += other.timeouts
        dropped += other.dropped
        poolWaits += other.poolWaits
        wrongSent += other.wrongSent
        wrongAccepted += other.wrongAccepted
        if timeline.count < other.timeline.count {
            timeline += [UInt64](repeating: 0, count: other.timeline.count - timeline.count)
        }
        for (index, count) in other.timeline.enumerated() { timeline[index] += count }
        if other.maxGap > maxGap {
            maxGap = other.maxGap
            maxGapEnd = other.maxGapEnd
        }
    }
}

/// The report, printed as text or JSON.
struct Report: Codable {
    struct Latency: Codable {
        var p50: Double
        var p90: Double
        var p99: Double
        var p999: Double
        var max: Double
        var mean: Double
    }

    var target: String
    var transport: String
    var connectPerBind: Bool
    var concurrency: Int
    var threads: Int
    var users: Int
    var targetRate: Double?
    var measuredSeconds: Double
    var ok: UInt64
    var failed: UInt64
    var bindsPerSecond: Double
    var attemptsPerSecond: Double
    var resultCodes: [String: UInt64]
    var connectErrors: UInt64
    var timeouts: UInt64
    var dropped: UInt64
    var userPoolWaits: UInt64
    var wrongFactorSent: UInt64
    var wrongFactorAccepted: UInt64
    /// Latency in microseconds, of the measured binds (successes and failures).
    var latencyMicroseconds: Latency
    /// Longest time without a successful bind during the measurement, and when it ended.
    var maxSuccessGapMilliseconds: Double
    var maxSuccessGapEndSecond: Double
    var clientCPUMicrosecondsPerBind: Double
    var timeline: [UInt64]?

    var text: String {
        let codes = resultCodes.sorted { Int($0.key)! < Int($1.key)! }.map { "\($0.key)=\($0.value)" }
        let l = latencyMicroseconds
        var lines = [
            "target \(target) (\(transport), \(connectPerBind ? "connect per bind" : "persistent connections")), "
                + "concurrency \(concurrency), \(threads) thread(s), \(users) user(s)"
                + (targetRate.map { ", target rate \(Int($0))/s" } ?? ""),
            "measured \(fmt(measuredSeconds)) s: \(ok) ok, \(failed) failed; "
                + "\(fmt(bindsPerSecond)) successful binds/s, \(fmt(attemptsPerSecond)) attempts/s",
            "result codes: \(codes.joined(separator: " "))",
            "errors: connect \(connectErrors), timeouts \(timeouts), dropped in flight \(dropped); "
                + "user pool exhausted \(userPoolWaits) time(s)",
            "latency us: p50 \(fmt(l.p50)) p90 \(fmt(l.p90)) p99 \(fmt(l.p99)) p99.9 \(fmt(l.p999)) "
                + "max \(fmt(l.max)) mean \(fmt(l.mean))",
            "longest gap without a successful bind: \(fmt(maxSuccessGapMilliseconds)) ms "
                + "(ending at \(fmt(maxSuccessGapEndSecond)) s)",
            "client CPU: \(fmt(clientCPUMicrosecondsPerBind)) us per bind",
        ]
        if wrongFactorSent > 0 {
            lines.append("wrong-factor binds: \(wrongFactorSent) sent, \(wrongFactorAccepted) accepted")
        }
        return lines.joined(separator: "\n")
    }

    private func fmt(_ value: Double) -> String {
        value >= 100 ? String(Int(value.rounded())) : String(Double(Int(value * 100)) / 100)
    }
}
