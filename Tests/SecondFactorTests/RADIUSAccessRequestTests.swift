import Testing

@testable import SecondFactor

@Suite("RADIUS Access-Request sealing")
struct RADIUSAccessRequestTests {
    static let secret = Array("xyzzy5461".utf8)
    static let authenticator = RADIUSCryptoTests.requestAuthenticator

    func nemo(_ password: String = "arctangent") -> RADIUSAccessRequest {
        RADIUSAccessRequest(
            userName: "nemo", password: Array(password.utf8), nasIdentifier: "ldap-mfa-proxy", callingStationId: nil,
            state: nil)
    }

    /// Computed independently with Python's hashlib and hmac (RFC 2865 §5.2, RFC 3579 §3.2): identifier 0x2a,
    /// the RFC 2865 §7.1 Request Authenticator and secret, Message-Authenticator first.
    @Test("matches an independently computed packet, Message-Authenticator first")
    func knownBytes() throws {
        let sealed = try nemo().sealed(identifier: 0x2a, authenticator: Self.authenticator, secret: Self.secret)
        let expected = RADIUSHex.bytes(
            """
            012a004e0f403f9473978057bd83d5cb98f4227a5012cf94628263b49c21a03cf5ab5353dcf101066e656d6f02120dbe708d93
            d413ce3196e43f782a0aee20106c6461702d6d66612d70726f7879
            """)
        #expect(RADIUSHex.string(sealed.bytes) == RADIUSHex.string(expected))
        #expect(sealed.identifier == 0x2a)
        #expect(sealed.authenticator == Self.authenticator)
    }

    @Test("carries Calling-Station-Id and the State, and a Message-Authenticator that verifies")
    func optionalAttributes() throws {
        var request = nemo("123456")
        request.callingStationId = "192.0.2.7"
        request.state = [0xde, 0xad]
        let sealed = try request.sealed(identifier: 7, authenticator: Self.authenticator, secret: Self.secret)
        let packet = try RADIUSPacket(decoding: sealed.bytes)
        #expect(
            packet.attributes.map(\.type) == [
                .messageAuthenticator, .userName, .userPassword, .nasIdentifier, .callingStationId, .state,
            ])
        #expect(packet.value(of: .callingStationId) == Array("192.0.2.7".utf8))
        #expect(packet.value(of: .state) == [0xde, 0xad])
        #expect(RADIUSResponder.password(of: packet, secret: Self.secret) == "123456")
        let mac = try RADIUSCrypto.messageAuthenticator(
            of: packet, authenticator: Self.authenticator, secret: Self.secret)
        #expect(packet.value(of: .messageAuthenticator) == mac)
    }

    @Test("never shows the password")
    func redaction() {
        let request = nemo("s3cret-123456")
        #expect(!request.description.contains("s3cret"))
        #expect(!String(reflecting: request).contains("s3cret"))
        var dumped = ""
        dump(request, to: &dumped)
        #expect(!dumped.contains("s3cret"))
    }

    @Test("refuses a password over 128 octets and a user name over 253")
    func limits() {
        #expect(throws: RADIUSError.self) {
            try nemo(String(repeating: "1", count: 129)).sealed(
                identifier: 0, authenticator: Self.authenticator, secret: Self.secret)
        }
        var request = nemo()
        request.userName = String(repeating: "n", count: 254)
        #expect(throws: RADIUSError.self) {
            try request.sealed(identifier: 0, authenticator: Self.authenticator, secret: Self.secret)
        }
    }
}
