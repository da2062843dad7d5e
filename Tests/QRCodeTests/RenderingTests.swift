import QRCode
import Testing

@Suite("Terminal rendering")
struct RenderingTests {
    /// Turns a half-block rendering back into rows of ink, two per line.
    private func inkRows(_ rendering: String) -> [[Bool]] {
        rendering.split(separator: "\n", omittingEmptySubsequences: false).flatMap { line -> [[Bool]] in
            let top = line.map { $0 == "█" || $0 == "▀" }
            let bottom = line.map { $0 == "█" || $0 == "▄" }
            return [top, bottom]
        }
    }

    @Test("half blocks hold two module rows per line and invert flips the ink", arguments: [0, 1, 2, 4])
    func halfBlocks(quietZone: Int) throws {
        let code = try QRCode.encode(SampleText.otpauth)
        let side = code.size + 2 * quietZone
        for invert in [false, true] {
            let rendering = code.terminalString(quietZone: quietZone, invert: invert)
            #expect(rendering.allSatisfy { "▀▄█ \n".contains($0) })
            let rows = inkRows(rendering)
            #expect(rows.count == (side + 1) / 2 * 2)
            #expect(rows.allSatisfy { $0.count == side })
            for y in 0..<side {
                for x in 0..<side where rows[y][x] != (code.isDark(x: x - quietZone, y: y - quietZone) != !invert) {
                    Issue.record("module (\(x), \(y)) wrong with invert \(invert)")
                }
            }
            if side % 2 == 1 {
                #expect(rows[side].allSatisfy { !$0 }, "the half row past the quiet zone carries no ink")
            }
        }
    }

    @Test("the default rendering decodes when ink is read as light")
    func decodesFromTerminal() throws {
        let code = try QRCode.encode(SampleText.otpauth, errorCorrection: .low)
        let rows = inkRows(code.terminalString())
        let grid = (0..<code.size).map { y in (0..<code.size).map { x in !rows[y + 2][x + 2] } }
        let decoded = try TestQRDecoder.decode(grid)
        #expect(String(decoding: decoded.bytes, as: UTF8.self) == SampleText.otpauth)
    }

    @Test("ASCII uses ## for dark modules, one line per row")
    func ascii() throws {
        let code = try QRCode.encode("hello")
        let lines = code.asciiString(quietZone: 1).split(separator: "\n").map(Array.init)
        #expect(lines.count == code.size + 2)
        for (y, line) in lines.enumerated() {
            #expect(line.count == 2 * (code.size + 2))
            for x in 0..<(code.size + 2) {
                let cell = String(line[2 * x..<2 * x + 2])
                #expect(cell == (code.isDark(x: x - 1, y: y - 1) ? "##" : "  "))
            }
        }
        let inverted = code.asciiString(quietZone: 0, invert: true).split(separator: "\n")
        #expect(inverted[0].hasPrefix("  ") && inverted[1].hasPrefix("  ##"))
    }
}
