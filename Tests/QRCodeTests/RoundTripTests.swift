import QRCode
import Testing

@Suite("Round trip through an independent decoder")
struct RoundTripTests {
    private func levelSeed(_ level: ErrorCorrection) -> UInt64 {
        UInt64(ErrorCorrection.allCases.firstIndex(of: level)!)
    }

    @Test("decodes strings of 0 to 400 characters back to the same text", arguments: ErrorCorrection.allCases)
    func manyLengths(level: ErrorCorrection) throws {
        var masks = Set<Int>()
        for length in 0...400 {
            let text = SampleText.make(length: length, seed: UInt64(length) << 2 | levelSeed(level))
            let code = try QRCode.encode(text, errorCorrection: level)
            let decoded = try TestQRDecoder.decode(code.moduleGrid)
            #expect(String(decoding: decoded.bytes, as: UTF8.self) == text, "length \(length)")
            #expect(decoded.level == level.description)
            #expect(decoded.version == code.version && decoded.mask == code.mask)
            masks.insert(decoded.mask)
        }
        #expect(masks.count >= 6, "the penalty rules should pick varied masks, got \(masks.sorted())")
    }

    @Test("decodes the otpauth enrolment URI at every level", arguments: ErrorCorrection.allCases)
    func otpauthURI(level: ErrorCorrection) throws {
        let code = try QRCode.encode(SampleText.otpauth, errorCorrection: level)
        let decoded = try TestQRDecoder.decode(code.moduleGrid)
        #expect(String(decoding: decoded.bytes, as: UTF8.self) == SampleText.otpauth)
    }

    @Test("fills every version 1 to 40 to capacity and decodes it", arguments: ErrorCorrection.allCases)
    func everyVersionAtCapacity(level: ErrorCorrection) throws {
        var generator = SplitMix64(state: 7)
        for version in 1...40 {
            // Capacity from the reference table: data bits less mode indicator and character count.
            let blocks = ReferenceTables.blocks(version: version, level: level.description)
            let capacity = (blocks.dataPerBlock.reduce(0, +) * 8 - 4 - (version <= 9 ? 8 : 16)) / 8
            let bytes = (0..<capacity).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let code = try QRCode.encode(bytes: bytes, errorCorrection: level)
            #expect(code.version == version && code.size == 17 + 4 * version)
            let decoded = try TestQRDecoder.decode(code.moduleGrid)
            #expect(decoded.bytes == bytes, "version \(version)-\(level)")
            if version < 40 {
                let bigger = try QRCode.encode(bytes: bytes + [0x2A], errorCorrection: level)
                #expect(bigger.version == version + 1, "one byte past version \(version)-\(level)")
            }
        }
    }

    @Test("encodes the empty string and multi-byte UTF-8")
    func edgeTexts() throws {
        for text in ["", "ü", "pässwörd ✓ 🔐 ключ 鍵"] {
            let decoded = try TestQRDecoder.decode(QRCode.encode(text).moduleGrid)
            #expect(String(decoding: decoded.bytes, as: UTF8.self) == text)
        }
    }

    @Test("uses level M by default and the smallest version")
    func defaults() throws {
        let code = try QRCode.encode("0123456789abcd")
        #expect(code.errorCorrection == .medium && code.version == 1 && code.size == 21)
        #expect(try QRCode.encode("0123456789abcde").version == 2)
    }

    @Test("throws dataTooLong with the capacity when the data does not fit")
    func tooLong() throws {
        #expect(try QRCode.encode(bytes: Array(repeating: 0x41, count: 2331)).version == 40)
        let error = #expect(throws: QRCodeError.self) {
            try QRCode.encode(String(repeating: "A", count: 2332))
        }
        #expect(error?.code == .dataTooLong)
        #expect(error?.byteCount == 2332 && error?.maximumByteCount == 2331)
        #expect(error?.description.contains("2331") == true)
        #expect(throws: QRCodeError.self) {
            try QRCode.encode(bytes: [UInt8](repeating: 0, count: 1274), errorCorrection: .high)
        }
    }

    @Test("reports modules outside the symbol as light")
    func outsideIsLight() throws {
        let code = try QRCode.encode("x")
        #expect(code.isDark(x: 0, y: 0))
        #expect(!code.isDark(x: -1, y: 0) && !code.isDark(x: 0, y: code.size) && !code.isDark(x: code.size, y: 3))
    }
}
