/// How the codewords of one version and error-correction level are split into Reed-Solomon blocks
/// (ISO/IEC 18004:2015 §7.5.1, Table 9).
///
/// Every block carries the same number of error-correction codewords. The blocks form two groups: the second
/// group's blocks hold one data codeword more than the first's (the second group is empty for many versions).
struct BlockStructure: Sendable, Hashable {
    /// The version, 1...40.
    let version: Int
    /// Error-correction codewords in each block.
    let ecCodewordsPerBlock: Int
    /// Blocks in the first group.
    let group1Blocks: Int
    /// Data codewords in each block of the first group.
    let group1DataCodewords: Int
    /// Blocks in the second group, each holding `group1DataCodewords + 1` data codewords.
    let group2Blocks: Int

    /// Looks up the layout of `version` (1...40) at `errorCorrection`.
    init(version: Int, errorCorrection: ErrorCorrection) {
        precondition((1...40).contains(version), "QR version out of range: \(version)")
        let level = errorCorrection.tableIndex
        let blocks = Self.blockCount[level][version - 1]
        let ecPerBlock = Self.ecCodewordsPerBlock[level][version - 1]
        let total = Self.totalCodewords(version: version)
        self.version = version
        self.ecCodewordsPerBlock = ecPerBlock
        self.group2Blocks = total % blocks
        self.group1Blocks = blocks - total % blocks
        self.group1DataCodewords = total / blocks - ecPerBlock
    }

    /// All blocks of both groups.
    var blockCount: Int { group1Blocks + group2Blocks }

    /// Data codewords in the whole symbol.
    var dataCodewords: Int { group1Blocks * group1DataCodewords + group2Blocks * (group1DataCodewords + 1) }

    /// Data codewords of each block in order: first group, then second group.
    var dataCodewordsPerBlock: [Int] {
        Array(repeating: group1DataCodewords, count: group1Blocks)
            + Array(repeating: group1DataCodewords + 1, count: group2Blocks)
    }

    /// The side of a symbol of `version`, in modules.
    static func size(version: Int) -> Int { 17 + 4 * version }

    /// The number of alignment patterns along one side (0 for version 1).
    static func alignmentPatternsPerSide(version: Int) -> Int { version == 1 ? 0 : version / 7 + 2 }

    /// Modules left for codewords once all function patterns are drawn: the symbol's area less finders with
    /// separators (3 × 64), both copies of the format information with the dark module (31), the timing patterns,
    /// the alignment patterns (less the 5 modules each shares with a timing pattern) and version information.
    static func dataModules(version: Int) -> Int {
        let size = size(version: version)
        let perSide = alignmentPatternsPerSide(version: version)
        let alignment = perSide == 0 ? 0 : 25 * (perSide * perSide - 3) - 10 * (perSide - 2)
        let versionInformation = version >= 7 ? 36 : 0
        return size * size - 3 * 64 - 31 - 2 * (size - 16) - alignment - versionInformation
    }

    /// Codewords in the whole symbol (data and error correction); the remaining 0 to 7 modules are remainder bits.
    static func totalCodewords(version: Int) -> Int { dataModules(version: version) / 8 }

    /// Width of the byte-mode character count indicator (ISO/IEC 18004 Table 3).
    static func byteCountBits(version: Int) -> Int { version <= 9 ? 8 : 16 }

    /// The most bytes one byte-mode segment can carry at `version` and `errorCorrection`.
    static func byteCapacity(version: Int, errorCorrection: ErrorCorrection) -> Int {
        let dataBits = BlockStructure(version: version, errorCorrection: errorCorrection).dataCodewords * 8
        return (dataBits - 4 - byteCountBits(version: version)) / 8
    }

    /// The smallest version that holds `byteCount` bytes in byte mode, or nil if none does.
    static func smallestVersion(byteCount: Int, errorCorrection: ErrorCorrection) -> Int? {
        (1...40).first { byteCapacity(version: $0, errorCorrection: errorCorrection) >= byteCount }
    }

    /// Error-correction codewords per block, by level (L, M, Q, H) and version (1...40); ISO/IEC 18004 Table 9.
    private static let ecCodewordsPerBlock: [[Int]] = [
        [
            7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
            28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
        [
            10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
            26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        ],
        [
            13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
            28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
        [
            17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
            30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
        ],
    ]

    /// Blocks in both groups together, by level (L, M, Q, H) and version (1...40); ISO/IEC 18004 Table 9.
    private static let blockCount: [[Int]] = [
        [
            1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
            8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25,
        ],
        [
            1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
            17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
        ],
        [
            1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
            23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
        ],
        [
            1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
            25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
        ],
    ]
}
