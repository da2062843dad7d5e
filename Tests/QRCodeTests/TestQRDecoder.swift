/// A minimal QR code decoder for the tests, written from ISO/IEC 18004:2015 and `ReferenceTables` without
/// reusing anything from the encoder. It reads a grid of modules the way a scanner would once it has sampled the
/// image, checks every function pattern and the Reed-Solomon syndromes, and returns the byte-mode payload.
enum TestQRDecoder {
    /// Why a grid could not be decoded.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// What was read from a symbol.
    struct Decoded {
        var bytes: [UInt8]
        var version: Int
        var level: String
        var mask: Int
    }

    /// Decodes `grid`, indexed `grid[row][column]`, `true` for dark, without quiet zone.
    static func decode(_ grid: [[Bool]]) throws -> Decoded {
        let size = grid.count
        guard size >= 21, (size - 17) % 4 == 0, grid.allSatisfy({ $0.count == size }) else {
            throw Failure(description: "not a square grid of a QR size: \(size)")
        }
        let version = (size - 17) / 4
        func module(_ row: Int, _ column: Int) -> Bool { grid[row][column] }

        // Finder patterns with their separators, timing patterns, the dark module.
        for (top, left) in [(0, 0), (0, size - 7), (size - 7, 0)] {
            for row in -1...7 {
                for column in -1...7 where (0..<size).contains(top + row) && (0..<size).contains(left + column) {
                    let ring = max(abs(row - 3), abs(column - 3))
                    guard module(top + row, left + column) == (ring <= 1 || ring == 3) else {
                        throw Failure(description: "finder pattern at (\(left), \(top)) broken")
                    }
                }
            }
        }
        for index in 8..<(size - 8) {
            let expected = index.isMultiple(of: 2)
            guard module(6, index) == expected, module(index, 6) == expected else {
                throw Failure(description: "timing pattern broken at \(index)")
            }
        }
        guard module(size - 8, 8) else { throw Failure(description: "dark module missing") }

        // Version information, both copies.
        if version >= 7 {
            var bottomLeft = 0
            var topRight = 0
            for bit in 0..<18 {
                if module(size - 11 + bit % 3, bit / 3) { bottomLeft |= 1 << bit }
                if module(bit / 3, size - 11 + bit % 3) { topRight |= 1 << bit }
            }
            guard bottomLeft == ReferenceTables.versionWords[version - 7], topRight == bottomLeft else {
                throw Failure(description: "version information does not say \(version)")
            }
        }

        // Format information, read most significant bit first as it is drawn (Thonky, "Format and Version
        // Information"): around the top-left finder, then down the left and along the top right.
        let firstCopy: [(Int, Int)] =
            [(8, 0), (8, 1), (8, 2), (8, 3), (8, 4), (8, 5), (8, 7), (8, 8), (7, 8)]
            + [(5, 8), (4, 8), (3, 8), (2, 8), (1, 8), (0, 8)]
        let secondCopy: [(Int, Int)] =
            (0..<7).map { (size - 1 - $0, 8) } + (0..<8).map { (8, size - 8 + $0) }
        let firstBits = String(firstCopy.map { module($0.0, $0.1) ? "1" : "0" })
        let secondBits = String(secondCopy.map { module($0.0, $0.1) ? "1" : "0" })
        guard firstBits == secondBits else { throw Failure(description: "format copies differ") }
        guard
            let (level, masks) = ReferenceTables.formatStrings.first(where: { $0.value.contains(firstBits) }),
            let mask = masks.firstIndex(of: firstBits)
        else { throw Failure(description: "unknown format information \(firstBits)") }

        // Which modules are function patterns.
        let centers = ReferenceTables.alignmentCenters[version - 1]
        func inFinderOrFormat(_ row: Int, _ column: Int) -> Bool {
            (row < 9 && column < 9) || (row < 9 && column >= size - 8) || (row >= size - 8 && column < 9)
        }
        var isFunction = [[Bool]](repeating: [Bool](repeating: false, count: size), count: size)
        for row in 0..<size {
            for column in 0..<size {
                let inVersion =
                    version >= 7
                    && ((column < 6 && (size - 11..<size - 8).contains(row))
                        || (row < 6 && (size - 11..<size - 8).contains(column)))
                isFunction[row][column] = inFinderOrFormat(row, column) || inVersion || row == 6 || column == 6
            }
        }
        for centerRow in centers {
            for centerColumn in centers where !inFinderOrFormat(centerRow, centerColumn) {
                for row in centerRow - 2...centerRow + 2 {
                    for column in centerColumn - 2...centerColumn + 2 {
                        let ring = max(abs(row - centerRow), abs(column - centerColumn))
                        guard module(row, column) == (ring != 1) else {
                            throw Failure(description: "alignment pattern at (\(centerColumn), \(centerRow)) broken")
                        }
                        isFunction[row][column] = true
                    }
                }
            }
        }

        // Read the data modules in zig-zag order, unmasking as we go.
        var bits: [Bool] = []
        var column = size - 1
        var upward = true
        while column >= 1 {
            if column == 6 { column -= 1 }
            let rows = upward ? Array((0..<size).reversed()) : Array(0..<size)
            for row in rows {
                for current in [column, column - 1] where !isFunction[row][current] {
                    bits.append(module(row, current) != masked(mask, row: row, column: current))
                }
            }
            upward.toggle()
            column -= 2
        }
        let totalCodewords = bits.count / 8
        guard bits[(totalCodewords * 8)...].allSatisfy({ !$0 }) else {
            throw Failure(description: "remainder bits are not zero")
        }
        let codewords = (0..<totalCodewords).map { index in
            bits[index * 8..<index * 8 + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
        }

        // De-interleave, check each block's Reed-Solomon syndromes, keep the data codewords.
        let layout = ReferenceTables.blocks(version: version, level: level)
        let blockCount = layout.dataPerBlock.count
        guard layout.dataPerBlock.reduce(0, +) + blockCount * layout.ecPerBlock == totalCodewords else {
            throw Failure(description: "version \(version)-\(level) should not hold \(totalCodewords) codewords")
        }
        var blocks = [[UInt8]](repeating: [], count: blockCount)
        var next = 0
        for index in 0..<layout.dataPerBlock.max()! {
            for block in 0..<blockCount where index < layout.dataPerBlock[block] {
                blocks[block].append(codewords[next])
                next += 1
            }
        }
        let data = blocks.flatMap { $0 }
        for _ in 0..<layout.ecPerBlock {
            for block in 0..<blockCount {
                blocks[block].append(codewords[next])
                next += 1
            }
        }
        for (number, block) in blocks.enumerated() {
            let syndromes = ReferenceReedSolomon.syndromes(of: block, count: layout.ecPerBlock)
            guard syndromes.allSatisfy({ $0 == 0 }) else {
                throw Failure(description: "block \(number) has non-zero syndromes \(syndromes)")
            }
        }
        return Decoded(bytes: try parseByteMode(data, version: version), version: version, level: level, mask: mask)
    }

    /// The mask conditions, as the Thonky tutorial states them for (row, column).
    private static func masked(_ mask: Int, row: Int, column: Int) -> Bool {
        switch mask {
        case 0: return (row + column).isMultiple(of: 2)
        case 1: return row.isMultiple(of: 2)
        case 2: return column.isMultiple(of: 3)
        case 3: return (row + column).isMultiple(of: 3)
        case 4: return (row / 2 + column / 3).isMultiple(of: 2)
        case 5: return ((row * column) % 2 + (row * column) % 3) == 0
        case 6: return ((row * column) % 2 + (row * column) % 3).isMultiple(of: 2)
        default: return ((row + column) % 2 + (row * column) % 3).isMultiple(of: 2)
        }
    }

    /// Parses one byte-mode segment and checks the terminator and pad codewords after it.
    private static func parseByteMode(_ data: [UInt8], version: Int) throws -> [UInt8] {
        let bits: [Bool] = data.flatMap { byte -> [Bool] in (0..<8).map { shift in byte >> (7 - shift) & 1 == 1 } }
        var position = 0
        func read(_ width: Int) -> Int {
            defer { position += width }
            return bits[position..<position + width].reduce(0) { $0 << 1 | ($1 ? 1 : 0) }
        }
        guard read(4) == 0b0100 else { throw Failure(description: "not byte mode") }
        let count = read(version <= 9 ? 8 : 16)
        guard position + 8 * count <= bits.count else { throw Failure(description: "count \(count) too large") }
        let bytes = (0..<count).map { _ in UInt8(read(8)) }
        let terminatorEnd = min(bits.count, position + 4)
        let paddingStart = (terminatorEnd + 7) / 8 * 8
        guard bits[position..<paddingStart].allSatisfy({ !$0 }) else {
            throw Failure(description: "terminator or bit padding not zero")
        }
        for (index, pad) in data[(paddingStart / 8)...].enumerated() where pad != (index % 2 == 0 ? 0xEC : 0x11) {
            throw Failure(description: "pad codeword \(index) is \(pad)")
        }
        return bytes
    }
}
