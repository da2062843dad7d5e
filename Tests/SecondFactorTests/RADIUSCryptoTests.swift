import Testing

@testable import SecondFactor

@Suite("RADIUS User-Password hiding and authenticators")
struct RADIUSCryptoTests {
    static let secret = Array("xyzzy5461".utf8)
    static let requestAuthenticator = Array(RADIUSPacketTests.rfcRequest[4..<20])

    @Test("hides arctangent as in RFC 2865 §7.1")
    func rfcPassword() throws {
        let hidden = try RADIUSCrypto.hidePassword(
            Array("arctangent".utf8), secret: Self.secret, requestAuthenticator: Self.requestAuthenticator)
        #expect(hidden == Array(RADIUSPacketTests.rfcRequest[28..<44]))
    }

    @Test("computes the RFC 2865 §7.1 Response Authenticator")
    func rfcResponseAuthenticator() {
        let accept = RADIUSPacketTests.rfcAccept
        let computed = RADIUSCrypto.responseAuthenticator(
            of: accept, requestAuthenticator: Self.requestAuthenticator, secret: Self.secret)
        #expect(computed == Array(accept[4..<20]))
    }

    @Test("pads to a multiple of 16 octets and reverses", arguments: [0, 1, 15, 16, 17, 31, 32, 100, 127, 128])
    func padding(length: Int) throws {
        let password = (0..<length).map { UInt8(0x30 + $0 % 10) }
        let hidden = try RADIUSCrypto.hidePassword(
            password, secret: Self.secret, requestAuthenticator: Self.requestAuthenticator)
        #expect(hidden.count == max(16, (length + 15) / 16 * 16))
        let clear = RADIUSCrypto.revealPassword(
            hidden, secret: Self.secret, requestAuthenticator: Self.requestAuthenticator)
        #expect(clear == password)
    }

    @Test("chains the blocks: a change in the first block changes every later one")
    func chaining() throws {
        let a = try RADIUSCrypto.hidePassword(
            [UInt8](repeating: 0x41, count: 40), secret: Self.secret, requestAuthenticator: Self.requestAuthenticator)
        let b = try RADIUSCrypto.hidePassword(
            [0x42] + [UInt8](repeating: 0x41, count: 39), secret: Self.secret,
            requestAuthenticator: Self.requestAuthenticator)
        #expect(a[16..<32] != b[16..<32])
        #expect(a[32..<48] != b[32..<48])
    }

    @Test("refuses a password over 128 octets")
    func tooLong() {
        do {
            _ = try RADIUSCrypto.hidePassword(
                [UInt8](repeating: 0x31, count: 129), secret: Self.secret,
                requestAuthenticator: Self.requestAuthenticator)
            Issue.record("a 129-octet password was hidden")
        } catch {
            #expect(error.code == .valueTooLong)
            #expect(!error.description.contains("1111"))
        }
    }

    @Test("makes a fresh random Request Authenticator every time")
    func randomAuthenticators() {
        let values = Set((0..<100).map { _ in RADIUSCrypto.randomAuthenticator() })
        #expect(values.count == 100)
        #expect(values.allSatisfy { $0.count == 16 })
    }

    @Test("compares digests")
    func constantTimeEqual() {
        #expect(RADIUSCrypto.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!RADIUSCrypto.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!RADIUSCrypto.constantTimeEqual([1, 2, 3], [1, 2]))
    }
}
