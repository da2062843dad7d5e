import Logging
import NIOConcurrencyHelpers
import Testing

@testable import SecondFactor

/// A log handler that keeps every message with its metadata, rendered as text.
struct CapturingLogHandler: LogHandler {
    let lines: NIOLockedValueBox<[String]>
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        lines.withLockedValue { $0.append("\(event.level) \(event.message) \(all)") }
    }
}

@Suite("privacyIDEA provider logging")
struct PrivacyIDEALoggingTests {
    @Test("trace-level logs and outcomes of every flow never contain the code")
    func noCodeInLogs() async throws {
        let code = "864209"
        let script = PrivacyIDEAFakeScript()
        script.state.withLockedValue {
            $0.goodCode = code
            $0.challengeOnPass = code
            $0.pushUsers = ["carol"]
            $0.approveAfterPolls = 2
        }
        let server = try await PrivacyIDEAFakeServer.start { script.handle($0) }
        let lines = NIOLockedValueBox<[String]>([])
        let logger = Logger(label: "test") { _ in CapturingLogHandler(lines: lines) }
        let settings = PrivacyIDEASettings(
            url: server.url, pushTimeout: .seconds(2), pollInterval: .milliseconds(20), requestTimeout: .seconds(2))
        let provider = try PrivacyIDEAProvider(settings: settings, logger: logger)
        var outcomes: [FactorOutcome] = []
        for (user, typed) in [("alice", code), ("bob", "111111"), ("carol", "push")] {
            outcomes.append(await provider.verify(FactorRequest(username: user, dn: user, code: typed)))
        }
        await server.stop()
        outcomes.append(await provider.verify(FactorRequest(username: "alice", dn: "alice", code: code)))
        await provider.shutdown()

        #expect(outcomes.first == .accepted && outcomes[2] == .accepted)
        let logged = lines.withLockedValue { $0 }
        #expect(logged.count >= 4)
        for text in logged + outcomes.map({ "\($0)" }) {
            #expect(!text.contains(code) && !text.contains("111111"), "\(text)")
        }
    }
}
