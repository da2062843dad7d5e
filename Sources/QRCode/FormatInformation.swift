/// The BCH-protected format and version information words (ISO/IEC 18004:2015 §7.9 and §7.10).
enum FormatInformation {
    /// The 15-bit format information for a level and mask pattern (0...7): five data bits (level, mask), ten
    /// BCH(15,5) check bits from the generator x¹⁰ + x⁸ + x⁵ + x⁴ + x² + x + 1 (0x537), all XORed with 0x5412 so
    /// that the word is never all zero (§7.9.1).
    static func formatBits(errorCorrection: ErrorCorrection, mask: Int) -> Int {
        precondition((0..<8).contains(mask), "mask pattern out of range: \(mask)")
        let data = errorCorrection.formatBits << 3 | mask
        return (data << 10 | remainder(of: data << 10, generator: 0x537, degree: 10)) ^ 0x5412
    }

    /// The 18-bit version information for versions 7...40: six data bits (the version) and twelve BCH(18,6)
    /// check bits from the generator x¹² + x¹¹ + x¹⁰ + x⁹ + x⁸ + x⁵ + x² + 1 (0x1F25), unmasked (§7.10).
    static func versionBits(version: Int) -> Int {
        precondition((7...40).contains(version), "version information exists only for versions 7...40")
        return version << 12 | remainder(of: version << 12, generator: 0x1F25, degree: 12)
    }

    /// The remainder of the GF(2) polynomial `dividend` divided by `generator` of the given degree.
    private static func remainder(of dividend: Int, generator: Int, degree: Int) -> Int {
        var value = dividend
        var bit = Int.bitWidth - 1 - value.leadingZeroBitCount
        while bit >= degree {
            if value >> bit & 1 == 1 {
                value ^= generator << (bit - degree)
            }
            bit -= 1
        }
        return value
    }
}
