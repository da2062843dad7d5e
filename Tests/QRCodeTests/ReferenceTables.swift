/// Reference values transcribed from ISO/IEC 18004:2015 and the Thonky QR code tutorial, kept apart from the
/// encoder's own tables and formulas so the tests and the test decoder check the encoder against them.
enum ReferenceTables {
    /// Format information strings, bit 14 first, by level then mask 0...7 (ISO/IEC 18004 Annex C, Table C.1).
    static let formatStrings: [String: [String]] = [
        "L": [
            "111011111000100", "111001011110011", "111110110101010", "111100010011101",
            "110011000101111", "110001100011000", "110110001000001", "110100101110110",
        ],
        "M": [
            "101010000010010", "101000100100101", "101111001111100", "101101101001011",
            "100010111111001", "100000011001110", "100111110010111", "100101010100000",
        ],
        "Q": [
            "011010101011111", "011000001101000", "011111100110001", "011101000000110",
            "010010010110100", "010000110000011", "010111011011010", "010101111101101",
        ],
        "H": [
            "001011010001001", "001001110111110", "001110011100111", "001100111010000",
            "000011101100010", "000001001010101", "000110100001100", "000100000111011",
        ],
    ]

    /// Version information words for versions 7...40 (ISO/IEC 18004 Annex D, Table D.1).
    static let versionWords: [Int] = [
        0x07C94, 0x085BC, 0x09A99, 0x0A4D3, 0x0BBF6, 0x0C762, 0x0D847, 0x0E60D, 0x0F928, 0x10B78,
        0x1145D, 0x12A17, 0x13532, 0x149A6, 0x15683, 0x168C9, 0x177EC, 0x18EC4, 0x191E1, 0x1AFAB,
        0x1B08E, 0x1CC1A, 0x1D33F, 0x1ED75, 0x1F250, 0x209D5, 0x216F0, 0x228BA, 0x2379F, 0x24B0B,
        0x2542E, 0x26A64, 0x27541, 0x28C69,
    ]

    /// Alignment pattern centre coordinates by version 1...40 (ISO/IEC 18004 Annex E, Table E.1).
    static let alignmentCenters: [[Int]] = [
        [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34],
        [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50], [6, 30, 54], [6, 32, 58], [6, 34, 62],
        [6, 26, 46, 66], [6, 26, 48, 70], [6, 26, 50, 74], [6, 30, 54, 78], [6, 30, 56, 82], [6, 30, 58, 86],
        [6, 34, 62, 90], [6, 28, 50, 72, 94], [6, 26, 50, 74, 98], [6, 30, 54, 78, 102], [6, 28, 54, 80, 106],
        [6, 32, 58, 84, 110], [6, 30, 58, 86, 114], [6, 34, 62, 90, 118], [6, 26, 50, 74, 98, 122],
        [6, 30, 54, 78, 102, 126], [6, 26, 52, 78, 104, 130], [6, 30, 56, 82, 108, 134], [6, 34, 60, 86, 112, 138],
        [6, 30, 58, 86, 114, 142], [6, 34, 62, 90, 118, 146], [6, 30, 54, 78, 102, 126, 150],
        [6, 24, 50, 76, 102, 128, 154], [6, 28, 54, 80, 106, 132, 158], [6, 32, 58, 84, 110, 136, 162],
        [6, 26, 54, 82, 110, 138, 166], [6, 30, 58, 86, 114, 142, 170],
    ]

    /// Error correction codewords and block information (ISO/IEC 18004 Table 9, laid out as the Thonky tutorial
    /// prints it): per version, for L | M | Q | H, "EC-codewords-per-block blocks×data-codewords [blocks×data]".
    static let blockRows: [String] = [
        "1: 7 1x19 | 10 1x16 | 13 1x13 | 17 1x9",
        "2: 10 1x34 | 16 1x28 | 22 1x22 | 28 1x16",
        "3: 15 1x55 | 26 1x44 | 18 2x17 | 22 2x13",
        "4: 20 1x80 | 18 2x32 | 26 2x24 | 16 4x9",
        "5: 26 1x108 | 24 2x43 | 18 2x15 2x16 | 22 2x11 2x12",
        "6: 18 2x68 | 16 4x27 | 24 4x19 | 28 4x15",
        "7: 20 2x78 | 18 4x31 | 18 2x14 4x15 | 26 4x13 1x14",
        "8: 24 2x97 | 22 2x38 2x39 | 22 4x18 2x19 | 26 4x14 2x15",
        "9: 30 2x116 | 22 3x36 2x37 | 20 4x16 4x17 | 24 4x12 4x13",
        "10: 18 2x68 2x69 | 26 4x43 1x44 | 24 6x19 2x20 | 28 6x15 2x16",
        "11: 20 4x81 | 30 1x50 4x51 | 28 4x22 4x23 | 24 3x12 8x13",
        "12: 24 2x92 2x93 | 22 6x36 2x37 | 26 4x20 6x21 | 28 7x14 4x15",
        "13: 26 4x107 | 22 8x37 1x38 | 24 8x20 4x21 | 22 12x11 4x12",
        "14: 30 3x115 1x116 | 24 4x40 5x41 | 20 11x16 5x17 | 24 11x12 5x13",
        "15: 22 5x87 1x88 | 24 5x41 5x42 | 30 5x24 7x25 | 24 11x12 7x13",
        "16: 24 5x98 1x99 | 28 7x45 3x46 | 24 15x19 2x20 | 30 3x15 13x16",
        "17: 28 1x107 5x108 | 28 10x46 1x47 | 28 1x22 15x23 | 28 2x14 17x15",
        "18: 30 5x120 1x121 | 26 9x43 4x44 | 28 17x22 1x23 | 28 2x14 19x15",
        "19: 28 3x113 4x114 | 26 3x44 11x45 | 26 17x21 4x22 | 26 9x13 16x14",
        "20: 28 3x107 5x108 | 26 3x41 13x42 | 30 15x24 5x25 | 28 15x15 10x16",
        "21: 28 4x116 4x117 | 26 17x42 | 28 17x22 6x23 | 30 19x16 6x17",
        "22: 28 2x111 7x112 | 28 17x46 | 30 7x24 16x25 | 24 34x13",
        "23: 30 4x121 5x122 | 28 4x47 14x48 | 30 11x24 14x25 | 30 16x15 14x16",
        "24: 30 6x117 4x118 | 28 6x45 14x46 | 30 11x24 16x25 | 30 30x16 2x17",
        "25: 26 8x106 4x107 | 28 8x47 13x48 | 30 7x24 22x25 | 30 22x15 13x16",
        "26: 28 10x114 2x115 | 28 19x46 4x47 | 28 28x22 6x23 | 30 33x16 4x17",
        "27: 30 8x122 4x123 | 28 22x45 3x46 | 30 8x23 26x24 | 30 12x15 28x16",
        "28: 30 3x117 10x118 | 28 3x45 23x46 | 30 4x24 31x25 | 30 11x15 31x16",
        "29: 30 7x116 7x117 | 28 21x45 7x46 | 30 1x23 37x24 | 30 19x15 26x16",
        "30: 30 5x115 10x116 | 28 19x47 10x48 | 30 15x24 25x25 | 30 23x15 25x16",
        "31: 30 13x115 3x116 | 28 2x46 29x47 | 30 42x24 1x25 | 30 23x15 28x16",
        "32: 30 17x115 | 28 10x46 23x47 | 30 10x24 35x25 | 30 19x15 35x16",
        "33: 30 17x115 1x116 | 28 14x46 21x47 | 30 29x24 19x25 | 30 11x15 46x16",
        "34: 30 13x115 6x116 | 28 14x46 23x47 | 30 44x24 7x25 | 30 59x16 1x17",
        "35: 30 12x121 7x122 | 28 12x47 26x48 | 30 39x24 14x25 | 30 22x15 41x16",
        "36: 30 6x121 14x122 | 28 6x47 34x48 | 30 46x24 10x25 | 30 2x15 64x16",
        "37: 30 17x122 4x123 | 28 29x46 14x47 | 30 49x24 10x25 | 30 24x15 46x16",
        "38: 30 4x122 18x123 | 28 13x46 32x47 | 30 48x24 14x25 | 30 42x15 32x16",
        "39: 30 20x117 4x118 | 28 40x47 7x48 | 30 43x24 22x25 | 30 10x15 67x16",
        "40: 30 19x118 6x119 | 28 18x47 31x48 | 30 34x24 34x25 | 30 20x15 61x16",
    ]

    /// The blocks of one version and level: error-correction codewords per block, and the data codewords of each
    /// block in order.
    struct Blocks: Equatable {
        var ecPerBlock: Int
        var dataPerBlock: [Int]
    }

    /// Parses `blockRows` for `version` (1...40) and `level` ("L", "M", "Q" or "H").
    static func blocks(version: Int, level: String) -> Blocks {
        let levelIndex = ["L", "M", "Q", "H"].firstIndex(of: level)!
        let row = blockRows[version - 1].split(separator: ":")[1]
        let fields = row.split(separator: "|")[levelIndex].split(separator: " ")
        var dataPerBlock: [Int] = []
        for group in fields.dropFirst() {
            let numbers = group.split(separator: "x").map { Int($0)! }
            dataPerBlock += Array(repeating: numbers[1], count: numbers[0])
        }
        return Blocks(ecPerBlock: Int(fields[0])!, dataPerBlock: dataPerBlock)
    }
}
