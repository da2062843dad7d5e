import NIOCore
import Testing

@testable import Upstream

@Suite("Server selector")
struct ServerSelectorTests {
    let t0 = NIODeadline.uptimeNanoseconds(10_000_000_000)

    @Test("prefers the primary while it is healthy")
    func primaryFirst() {
        let selector = ServerSelector(serverCount: 3)
        #expect(selector.candidates(now: t0) == [0, 1, 2])
    }

    @Test("fails over to the next server and back when the primary recovers")
    func failoverAndFailback() {
        var selector = ServerSelector(serverCount: 2, initialBackoff: .seconds(1), maximumBackoff: .seconds(8))
        selector.recordFailure(0, now: t0, error: "refused")
        #expect(selector.preferred(now: t0) == 1)
        #expect(selector.dueForProbe(now: t0 + .milliseconds(500)).isEmpty)
        #expect(selector.dueForProbe(now: t0 + .seconds(1)) == [0])
        selector.recordSuccess(0)
        #expect(selector.preferred(now: t0 + .seconds(1)) == 0)
    }

    @Test("backoff doubles per consecutive failure up to the maximum")
    func backoff() {
        var selector = ServerSelector(serverCount: 1, initialBackoff: .seconds(1), maximumBackoff: .seconds(5))
        let lengths = (0..<5).map { _ in selector.recordFailure(0, now: t0, error: "x") }
        #expect(lengths == [.seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5)])
        selector.recordSuccess(0)
        #expect(selector.recordFailure(0, now: t0, error: "x") == .seconds(1))
    }

    @Test("with every server quarantined, only expired ones are tried, earliest first")
    func allQuarantined() {
        var selector = ServerSelector(serverCount: 2, initialBackoff: .seconds(2), maximumBackoff: .seconds(60))
        selector.recordFailure(1, now: t0, error: "x")
        selector.recordFailure(0, now: t0 + .seconds(1), error: "x")
        #expect(selector.candidates(now: t0 + .milliseconds(1500)).isEmpty)
        #expect(selector.candidates(now: t0 + .seconds(2)) == [1])
        #expect(selector.candidates(now: t0 + .seconds(3)) == [1, 0])
    }
}
