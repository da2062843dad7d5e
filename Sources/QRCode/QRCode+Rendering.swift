extension QRCode {
    /// Draws the symbol for a terminal, two module rows per line, with the Unicode half blocks `▀`, `▄`, `█` and
    /// space, surrounded by `quietZone` light modules on every side.
    ///
    /// A glyph's ink is the terminal's foreground colour and a space shows its background. By default the
    /// terminal is assumed to be light text on a dark background (most terminal themes): ink draws the *light*
    /// modules and the quiet zone, and the dark modules are left as background. Pass `invert: true` for dark text
    /// on a light background; ink then draws the *dark* modules. Either way a scanner sees dark modules on light.
    ///
    /// The standard asks for a quiet zone of 4 modules; phone scanners read 2 reliably, which keeps the code small.
    /// Lines are separated by `\n`, with no newline after the last.
    public func terminalString(quietZone: Int = 2, invert: Bool = false) -> String {
        let margin = max(0, quietZone)
        let side = size + 2 * margin
        // The ink of module (x, y) in padded coordinates; below the last padded row there is no ink.
        func ink(_ x: Int, _ y: Int) -> Bool {
            guard y < side else { return false }
            return isDark(x: x - margin, y: y - margin) == invert
        }
        var lines: [String] = []
        for top in stride(from: 0, to: side, by: 2) {
            var line = ""
            line.unicodeScalars.reserveCapacity(side)
            for x in 0..<side {
                switch (ink(x, top), ink(x, top + 1)) {
                case (true, true): line.append("█")
                case (true, false): line.append("▀")
                case (false, true): line.append("▄")
                case (false, false): line.append(" ")
                }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// Draws the symbol with plain ASCII, one line per module row and two characters per module, for terminals
    /// without Unicode: `##` for a dark module, two spaces for a light one, surrounded by `quietZone` light
    /// modules.
    ///
    /// `##` prints in the foreground colour, so this suits dark text on a light background. On a dark
    /// background pass `invert: true`, which swaps the roles (`##` for light modules and the quiet zone) so the
    /// scanner still sees dark modules on light. Lines are separated by `\n`, with no newline after the last.
    public func asciiString(quietZone: Int = 2, invert: Bool = false) -> String {
        let margin = max(0, quietZone)
        let side = size + 2 * margin
        var lines: [String] = []
        for y in 0..<side {
            var line = ""
            for x in 0..<side {
                line += isDark(x: x - margin, y: y - margin) != invert ? "##" : "  "
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
