/// The square grid of modules while a symbol is being built: which modules are dark, and which belong to
/// function patterns (and so must not carry data or be masked).
///
/// Coordinates are `x` (column, left to right) and `y` (row, top to bottom), both from 0.
struct ModuleMatrix: Sendable {
    /// The side of the symbol, in modules.
    let size: Int
    /// Dark modules, row by row.
    private(set) var dark: [Bool]
    /// Modules of function patterns, row by row.
    private(set) var isFunction: [Bool]

    /// A symbol of `version` with all function patterns drawn and the format-information area reserved
    /// (ISO/IEC 18004:2015 §6.3).
    init(version: Int) {
        size = BlockStructure.size(version: version)
        dark = Array(repeating: false, count: size * size)
        isFunction = Array(repeating: false, count: size * size)
        drawTimingPatterns()
        drawFinderPattern(centerX: 3, centerY: 3)
        drawFinderPattern(centerX: size - 4, centerY: 3)
        drawFinderPattern(centerX: 3, centerY: size - 4)
        drawAlignmentPatterns(version: version)
        // Reserved now so data skips it; the real bits are drawn once the mask is chosen.
        drawFormatInformation(bits: 0)
        if version >= 7 {
            drawVersionInformation(bits: FormatInformation.versionBits(version: version))
        }
    }

    /// Whether the module at (`x`, `y`) is dark.
    subscript(x x: Int, y y: Int) -> Bool { dark[y * size + x] }

    private mutating func setFunctionModule(x: Int, y: Int, dark isDark: Bool) {
        dark[y * size + x] = isDark
        isFunction[y * size + x] = true
    }

    /// Row 6 and column 6: alternating modules, dark on even coordinates (§6.3.5).
    private mutating func drawTimingPatterns() {
        for index in 0..<size {
            setFunctionModule(x: 6, y: index, dark: index % 2 == 0)
            setFunctionModule(x: index, y: 6, dark: index % 2 == 0)
        }
    }

    /// A 7 × 7 finder pattern (§6.3.3) with its one-module light separator (§6.3.4), clipped to the symbol.
    private mutating func drawFinderPattern(centerX: Int, centerY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centerX + dx
                let y = centerY + dy
                guard (0..<size).contains(x), (0..<size).contains(y) else { continue }
                // Rings by distance from the centre: 3 × 3 dark core, light ring, dark ring, light separator.
                let ring = max(abs(dx), abs(dy))
                setFunctionModule(x: x, y: y, dark: ring != 2 && ring != 4)
            }
        }
    }

    /// The centre coordinates of alignment patterns along one side (§6.3.6, Annex E): 6, the last at
    /// `size - 7`, and the ones between evenly spaced by an even step (version 32 is the one exception).
    static func alignmentCenters(version: Int) -> [Int] {
        let count = BlockStructure.alignmentPatternsPerSide(version: version)
        guard count > 0 else { return [] }
        let last = BlockStructure.size(version: version) - 7
        let step = version == 32 ? 26 : ((last - 6) + 2 * (count - 1) - 1) / (2 * (count - 1)) * 2
        return [6] + (0..<count - 1).reversed().map { last - $0 * step }
    }

    /// 5 × 5 alignment patterns at every pair of centres except the three finder corners (§6.3.6).
    private mutating func drawAlignmentPatterns(version: Int) {
        let centers = Self.alignmentCenters(version: version)
        for (row, centerY) in centers.enumerated() {
            for (column, centerX) in centers.enumerated() {
                let last = centers.count - 1
                if (row == 0 && column == 0) || (row == 0 && column == last) || (row == last && column == 0) {
                    continue
                }
                for dy in -2...2 {
                    for dx in -2...2 {
                        setFunctionModule(x: centerX + dx, y: centerY + dy, dark: max(abs(dx), abs(dy)) != 1)
                    }
                }
            }
        }
    }

    /// Both copies of the 15 format bits (§7.9.1, Figure 25) and the dark module at (8, size − 8).
    ///
    /// Bit 14 is the most significant. First copy: bits 14…9 along row 8 from column 0 (skipping the timing
    /// column), bits 8…0 up column 8 from row 8 (skipping the timing row). Second copy: bits 14…8 up column 8
    /// from the bottom row, bits 7…0 along row 8 ending at the right edge.
    mutating func drawFormatInformation(bits: Int) {
        func bit(_ index: Int) -> Bool { bits >> index & 1 == 1 }
        for index in 0...5 {
            setFunctionModule(x: 8, y: index, dark: bit(index))
        }
        setFunctionModule(x: 8, y: 7, dark: bit(6))
        setFunctionModule(x: 8, y: 8, dark: bit(7))
        setFunctionModule(x: 7, y: 8, dark: bit(8))
        for index in 9..<15 {
            setFunctionModule(x: 14 - index, y: 8, dark: bit(index))
        }
        for index in 0..<8 {
            setFunctionModule(x: size - 1 - index, y: 8, dark: bit(index))
        }
        for index in 8..<15 {
            setFunctionModule(x: 8, y: size - 15 + index, dark: bit(index))
        }
        setFunctionModule(x: 8, y: size - 8, dark: true)
    }

    /// Both 6 × 3 copies of the 18 version bits (§7.10, Figure 26): bit i (0 least significant) at column i / 3,
    /// row size − 11 + i % 3 above the bottom-left finder, and transposed left of the top-right finder.
    private mutating func drawVersionInformation(bits: Int) {
        for index in 0..<18 {
            let isDark = bits >> index & 1 == 1
            let near = index / 3
            let far = size - 11 + index % 3
            setFunctionModule(x: near, y: far, dark: isDark)
            setFunctionModule(x: far, y: near, dark: isDark)
        }
    }

    /// The data modules in placement order (§7.7.3): two-module-wide columns from the right edge, moving up then
    /// down in turn, the right module of each pair before the left, skipping the vertical timing pattern and
    /// every function module.
    var dataModuleOrder: [(x: Int, y: Int)] {
        var order: [(x: Int, y: Int)] = []
        var right = size - 1
        var upward = true
        while right > 0 {
            if right == 6 {
                right = 5
            }
            for step in 0..<size {
                let y = upward ? size - 1 - step : step
                for x in [right, right - 1] where !isFunction[y * size + x] {
                    order.append((x, y))
                }
            }
            upward.toggle()
            right -= 2
        }
        return order
    }

    /// Places `codewords` most significant bit first along `dataModuleOrder`; modules left over (remainder
    /// bits) stay light.
    mutating func placeCodewords(_ codewords: [UInt8]) {
        let order = dataModuleOrder
        for index in 0..<min(order.count, codewords.count * 8) {
            dark[order[index].y * size + order[index].x] = codewords[index / 8] >> (7 - index % 8) & 1 == 1
        }
    }

    /// Flips every data module where mask `pattern` (0...7) applies.
    mutating func applyMask(_ pattern: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] && Self.maskApplies(pattern, x: x, y: y) {
                dark[y * size + x].toggle()
            }
        }
    }

    /// The data mask conditions of ISO/IEC 18004:2015 Table 10, with i the row and j the column.
    static func maskApplies(_ pattern: Int, x j: Int, y i: Int) -> Bool {
        switch pattern {
        case 0: (i + j) % 2 == 0
        case 1: i % 2 == 0
        case 2: j % 3 == 0
        case 3: (i + j) % 3 == 0
        case 4: (i / 2 + j / 3) % 2 == 0
        case 5: (i * j) % 2 + (i * j) % 3 == 0
        case 6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
        default: ((i + j) % 2 + (i * j) % 3) % 2 == 0
        }
    }
}
