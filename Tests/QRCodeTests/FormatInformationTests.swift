import Testing

@testable import QRCode

@Suite("Format and version information")
struct FormatInformationTests {
    /// `value` as a string of `width` binary digits, most significant first.
    private func binary(_ value: Int, width: Int) -> String {
        String((0..<width).reversed().map { value >> $0 & 1 == 1 ? "1" : "0" })
    }

    @Test("format information for L and mask 0 is 111011111000100")
    func lowMaskZero() {
        #expect(binary(FormatInformation.formatBits(errorCorrection: .low, mask: 0), width: 15) == "111011111000100")
    }

    @Test(
        "format information matches ISO/IEC 18004 Table C.1 for every level and mask",
        arguments: ErrorCorrection.allCases)
    func everyLevelAndMask(level: ErrorCorrection) throws {
        let expected = try #require(ReferenceTables.formatStrings[level.description])
        let computed = (0..<8).map { binary(FormatInformation.formatBits(errorCorrection: level, mask: $0), width: 15) }
        #expect(computed == expected)
    }

    @Test("version information for version 7 is 000111110010010100")
    func versionSeven() {
        #expect(binary(FormatInformation.versionBits(version: 7), width: 18) == "000111110010010100")
    }

    @Test("version information matches ISO/IEC 18004 Table D.1 for versions 7 to 40")
    func everyVersion() {
        #expect((7...40).map { FormatInformation.versionBits(version: $0) } == ReferenceTables.versionWords)
    }
}
