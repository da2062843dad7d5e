import Foundation
import Testing

@testable import SecondFactor

/// Known-answer tests from the RFCs themselves.
@Suite("RFC test vectors")
struct TOTPVectorTests {
    /// RFC 6238 Appendix B seeds: ASCII "1234567890" repeated to the hash's output size.
    static let sha1Seed = Array("12345678901234567890".utf8)
    static let sha256Seed = Array("12345678901234567890123456789012".utf8)
    static let sha512Seed = Array("1234567890123456789012345678901234567890123456789012345678901234".utf8)

    /// RFC 6238 Appendix B table: time, then the 8-digit TOTP for SHA-1, SHA-256, SHA-512.
    static let rfc6238: [(Int64, String, String, String)] = [
        (59, "94287082", "46119246", "90693936"),
        (1_111_111_109, "07081804", "68084774", "25091201"),
        (1_111_111_111, "14050471", "67062674", "99943326"),
        (1_234_567_890, "89005924", "91819424", "93441116"),
        (2_000_000_000, "69279037", "90698825", "38618901"),
        (20_000_000_000, "65353130", "77737706", "47863826"),
    ]

    /// RFC 4226 Appendix D: HOTP values for counters 0...9 with the 20-byte seed, 6 digits.
    static let rfc4226 = [
        "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489",
    ]

    @Test("RFC 6238 Appendix B: SHA-1, SHA-256 and SHA-512 with 8 digits", arguments: rfc6238)
    func totpVectors(time: Int64, sha1: String, sha256: String, sha512: String) throws {
        let cases: [(TOTPParameters.Algorithm, [UInt8], String)] = [
            (.sha1, Self.sha1Seed, sha1), (.sha256, Self.sha256Seed, sha256), (.sha512, Self.sha512Seed, sha512),
        ]
        for (algorithm, seed, expected) in cases {
            let parameters = try TOTPParameters(digits: 8, algorithm: algorithm)
            #expect(TOTP.code(secret: seed, time: time, parameters: parameters) == expected, "\(algorithm) at \(time)")
        }
    }

    @Test("RFC 4226 Appendix D: HOTP for counters 0 to 9")
    func hotpVectors() {
        for (counter, expected) in Self.rfc4226.enumerated() {
            #expect(TOTP.code(secret: Self.sha1Seed, counter: UInt64(counter)) == expected, "counter \(counter)")
        }
    }

    @Test("RFC 6238 Appendix B: the steps are computed from T0 = 0 and X = 30")
    func steps() {
        #expect(TOTP.step(at: 59, period: 30) == 1)
        #expect(TOTP.step(at: 1_111_111_109, period: 30) == 0x23523EC)
        #expect(TOTP.step(at: 20_000_000_000, period: 30) == 0x27BC86AA)
        #expect(TOTP.step(at: -1, period: 30) == -1)
    }

    @Test("codes are zero-padded to the configured length")
    func zeroPadding() throws {
        // RFC 6238 Appendix B: 07081804 at 1111111109 with SHA-1; its 6-digit form keeps the low digits.
        #expect(
            TOTP.code(secret: Self.sha1Seed, time: 1_111_111_109, parameters: try TOTPParameters(digits: 8))
                == "07081804")
        #expect(TOTP.code(secret: Self.sha1Seed, time: 1_111_111_109) == "081804")
        #expect(
            TOTP.code(secret: Self.sha1Seed, time: 1_111_111_109, parameters: try TOTPParameters(digits: 7))
                == "7081804")
    }

    @Test("a Date gives the same code as its Unix time")
    func dateOverload() {
        let date = Date(timeIntervalSince1970: 1_234_567_890.9)
        #expect(TOTP.code(secret: Self.sha1Seed, time: date) == TOTP.code(secret: Self.sha1Seed, time: 1_234_567_890))
    }
}
