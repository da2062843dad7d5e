import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A bind load generator for any LDAP server: pre-encoded BindRequests on SwiftNIO, little CPU per
/// bind, an HDR histogram of latencies. See BENCHMARKS.md for how the project uses it.
@main
struct LoadGen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ldap-loadgen",
        abstract: "Simple-bind load against an LDAP server: binds/s, result codes, HDR latency histogram.")

    @Option(help: "ldap://host:port or ldaps://host:port.")
    var url: String

    @Flag(help: "StartTLS (RFC 4511 section 4.14) before binding, on an ldap:// URL.")
    var starttls = false

    @Option(help: "PEM CA file that verifies the server's certificate (no hostname check).")
    var caFile: String?

    @Flag(help: "Do not verify the server's certificate at all.")
    var insecure = false

    @Option(help: "Connections, each with one bind in flight.")
    var concurrency = 64

    @Option(help: "Event loop threads of the generator.")
    var threads = 1

    @Flag(help: "A new connection (and TLS handshake) for every bind; the latency includes the connect.")
    var connectPerBind = false

    @Option(help: "Seconds measured (after the warm-up).")
    var duration: Double = 10

    @Option(help: "Stop after this many measured binds instead of after --duration.")
    var count: UInt64?

    @Option(help: "Seconds of load before the measurement starts.")
    var warmup: Double = 2

    @Option(help: "Total binds per second (paced; latency counted from when each bind was due). 0: unpaced.")
    var rate: Double = 0

    @Option(help: "Users: a file of DN<TAB>PASSWORD[<TAB>BASE32-TOTP-SECRET] lines.")
    var usersFile: String?

    @Option(help: "Users: a printf pattern of the DN over --first...--last, e.g. uid=user%04d,ou=people,....")
    var dnPattern: String?

    @Option(help: "The password pattern for --dn-pattern, e.g. pass-user%04d.")
    var passwordPattern: String?

    @Option(help: "A base32 TOTP secret pattern for --dn-pattern (optional).")
    var secretPattern: String?

    @Option var first = 1
    @Option var last = 1

    @Option(help: "What the proxy expects between password and code.")
    var delimiter = ","

    @Option(help: "TOTP digits.")
    var digits = 6

    @Option(help: "TOTP period in seconds.")
    var period: Int64 = 30

    @Option(help: "Every Nth bind of a TOTP user carries a wrong code or no code (alternately); counted apart.")
    var wrongEvery = 0

    @Option(help: "Seconds without an answer after which a bind counts as timed out and its connection closes.")
    var timeout: Double = 10

    @Flag(help: "Print the report as one JSON object.")
    var json = false

    @Flag(help: "Add successful binds per second to the report.")
    var timeline = false

    mutating func run() throws {
        guard let parsed = URLComponents(string: url), let host = parsed.host,
            let scheme = parsed.scheme, scheme == "ldap" || scheme == "ldaps"
        else { throw ValidationError("--url must be ldap://host:port or ldaps://host:port") }
        let port = parsed.port ?? (scheme == "ldaps" ? 636 : 389)
        guard !(starttls && scheme == "ldaps") else { throw ValidationError("--starttls needs an ldap:// URL") }
        guard concurrency > 0, threads > 0, warmup >= 0, duration > 0 else {
            throw ValidationError("--concurrency, --threads and --duration must be positive")
        }
        let transport: RunSettings.Transport = scheme == "ldaps" ? .ldaps : (starttls ? .starttls : .plain)

        var users: [LoadUser]
        if let usersFile {
            users = try UserSource.file(usersFile)
        } else if let dnPattern, let passwordPattern {
            users = try UserSource.pattern(
                dn: dnPattern, password: passwordPattern, secret: secretPattern, range: first...max(first, last))
        } else {
            throw ValidationError("give --users-file, or --dn-pattern with --password-pattern")
        }

        var tls: NIOSSLContext?
        if transport != .plain {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if insecure {
                configuration.certificateVerification = .none
            } else if let caFile {
                configuration.trustRoots = .file(caFile)
                configuration.certificateVerification = .noHostnameVerification
            }
            tls = try NIOSSLContext(configuration: configuration)
        }

        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        defer { try? group.syncShutdownGracefully() }
        let perWorkerInterval = rate > 0 ? UInt64(Double(concurrency) / rate * 1e9) : 0
        let settings = RunSettings(
            host: host, port: port, transport: transport, tls: tls, connectPerBind: connectPerBind,
            interval: perWorkerInterval, timeout: UInt64(timeout * 1e9), wrongEvery: wrongEvery)

        let cpuBefore = Self.cpuSeconds()
        let start = LoopRunner.now()
        let measureStart = start + UInt64(warmup * 1e9)
        let measureEnd = count == nil ? measureStart + UInt64(duration * 1e9) : UInt64.max
        var runners: [LoopRunner] = []
        for thread in 0..<threads {
            // Users are split between the loops, so no user is shared and nothing is locked.
            let share = stride(from: thread, to: users.count, by: threads).map { users[$0] }
            let pool = UserPool(
                users: share.isEmpty ? users : share, period: period, digits: digits, delimiter: delimiter)
            let loop = group.next()
            let runner = LoopRunner(loop: loop, settings: settings, pool: pool)
            runner.measureStart = measureStart
            runner.measureEnd = measureEnd
            if let count {
                runner.countLimit = count / UInt64(threads) + (UInt64(thread) < count % UInt64(threads) ? 1 : 0)
            }
            let workers = concurrency / threads + (thread < concurrency % threads ? 1 : 0)
            runners.append(runner)
            guard workers > 0 else { continue }
            loop.execute { runner.start(workers: workers) }
        }
        // Every worker stops at the end; a wedged one is cut off by the timeout sweep. A loop without
        // workers (more threads than connections) has nothing to wait for.
        for (thread, runner) in runners.enumerated() where thread < concurrency {
            try runner.done.futureResult.wait()
        }
        let ended = min(LoopRunner.now(), measureEnd)
        let cpuAfter = Self.cpuSeconds()

        var stats = LoopStats()
        for runner in runners {
            stats.merge(try runner.loop.submit { runner.stats }.wait())
        }
        let seconds = Double(ended - measureStart) / 1e9
        let h = stats.histogram
        let micro = { (value: UInt64) in Double(value) / 1000 }
        let binds = max(stats.ok + stats.failed + stats.warmupBinds, 1)
        let timelineSeconds = Int(seconds.rounded(.up))
        let report = Report(
            target: url, transport: transport.rawValue, connectPerBind: connectPerBind, concurrency: concurrency,
            threads: threads, users: users.count, targetRate: rate > 0 ? rate : nil, measuredSeconds: seconds,
            ok: stats.ok, failed: stats.failed, bindsPerSecond: Double(stats.ok) / seconds,
            attemptsPerSecond: Double(stats.ok + stats.failed) / seconds,
            resultCodes: Dictionary(
                uniqueKeysWithValues: stats.resultCodes.enumerated().filter { $0.element > 0 }.map {
                    (String($0.offset), $0.element)
                }),
            connectErrors: stats.connectErrors, timeouts: stats.timeouts, dropped: stats.dropped,
            userPoolWaits: stats.poolWaits, wrongFactorSent: stats.wrongSent, wrongFactorAccepted: stats.wrongAccepted,
            latencyMicroseconds: .init(
                p50: micro(h.valueAtPercentile(50)), p90: micro(h.valueAtPercentile(90)),
                p99: micro(h.valueAtPercentile(99)), p999: micro(h.valueAtPercentile(99.9)), max: micro(h.max),
                mean: h.mean / 1000),
            maxSuccessGapMilliseconds: Double(stats.maxGap) / 1e6,
            maxSuccessGapEndSecond: Double(stats.maxGapEnd) / 1e9,
            clientCPUMicrosecondsPerBind: (cpuAfter - cpuBefore) * 1e6 / Double(binds),
            timeline: timeline ? Array(stats.timeline.prefix(timelineSeconds)) : nil)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.text)
            if let line = report.timeline {
                print("successful binds per second: \(line.map(String.init).joined(separator: " "))")
            }
        }
    }

    /// User plus system CPU of this process.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
