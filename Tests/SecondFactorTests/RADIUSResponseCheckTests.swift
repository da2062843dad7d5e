import Testing

@testable import SecondFactor

@Suite("RADIUS response checks (RFC 2865 §3, RFC 3579 §3.2, BlastRADIUS)")
struct RADIUSResponseCheckTests {
    static let secret = Array("xyzzy5461".utf8)
    static let request = RADIUSPacket(
        code: .accessRequest, identifier: 0x2a, authenticator: RADIUSCryptoTests.requestAuthenticator)
    let check = RADIUSResponseCheck(
        identifier: 0x2a, requestAuthenticator: RADIUSCryptoTests.requestAuthenticator, secret: secret)

    func failure(_ bytes: [UInt8]) -> RADIUSError.Code? {
        if case .failure(let error) = check.validate(bytes) { return error.code }
        return nil
    }

    /// Computed independently with Python's hashlib and hmac: Access-Accept id 0x2a, Message-Authenticator and
    /// Reply-Message "welcome", answering the Access-Request of RADIUSAccessRequestTests.knownBytes.
    @Test("accepts an independently computed signed Access-Accept")
    func knownAccept() throws {
        let bytes = RADIUSHex.bytes(
            """
            022a002f7edd104f7d2ef1858a0f6c5820b946e25012a7d8b6c66d74a8f50031be42789e3b23120977656c636f6d65
            """)
        let packet = try check.validate(bytes).get()
        #expect(packet.code == .accessAccept)
        #expect(packet.value(of: .replyMessage) == Array("welcome".utf8))
    }

    @Test(
        "accepts Accept, Reject and Challenge", arguments: [RADIUSCode.accessAccept, .accessReject, .accessChallenge])
    func accepts(code: RADIUSCode) throws {
        let bytes = RADIUSResponder.response(code, to: Self.request, secret: Self.secret)
        #expect(try check.validate(bytes).get().code == code)
    }

    @Test("refuses a response without a Message-Authenticator")
    func missingMessageAuthenticator() {
        let bytes = RADIUSResponder.response(.accessAccept, to: Self.request, secret: Self.secret, signed: false)
        #expect(failure(bytes) == .missingMessageAuthenticator)
    }

    @Test("refuses the RFC 2865 §7.1 Access-Accept: valid, but unsigned")
    func rfcAcceptIsUnsigned() {
        let check = RADIUSResponseCheck(
            identifier: 0, requestAuthenticator: RADIUSCryptoTests.requestAuthenticator, secret: Self.secret)
        guard case .failure(let error) = check.validate(RADIUSPacketTests.rfcAccept) else {
            Issue.record("an unsigned Access-Accept was accepted")
            return
        }
        #expect(error.code == .missingMessageAuthenticator)
    }

    @Test("refuses a bad Response Authenticator")
    func badAuthenticator() {
        var bytes = RADIUSResponder.response(.accessAccept, to: Self.request, secret: Self.secret)
        bytes[10] ^= 1
        #expect(failure(bytes) == .badAuthenticator)
    }

    @Test("refuses a response signed with another secret")
    func otherSecret() {
        let bytes = RADIUSResponder.response(.accessAccept, to: Self.request, secret: Array("other".utf8))
        #expect(failure(bytes) == .badAuthenticator)
    }

    @Test("refuses a bad Message-Authenticator even under a valid Response Authenticator")
    func badMessageAuthenticator() throws {
        // Attacker's view: tamper with the HMAC, then fix up the MD5 Response Authenticator (as if it knew it).
        var packet = try RADIUSPacket(
            decoding: RADIUSResponder.response(.accessAccept, to: Self.request, secret: Self.secret))
        packet.attributes[0].value[0] ^= 1
        packet.authenticator = RADIUSCrypto.responseAuthenticator(
            of: try packet.encoded(), requestAuthenticator: Self.request.authenticator, secret: Self.secret)
        #expect(failure(try packet.encoded()) == .badMessageAuthenticator)
    }

    @Test("refuses two Message-Authenticators or one of the wrong length")
    func malformedMessageAuthenticator() {
        let two = RADIUSResponder.response(
            .accessAccept, to: Self.request,
            attributes: [RADIUSAttribute(.messageAuthenticator, [UInt8](repeating: 0, count: 16))], secret: Self.secret)
        #expect(failure(two) == .malformedPacket)
        let short = RADIUSResponder.response(
            .accessAccept, to: Self.request, attributes: [RADIUSAttribute(.messageAuthenticator, [1, 2])],
            secret: Self.secret, signed: false)
        #expect(failure(short) == .malformedPacket)
    }

    @Test("refuses another Identifier and packets that are not answers")
    func unexpected() {
        let other = RADIUSResponder.response(.accessAccept, to: Self.request, secret: Self.secret, identifier: 0x2b)
        #expect(failure(other) == .unexpectedPacket)
        let request = RADIUSResponder.response(.accessRequest, to: Self.request, secret: Self.secret)
        #expect(failure(request) == .unexpectedPacket)
    }

    @Test("refuses garbage")
    func garbage() {
        #expect(failure([]) == .malformedPacket)
        #expect(failure([UInt8](repeating: 0xff, count: 40)) == .malformedPacket)
    }
}
