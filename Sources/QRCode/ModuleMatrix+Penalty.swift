extension ModuleMatrix {
    /// The mask penalty score of the current modules; see `penalty(of:size:)`.
    var penalty: Int { Self.penalty(of: dark, size: size) }

    /// The mask penalty score of ISO/IEC 18004:2015 §7.8.3.1, Table 11, for a square of `size` × `size` modules
    /// given row by row (`true` for dark); the encoder keeps the mask with the lowest score.
    ///
    /// - N1 = 3: a run of five or more same-coloured modules in a row or column scores 3 + (length − 5).
    /// - N2 = 3: every 2 × 2 block of one colour (blocks may overlap).
    /// - N3 = 40: every 1:1:3:1:1 dark-light-dark-light-dark pattern in a row or column with four light modules
    ///   before or after it; the area outside the symbol counts as light, since it is the quiet zone.
    /// - N4 = 10 for each full 5 % by which the share of dark modules departs from 50 %.
    static func penalty(of dark: [Bool], size: Int) -> Int {
        var score = 0
        for line in 0..<size {
            score += linePenalty(dark, start: line * size, step: 1, count: size)
            score += linePenalty(dark, start: line, step: size, count: size)
        }
        return score + blockPenalty(of: dark, size: size) + balancePenalty(of: dark)
    }

    /// Rules N1 and N3 for one row or column: the `count` modules of `dark` from index `start`, `step` apart.
    static func linePenalty(_ dark: [Bool], start: Int, step: Int, count: Int) -> Int {
        var score = 0
        var runIsDark = false
        var runLength = 0
        // The last 15 modules seen, the newest in bit 0; modules outside the line are light (0).
        var window = 0
        for index in 0..<(count + 4) {
            let isDark = index < count && dark[start + index * step]
            if index < count {
                if runLength > 0 && isDark == runIsDark {
                    runLength += 1
                } else {
                    score += runLength >= 5 ? 3 + (runLength - 5) : 0
                    runIsDark = isDark
                    runLength = 1
                }
            }
            window = (window << 1 | (isDark ? 1 : 0)) & 0x7FFF
            // 0000 1011101: four light modules, then the pattern ending here.
            // 1011101 0000: the pattern, then four light modules, unless the four before it were light too
            // (then it was already counted when the pattern ended).
            if window & 0x7FF == 0b000_0101_1101 || (window & 0x7FF == 0b101_1101_0000 && window >> 11 != 0) {
                score += 40
            }
        }
        return score + (runLength >= 5 ? 3 + (runLength - 5) : 0)
    }

    /// Rule N2: 3 points for each 2 × 2 block of one colour.
    static func blockPenalty(of dark: [Bool], size: Int) -> Int {
        var score = 0
        for y in 0..<max(0, size - 1) {
            for x in 0..<size - 1 {
                let topLeft = y * size + x
                let colour = dark[topLeft]
                if dark[topLeft + 1] == colour, dark[topLeft + size] == colour, dark[topLeft + size + 1] == colour {
                    score += 3
                }
            }
        }
        return score
    }

    /// Rule N4: 10 points for each whole 5 % step between the share of dark modules and 50 %.
    static func balancePenalty(of dark: [Bool]) -> Int {
        guard !dark.isEmpty else { return 0 }
        var darkCount = 0
        for index in 0..<dark.count where dark[index] {
            darkCount += 1
        }
        // |dark / total × 100 − 50| / 5, in integers.
        return abs(darkCount * 20 - dark.count * 10) / dark.count * 10
    }
}
