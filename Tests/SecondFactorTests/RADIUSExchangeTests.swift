import Testing

@testable import SecondFactor

@Suite("RADIUS retransmission state machine")
struct RADIUSExchangeTests {
    static let secret = Array("s3cret".utf8)
    static let request = RADIUSPacket(
        code: .accessRequest, identifier: 5, authenticator: [UInt8](repeating: 7, count: 16))

    func exchange(tries: Int = 3) -> RADIUSExchange {
        RADIUSExchange(
            check: RADIUSResponseCheck(
                identifier: 5, requestAuthenticator: Self.request.authenticator, secret: Self.secret),
            tries: tries)
    }

    func accept() -> [UInt8] { RADIUSResponder.response(.accessAccept, to: Self.request, secret: Self.secret) }

    @Test("sends `tries` times, one per timeout, then gives up")
    func givesUp() {
        var state = exchange(tries: 3)
        #expect(state.start() == .transmit)
        #expect(state.timerFired() == .transmit)
        #expect(state.timerFired() == .transmit)
        #expect(state.transmissions == 3)
        #expect(state.timerFired() == .giveUp)
        #expect(state.timerFired() == RADIUSExchange.Action.none)
        #expect(state.isFinished)
    }

    @Test("delivers the genuine answer after a retransmission")
    func delivers() throws {
        var state = exchange()
        _ = state.start()
        _ = state.timerFired()
        let expected = try RADIUSPacket(decoding: accept())
        #expect(state.received(accept(), fromServer: true) == .deliver(expected))
        #expect(state.timerFired() == RADIUSExchange.Action.none)
    }

    @Test("ignores garbage, forgeries, unsigned answers and other sources, and keeps waiting")
    func ignores() {
        var state = exchange()
        _ = state.start()
        var forged = accept()
        forged[8] ^= 0x80
        let unsigned = RADIUSResponder.response(.accessAccept, to: Self.request, secret: Self.secret, signed: false)
        let otherID = RADIUSResponder.response(.accessReject, to: Self.request, secret: Self.secret, identifier: 6)
        for datagram in [[1, 2, 3], forged, unsigned, otherID] {
            guard case .ignore = state.received(datagram, fromServer: true) else {
                Issue.record("a bad datagram was not ignored")
                return
            }
        }
        guard case .ignore = state.received(accept(), fromServer: false) else {
            Issue.record("an answer from another address was not ignored")
            return
        }
        #expect(!state.isFinished)
        guard case .deliver = state.received(accept(), fromServer: true) else {
            Issue.record("the genuine answer was not delivered")
            return
        }
    }

    @Test("ignores a duplicate answer after the first")
    func duplicates() {
        var state = exchange()
        _ = state.start()
        _ = state.received(accept(), fromServer: true)
        guard case .ignore = state.received(accept(), fromServer: true) else {
            Issue.record("a duplicate was not ignored")
            return
        }
    }

    @Test("gives up when the socket closes, once")
    func closed() {
        var state = exchange()
        _ = state.start()
        #expect(state.closed() == .giveUp)
        #expect(state.closed() == RADIUSExchange.Action.none)
        #expect(state.start() == RADIUSExchange.Action.none)
    }
}
