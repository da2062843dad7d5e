import Testing

@testable import SecondFactor

@Suite("Base32 (RFC 4648 §6)")
struct Base32Tests {
    /// RFC 4648 §10 test vectors.
    static let vectors: [(String, String)] = [
        ("", ""), ("f", "MY======"), ("fo", "MZXQ===="), ("foo", "MZXW6==="), ("foob", "MZXW6YQ="),
        ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI======"),
    ]

    @Test("RFC 4648 §10 vectors encode and decode", arguments: vectors)
    func rfcVectors(plain: String, encoded: String) throws {
        #expect(Base32.encode(Array(plain.utf8)) == encoded)
        #expect(try Base32.decode(encoded) == Array(plain.utf8))
    }

    @Test("round trips every length from 0 to 40 bytes, with and without padding")
    func roundTrips() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0...40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(try Base32.decode(Base32.encode(bytes)) == bytes)
            let unpadded = Base32.encode(bytes, padding: false)
            #expect(!unpadded.contains("="))
            #expect(try Base32.decode(unpadded) == bytes)
        }
    }

    @Test("decoding accepts lowercase, spaces, hyphens and missing padding")
    func tolerant() throws {
        let expected = Array("foobar".utf8)
        #expect(try Base32.decode("mzxw6ytboi") == expected)
        #expect(try Base32.decode("mzxw 6ytb oi") == expected)
        #expect(try Base32.decode("MZXW-6YTB-OI==") == expected)
        #expect(try Base32.decode(" MzXw6YtBoI======\n") == expected)
    }

    @Test(
        "decoding refuses characters outside the alphabet, by position only",
        arguments: [
            "MZXW1YTB", "MZXW8", "MZ0W",
            "MZXW6YT!", "MZXé",
        ])
    func invalidCharacters(input: String) {
        do {
            _ = try Base32.decode(input)
            Issue.record("accepted \(input)")
        } catch {
            #expect(error.kind == .invalidBase32)
            #expect(error.description.contains("position"))
            #expect(!error.description.contains(input))
        }
    }

    @Test("decoding refuses data after padding and impossible lengths", arguments: ["MY==MY==", "M", "MZX", "MZXW6Y"])
    func invalidShapes(input: String) {
        #expect(throws: SecondFactorError.self) { try Base32.decode(input) }
    }
}
