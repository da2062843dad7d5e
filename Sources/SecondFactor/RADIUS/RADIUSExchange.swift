/// One Access-Request to one server as a state machine (DESIGN.md decision 4): events go in, an
/// action comes out, ``RADIUSExchangeHandler`` carries it out. Tests drive it with no socket or clock.
///
/// The schedule is RFC 2865 §2.5's: the same packet (same Identifier and Request Authenticator) is
/// sent again after each timeout, at most `tries` times in all, then this server has not answered.
/// Datagrams that are not the answer (garbage, another Identifier, a bad or missing authenticator,
/// another source address, a duplicate after the answer) are ignored and the wait goes on: an
/// attacker's forged reply must not end the exchange.
struct RADIUSExchange: Sendable {
    enum Action: Equatable, Sendable {
        /// Send the request (again) and start the per-try timer.
        case transmit
        /// The genuine answer: stop the timer and finish with it.
        case deliver(RADIUSPacket)
        /// Not the answer; keep waiting. The reason is for debug logs.
        case ignore(String)
        /// The last try timed out or the socket closed: finish with no answer.
        case giveUp
        /// Nothing to do: the event came after the end.
        case none
    }

    private let check: RADIUSResponseCheck
    /// How many transmissions in all, the first included.
    let tries: Int
    /// Transmissions so far.
    private(set) var transmissions = 0
    private(set) var isFinished = false

    init(check: RADIUSResponseCheck, tries: Int) {
        self.check = check
        self.tries = max(1, tries)
    }

    /// The socket is ready: send the first time.
    mutating func start() -> Action {
        guard !isFinished, transmissions == 0 else { return .none }
        transmissions = 1
        return .transmit
    }

    /// The per-try timer fired without an answer.
    mutating func timerFired() -> Action {
        guard !isFinished else { return .none }
        if transmissions < tries {
            transmissions += 1
            return .transmit
        }
        isFinished = true
        return .giveUp
    }

    /// A datagram arrived; `fromServer` says whether its source address and port are the server's.
    mutating func received(_ datagram: [UInt8], fromServer: Bool) -> Action {
        guard !isFinished else { return .ignore("datagram after the exchange ended") }
        guard fromServer else { return .ignore("datagram from an address that is not the server") }
        switch check.validate(datagram) {
        case .success(let packet):
            isFinished = true
            return .deliver(packet)
        case .failure(let error):
            return .ignore("\(error)")
        }
    }

    /// The socket closed (cancellation, shutdown) before an answer.
    mutating func closed() -> Action {
        guard !isFinished else { return .none }
        isFinished = true
        return .giveUp
    }
}
