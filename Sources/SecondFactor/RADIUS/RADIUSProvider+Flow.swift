import Logging
import NIOCore

extension RADIUSProvider {
    /// What one server said about the whole bind, or nil when it did not answer.
    private enum ServerVerdict {
        case outcome(FactorOutcome)
        case noAnswer
    }

    /// Tries the servers in order until one decides (RFC 2865 §2.5: failover only on no answer).
    func run(_ request: RADIUSAccessRequest, challengeAnswer: [UInt8]) async -> FactorOutcome {
        for server in settings.servers {
            if Task.isCancelled { return .unavailable(reason: "RADIUS check cancelled") }
            guard let address = await transport.resolve(server) else { continue }
            switch await ask(server: server, address: address, request, challengeAnswer: challengeAnswer) {
            case .outcome(let outcome):
                return outcome
            case .noAnswer:
                logger.debug("RADIUS server did not answer", metadata: ["server": "\(server)"])
            }
        }
        if Task.isCancelled { return .unavailable(reason: "RADIUS check cancelled") }
        return .unavailable(reason: "no RADIUS server answered")
    }

    /// One server: the Access-Request, and the answer to its Access-Challenge if it sends one.
    private func ask(
        server: RADIUSSettings.Server, address: SocketAddress, _ request: RADIUSAccessRequest,
        challengeAnswer: [UInt8]
    ) async -> ServerVerdict {
        guard let first = await send(request, to: address) else { return .noAnswer }
        switch first.code {
        case .accessAccept:
            return .outcome(.accepted)
        case .accessReject:
            return .outcome(.rejected(reason: "RADIUS server rejected"))
        default:  // Access-Challenge: RADIUSResponseCheck lets nothing else through
            break
        }
        logger.debug(
            "RADIUS server challenged, answering with the code",
            metadata: ["server": "\(server)", "replyMessage": "\(replyMessage(of: first))"])
        var answer = request
        answer.password = challengeAnswer
        answer.state = first.value(of: .state)
        guard let second = await send(answer, to: address) else { return .noAnswer }
        switch second.code {
        case .accessAccept:
            return .outcome(.accepted)
        case .accessReject:
            return .outcome(.rejected(reason: "RADIUS server rejected"))
        default:
            return .outcome(.rejected(reason: "RADIUS server challenged again after the code was sent"))
        }
    }

    /// Seals a request with a fresh Identifier and Request Authenticator and runs its exchange.
    private func send(_ request: RADIUSAccessRequest, to address: SocketAddress) async -> RADIUSPacket? {
        var generator = SystemRandomNumberGenerator()
        let sealed: RADIUSSealedRequest
        do {
            sealed = try request.sealed(
                identifier: UInt8.random(in: .min ... .max, using: &generator),
                authenticator: RADIUSCrypto.randomAuthenticator(), secret: settings.secret)
        } catch {
            logger.debug("cannot build the RADIUS request", metadata: ["error": "\(error)"])
            return nil
        }
        return await transport.exchange(
            sealed, to: address, secret: settings.secret, timeout: TimeAmount(settings.timeout),
            tries: settings.retries)
    }

    /// The challenge's Reply-Message text (RFC 2865 §5.18), for debug logs.
    private func replyMessage(of packet: RADIUSPacket) -> String {
        packet.values(of: .replyMessage).map { String(decoding: $0, as: UTF8.self) }.joined()
    }
}
