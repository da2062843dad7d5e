import Foundation
import QRCode
import Testing

/// An optional check with a real scanner, zbarimg from zbar-tools (`apt-get install -y zbar-tools`). Skipped
/// unless `QRCODE_ZBARIMG` names the binary, so the suite never depends on zbar:
///
///     QRCODE_ZBARIMG=/usr/bin/zbarimg swift test --filter QRCodeTests.ZbarCheckTests
@Suite("Real scanner (zbarimg)", .enabled(if: ProcessInfo.processInfo.environment["QRCODE_ZBARIMG"] != nil))
struct ZbarCheckTests {
    /// Writes `rows` (`true` for black) as a plain PBM (netpbm P1), each cell `scale` pixels square.
    private func writePBM(_ rows: [[Bool]], scale: Int, to url: URL) throws {
        let width = (rows.first?.count ?? 0) * scale
        var text = "P1\n\(width) \(rows.count * scale)\n"
        for row in rows {
            let line = row.map { $0 ? "1" : "0" }.flatMap { Array(repeating: $0, count: scale) }.joined(separator: " ")
            text += String(repeating: line + "\n", count: scale)
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// The symbol with a light quiet zone of `margin` modules.
    private func image(_ code: QRCode, margin: Int) -> [[Bool]] {
        (-margin..<code.size + margin).map { y in (-margin..<code.size + margin).map { code.isDark(x: $0, y: y) } }
    }

    /// What zbarimg reads from `url`, or nil if it finds no QR code.
    private func scan(_ url: URL) throws -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.environment["QRCODE_ZBARIMG"]!)
        process.arguments = ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", url.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
    }

    private func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("qrcode-zbar-\(getpid())-\(name).pbm")
    }

    @Test(
        "zbarimg reads the otpauth URI at every level and a full code of every version",
        arguments: ErrorCorrection.allCases)
    func everyVersion(level: ErrorCorrection) throws {
        var generator = SplitMix64(state: 40)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:/?&=%.-_")
        var texts = [SampleText.otpauth]
        for version in 1...40 {
            let blocks = ReferenceTables.blocks(version: version, level: level.description)
            let capacity = (blocks.dataPerBlock.reduce(0, +) * 8 - 4 - (version <= 9 ? 8 : 16)) / 8
            texts.append(String((0..<capacity).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        for (index, text) in texts.enumerated() {
            let code = try QRCode.encode(text, errorCorrection: level)
            let url = temporaryFile("\(level)-\(index)")
            defer { try? FileManager.default.removeItem(at: url) }
            try writePBM(image(code, margin: 4), scale: 3, to: url)
            #expect(try scan(url) == text, "\(level), version \(code.version)")
        }
    }

    @Test("zbarimg reads the half-block terminal rendering drawn light on a dark background")
    func terminalRendering() throws {
        let code = try QRCode.encode(SampleText.otpauth)
        // Each character is one module wide and two high; ink is the light foreground, the rest dark background,
        // and the terminal's dark background continues around the 2-module quiet zone.
        let lines = code.terminalString().split(separator: "\n")
        var rows: [[Bool]] = []
        for line in lines {
            rows.append(line.map { !($0 == "█" || $0 == "▀") })
            rows.append(line.map { !($0 == "█" || $0 == "▄") })
        }
        let border = 6
        let width = rows[0].count + 2 * border
        let dark = [Bool](repeating: true, count: width)
        let padded =
            Array(repeating: dark, count: border)
            + rows.map { Array(repeating: true, count: border) + $0 + Array(repeating: true, count: border) }
            + Array(repeating: dark, count: border)
        let url = temporaryFile("terminal")
        defer { try? FileManager.default.removeItem(at: url) }
        try writePBM(padded, scale: 4, to: url)
        #expect(try scan(url) == SampleText.otpauth)
    }
}
