import NIOCore
import Testing

@testable import LDAPCore

/// Malformed PDUs by class (issue 2): each must give a typed error, never a trap or a hang.
@Suite("Malformed PDUs")
struct MalformedInputTests {
    static let bind = LDAPMessage(
        messageID: 1,
        protocolOp: .bindRequest(BindRequest(name: "cn=a", authentication: .simple(SensitiveBytes("pw")))))

    func decodeError(_ hex: String) -> LDAPDecodingError? {
        #expect(throws: LDAPDecodingError.self) { try LDAPMessage(decoding: hexBuffer(hex)) }
    }

    @Test("every truncation of a valid message is an error, never a trap")
    func truncations() {
        for message in SampleMessages.all.map(\.1) {
            let bytes = message.encoded()
            for length in 0..<bytes.readableBytes {
                let prefix = bytes.getSlice(at: bytes.readerIndex, length: length)!
                #expect(throws: LDAPDecodingError.self) { try LDAPMessage(decoding: prefix) }
            }
        }
    }

    @Test("a length longer than the data is truncation")
    func lengthBeyondData() {
        #expect(decodeError("3020 020101 4200")?.kind == .truncated)
    }

    @Test("a length of five or more octets is refused")
    func fiveOctetLength() {
        #expect(decodeError("3085 0000000005 020101 4200")?.kind == .invalidLength)
    }

    @Test("an indefinite length is refused")
    func indefiniteLength() {
        #expect(decodeError("3080 020101 4200 0000")?.kind == .invalidLength)
    }

    @Test(
        "a wrong class or constructed bit is refused",
        arguments: [
            "3105 020101 4200",  // SET instead of SEQUENCE
            "3005 220101 4200",  // constructed INTEGER
            "3005 820101 4200",  // context tag instead of INTEGER
            "3005 020101 6200",  // constructed Unbind
            "300f 020101 600a 020103 2404636e3d61 80027077",  // constructed name
        ])
    func wrongTagForm(hex: String) {
        #expect(decodeError(hex)?.kind == .unexpectedTag)
    }

    @Test(
        "a negative or oversized messageID is refused",
        arguments: [
            "3005 0201ff 4200", "3008 020480000000 4200", "3009 02050080000000 4200",
        ])
    func badMessageID(hex: String) {
        #expect(decodeError(hex)?.kind == .invalidValue)
    }

    @Test(
        "an unknown operation tag is refused", arguments: ["3005 020101 5100", "3005 020101 7100", "3005 020101 0400"])
    func unknownOperation(hex: String) {
        #expect(decodeError(hex)?.kind == .unknownOperation)
    }

    @Test(
        "trailing bytes inside a SEQUENCE are refused",
        arguments: [
            "3007 020101 4200 0500",  // after the protocolOp
            "3012 020101 600d 020103 0404636e3d61 80027077 0100",  // inside the BindRequest
        ])
    func trailingInside(hex: String) {
        #expect(decodeError(hex)?.kind == .trailingBytes)
    }

    @Test("bytes after the message are refused by the one-message decoder")
    func trailingAfter() {
        #expect(decodeError("3005 020101 4200 00")?.kind == .trailingBytes)
    }

    @Test("deep nesting is refused by both the decoder and the frame parser")
    func deepNesting() throws {
        var filter = Filter.present("cn")
        for _ in 0..<40 { filter = .not(filter) }
        let search = LDAPMessage(
            messageID: 2, protocolOp: .searchRequest(SearchRequest(baseObject: "", filter: filter)))
        let bytes = search.encoded()
        #expect(throws: LDAPDecodingError.self) { try LDAPMessage(decoding: bytes) }
        var stream = bytes
        let error = #expect(throws: LDAPDecodingError.self) { try LDAPFrameParser().nextFrame(from: &stream) }
        #expect(error?.kind == .nestingTooDeep)
    }

    @Test(
        "zero-length everything is refused",
        arguments: [
            "", "3000", "3003 020100", "3002 0200", "3005 020101 6000", "3005 020101 6300", "3005 020101 7700",
            "3005 020101 6e00", "3005 020101 4a00", "3005 020101 5000", "3005 020101 6600",
        ])
    func zeroLength(hex: String) {
        // Some of these (delete of the root DN, "4a00") are valid LDAP: those must decode.
        let bytes = hexBuffer(hex)
        if hex.contains("4a00") {
            #expect((try? LDAPMessage(decoding: bytes)) == LDAPMessage(messageID: 1, protocolOp: .delRequest("")))
        } else {
            #expect(throws: LDAPDecodingError.self) { try LDAPMessage(decoding: bytes) }
        }
    }

    @Test("a bind version outside 1...127 is refused")
    func badVersion() {
        #expect(decodeError("300f 020101 600a 020180 0404636e3d61 80027077") != nil)
    }

    @Test("an empty referral list and an empty reference are refused")
    func emptyReferral() {
        #expect(decodeError("300e 020101 6509 0a0100 0400 0400 a300")?.kind == .invalidValue)
        #expect(decodeError("3005 020101 7300")?.kind == .invalidValue)
    }

    @Test("random bytes never trap", arguments: 0..<4)
    func randomBytes(seed: Int) {
        var generator = SplitMix64(seed: UInt64(seed))
        for _ in 0..<3000 {
            let length = Int(generator.next() % 64)
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if !bytes.isEmpty && generator.next() % 2 == 0 { bytes[0] = 0x30 }
            var buffer = ByteBuffer(bytes: bytes)
            _ = try? LDAPMessage(decoding: buffer)
            _ = try? LDAPFrameParser().nextFrame(from: &buffer)
        }
    }

    @Test("mutating valid messages byte by byte never traps")
    func mutations() {
        var generator = SplitMix64(seed: 42)
        for message in SampleMessages.all.map(\.1) {
            let original = Array(message.encoded().readableBytesView)
            for _ in 0..<40 {
                var bytes = original
                let index = Int(generator.next() % UInt64(bytes.count))
                bytes[index] = UInt8(truncatingIfNeeded: generator.next())
                var buffer = ByteBuffer(bytes: bytes)
                if let frame = try? LDAPFrameParser().nextFrame(from: &buffer) { _ = try? frame.decode() }
                _ = try? LDAPMessage(decoding: ByteBuffer(bytes: bytes))
            }
        }
    }
}

/// A small deterministic generator for property tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Extensible match edge cases found by fuzzing")
struct ExtensibleMatchFuzzFindings {
    @Test("an empty type in an extensible match is refused")
    func emptyType() {
        let bytes = hexBuffer(
            "3026 020101 6321 0400 0a0102 0a0100 020100 020100 010100 a90c 8105312e322e33 8200 830178 3000")
        #expect(throws: LDAPDecodingError.self) { try LDAPMessage(decoding: bytes) }
    }

    @Test("an explicit dnAttributes FALSE survives re-encoding byte for byte")
    func explicitFalse() throws {
        let bytes = hexBuffer(
            "3024 020101 631f 0400 0a0102 0a0100 020100 020100 010100 a90a 8202636e 830178 840100 3000")
        #expect(try LDAPMessage(decoding: bytes).encoded() == bytes)
    }
}
