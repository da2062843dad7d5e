import Foundation
import Logging

/// Writes one JSON object per line: `{"time":…,"level":…,"label":…,"message":…, metadata…}`.
///
/// Metadata keys become top-level fields (nested metadata is flattened to strings), so log
/// collectors can index audit events without parsing text. A line is encoded straight to UTF-8
/// bytes (no intermediate dictionary or `String(format:)`): the audit line is written once per
/// bind, so its cost is on every bind's path (BENCHMARKS.md, "Where the time goes").
public struct JSONLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    let label: String
    let stream: JSONLogStream

    public init(label: String, stream: JSONLogStream = .standardOutput) {
        self.label = label
        self.stream = stream
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields: [(key: String, value: String)] = []
        fields.reserveCapacity(metadata.count + (event.metadata?.count ?? 0))
        for (key, value) in metadata where event.metadata?[key] == nil { fields.append((key, Self.flatten(value))) }
        if let extra = event.metadata { for (key, value) in extra { fields.append((key, Self.flatten(value))) } }
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        stream.write(
            Self.encode(
                time: time, level: event.level.rawValue, label: label, message: event.message.description,
                fields: fields))
    }

    static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): "[" + values.map(flatten).joined(separator: ", ") + "]"
        case .dictionary(let values):
            "{" + values.sorted { $0.key < $1.key }.map { "\($0.key)=\(flatten($0.value))" }.joined(separator: ", ")
                + "}"
        }
    }

    /// One line: the fixed fields first (time, level, label, message), then `fields` sorted by key,
    /// leaving out any that would repeat a fixed field.
    static func encode(
        time: timespec, level: String, label: String, message: String, fields: [(key: String, value: String)]
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(160 + fields.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 6 })
        out.append(contentsOf: #"{"time":""#.utf8)
        appendTimestamp(time, to: &out)
        out.append(contentsOf: #"","level":"#.utf8)
        appendQuoted(level, to: &out)
        out.append(contentsOf: #","label":"#.utf8)
        appendQuoted(label, to: &out)
        out.append(contentsOf: #","message":"#.utf8)
        appendQuoted(message, to: &out)
        for field in fields.sorted(by: { $0.key < $1.key }) where !fixedKeys.contains(field.key) {
            out.append(UInt8(ascii: ","))
            appendQuoted(field.key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendQuoted(field.value, to: &out)
        }
        out.append(contentsOf: "}\n".utf8)
        return out
    }

    static let fixedKeys: Set<String> = ["time", "level", "label", "message"]

    /// The current time as RFC 3339 UTC with milliseconds (`2026-12-04T18:32:07.123Z`).
    static func timestamp() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var out: [UInt8] = []
        appendTimestamp(time, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 3339 §5.6 `date-time` in UTC with milliseconds, 24 octets.
    static func appendTimestamp(_ time: timespec, to out: inout [UInt8]) {
        var seconds = time_t(time.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        appendDigits(Int(parts.tm_year) + 1900, count: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(Int(parts.tm_mon) + 1, count: 2, to: &out)
        out.append(UInt8(ascii: "-"))
        appendDigits(Int(parts.tm_mday), count: 2, to: &out)
        out.append(UInt8(ascii: "T"))
        appendDigits(Int(parts.tm_hour), count: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(Int(parts.tm_min), count: 2, to: &out)
        out.append(UInt8(ascii: ":"))
        appendDigits(Int(parts.tm_sec), count: 2, to: &out)
        out.append(UInt8(ascii: "."))
        appendDigits(Int(time.tv_nsec) / 1_000_000, count: 3, to: &out)
        out.append(UInt8(ascii: "Z"))
    }

    private static func appendDigits(_ value: Int, count: Int, to out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8((rest / divisor) % 10))
            rest %= divisor
            divisor /= 10
        }
    }

    /// A JSON string literal (RFC 8259 §7): `"` and `\` escaped, control characters as escapes, the
    /// rest of the (always valid) UTF-8 copied as it is.
    static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): out.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"): out.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"): out.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0f)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
