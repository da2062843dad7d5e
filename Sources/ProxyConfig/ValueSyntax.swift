/// The text forms of scalar values in the configuration file.
enum ValueSyntax {
    /// An integer: optional sign, digits, `_` allowed between digits (`1_000`).
    static func integer(_ text: String) -> Int? {
        let trimmed = text.trimmingSpaces
        guard !trimmed.hasPrefix("_"), !trimmed.hasSuffix("_") else { return nil }
        return Int(trimmed.filter { $0 != "_" })
    }

    /// `true`/`false`, also `yes`/`no` and `on`/`off`, in any case.
    static func boolean(_ text: String) -> Bool? {
        switch text.trimmingSpaces.lowercased() {
        case "true", "yes", "on": true
        case "false", "no", "off": false
        default: nil
        }
    }

    /// A duration: a bare integer is seconds; otherwise one or more number-unit pairs with the units `ms`, `s`,
    /// `m`, `h` (`250ms`, `30s`, `10m`, `1h`, `1m30s`).
    static func duration(_ text: String) -> Duration? {
        let trimmed = text.trimmingSpaces
        if let seconds = integer(trimmed) {
            return seconds >= 0 && seconds <= 1_000_000_000 ? .seconds(seconds) : nil
        }
        var total = Duration.zero
        var rest = Substring(trimmed)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            guard !digits.isEmpty, digits.count <= 9, let amount = Int(digits) else { return nil }
            switch unit.lowercased() {
            case "ms": total += .milliseconds(amount)
            case "s": total += .seconds(amount)
            case "m": total += .seconds(amount * 60)
            case "h": total += .seconds(amount * 3600)
            default: return nil
            }
        }
        return total
    }

    /// A byte count: an integer, optionally with the unit `B`, `KiB` or `MiB` (`1048576`, `64KiB`, `1MiB`).
    static func byteCount(_ text: String) -> Int? {
        let trimmed = text.trimmingSpaces
        let units: [(suffix: String, factor: Int)] = [("kib", 1024), ("mib", 1024 * 1024), ("b", 1)]
        for (suffix, factor) in units where trimmed.lowercased().hasSuffix(suffix) {
            guard let amount = integer(String(trimmed.dropLast(suffix.count))), amount <= Int.max / factor else {
                return nil
            }
            return amount * factor
        }
        return integer(trimmed)
    }

    /// A duration written back the way the file writes them: `250ms`, `30s`, `10m`, `1h`.
    static func text(of duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        if milliseconds % 3_600_000 == 0 { return "\(milliseconds / 3_600_000)h" }
        if milliseconds % 60_000 == 0 { return "\(milliseconds / 60_000)m" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000)s" }
        return "\(milliseconds)ms"
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0.isNewline }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
