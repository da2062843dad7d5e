import Foundation
import Logging

/// Writes one JSON object per line: `{"time":…,"level":…,"label":…,"message":…, metadata…}`.
///
/// Metadata keys become top-level fields (nested metadata is flattened to strings), so log
/// collectors can index audit events without parsing text. Writes are serialised by a lock so
/// lines from different threads never interleave.
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
        var object: [String: String] = [:]
        for (key, value) in metadata { object[key] = Self.flatten(value) }
        if let extra = event.metadata { for (key, value) in extra { object[key] = Self.flatten(value) } }
        object["time"] = Self.timestamp()
        object["level"] = event.level.rawValue
        object["label"] = label
        object["message"] = event.message.description
        stream.write(Self.encode(object))
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

    static func timestamp() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var seconds = time_t(time.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let millis = Int(time.tv_nsec) / 1_000_000
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }

    /// A JSON object with keys in a stable order (time, level, label, message, then sorted).
    static func encode(_ object: [String: String]) -> String {
        let leading = ["time", "level", "label", "message"]
        let keys = leading.filter { object[$0] != nil } + object.keys.filter { !leading.contains($0) }.sorted()
        let fields = keys.map { "\(quote($0)):\(quote(object[$0]!))" }
        return "{" + fields.joined(separator: ",") + "}\n"
    }

    /// A JSON string literal (RFC 8259 §7).
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// Where JSON log lines go: standard output, or an append-only file (for the audit stream).
public final class JSONLogStream: @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle

    public static let standardOutput = JSONLogStream(handle: .standardOutput)

    init(handle: FileHandle) { self.handle = handle }

    /// Opens `path` for appending, creating it with mode 0600 when absent.
    public static func file(_ path: String) throws -> JSONLogStream {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            else {
                throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
            }
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        return JSONLogStream(handle: handle)
    }

    func write(_ line: String) {
        lock.lock()
        defer { lock.unlock() }
        try? handle.write(contentsOf: Data(line.utf8))
    }
}
