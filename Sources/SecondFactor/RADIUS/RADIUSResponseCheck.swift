/// Decides whether a datagram is the genuine answer to one Access-Request.
///
/// In order: a well-formed packet (RFC 2865 §3), an Access-Accept, -Reject or -Challenge (§4), our
/// Identifier, a valid Response Authenticator (§3), and exactly one valid Message-Authenticator
/// (RFC 3579 §3.2). The last is required, not optional: since BlastRADIUS (CVE-2024-3596) a response
/// without one can be forged by an attacker on the path, so it is refused like any other forgery.
struct RADIUSResponseCheck: Sendable {
    /// The request's Identifier.
    var identifier: UInt8
    /// The request's Request Authenticator.
    var requestAuthenticator: [UInt8]
    /// The shared secret.
    var secret: [UInt8]

    init(identifier: UInt8, requestAuthenticator: [UInt8], secret: [UInt8]) {
        self.identifier = identifier
        self.requestAuthenticator = requestAuthenticator
        self.secret = secret
    }

    init(for request: RADIUSSealedRequest, secret: [UInt8]) {
        self.init(identifier: request.identifier, requestAuthenticator: request.authenticator, secret: secret)
    }

    /// The decoded response, or why the datagram is not it (for debug logs; never a value).
    func validate(_ datagram: [UInt8]) -> Result<RADIUSPacket, RADIUSError> {
        do throws(RADIUSError) {
            return .success(try check(datagram))
        } catch {
            return .failure(error)
        }
    }

    private func check(_ datagram: [UInt8]) throws(RADIUSError) -> RADIUSPacket {
        let packet = try RADIUSPacket(decoding: datagram)
        guard packet.code.isAccessResponse else {
            throw RADIUSError(.unexpectedPacket, "\(packet.code) is not an answer to an Access-Request")
        }
        guard packet.identifier == identifier else {
            throw RADIUSError(.unexpectedPacket, "identifier \(packet.identifier), expected \(identifier)")
        }
        let length = Int(datagram[2]) << 8 | Int(datagram[3])
        let expected = RADIUSCrypto.responseAuthenticator(
            of: Array(datagram.prefix(length)), requestAuthenticator: requestAuthenticator, secret: secret)
        guard RADIUSCrypto.constantTimeEqual(expected, packet.authenticator) else {
            throw RADIUSError(.badAuthenticator, "\(packet.code) id \(packet.identifier)")
        }
        let signatures = packet.values(of: .messageAuthenticator)
        guard let signature = signatures.first else {
            throw RADIUSError(.missingMessageAuthenticator, "\(packet.code) id \(packet.identifier) refused")
        }
        guard signatures.count == 1, signature.count == 16 else {
            throw RADIUSError(
                .malformedPacket,
                "\(signatures.count) Message-Authenticator attributes, first of \(signature.count) octets")
        }
        let computed = try RADIUSCrypto.messageAuthenticator(
            of: packet, authenticator: requestAuthenticator, secret: secret)
        guard RADIUSCrypto.constantTimeEqual(computed, signature) else {
            throw RADIUSError(.badMessageAuthenticator, "\(packet.code) id \(packet.identifier)")
        }
        return packet
    }
}
