import Foundation
import Logging
import Testing

@testable import App

@Suite("JSON logs")
struct JSONLogHandlerTests {
    @Test("every line is one valid JSON object with the fixed fields first")
    func validJSON() throws {
        let message = "quote \" backslash \\ newline \n tab \t bell \u{07} é ✓"
        let bytes = JSONLogHandler.encode(
            time: timespec(tv_sec: 0, tv_nsec: 0), level: "info", label: "audit", message: message,
            fields: [("zz", "last"), ("user", "alice"), ("level", "forged")])
        let line = String(decoding: bytes, as: UTF8.self)
        #expect(line.hasSuffix("}\n"))
        #expect(
            line.hasPrefix(
                "{\"time\":\"1970-01-01T00:00:00.000Z\",\"level\":\"info\",\"label\":\"audit\",\"message\":"))
        let object = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: String]
        #expect(object?["message"] == message)
        #expect(object?["user"] == "alice")
        #expect(object?["level"] == "info")
        #expect(line.hasSuffix(",\"user\":\"alice\",\"zz\":\"last\"}\n"))
        #expect(!line.dropLast().contains("\n"))
    }

    @Test("a timestamp is RFC 3339 with every field zero-padded")
    func knownTimestamp() {
        var out: [UInt8] = []
        JSONLogHandler.appendTimestamp(timespec(tv_sec: 1_780_000_000, tv_nsec: 7_999_999), to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "2026-05-28T20:26:40.007Z")
    }

    @Test("lines written from many threads at once arrive whole and all of them")
    func concurrentWrites() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jsonlog-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let stream = try JSONLogStream.file(path)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for index in 0..<500 { stream.write("{\"thread\":\(thread),\"index\":\(index)}\n") }
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 4000)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil)
        }
    }

    @Test("nested metadata is flattened to strings")
    func flatten() {
        let value: Logger.Metadata.Value = .dictionary(["b": .array(["1", "2"]), "a": "x"])
        #expect(JSONLogHandler.flatten(value) == "{a=x, b=[1, 2]}")
    }

    @Test("timestamps are RFC 3339 UTC with milliseconds")
    func timestamp() {
        let stamp = JSONLogHandler.timestamp()
        #expect(stamp.count == 24)
        #expect(stamp.hasSuffix("Z"))
        #expect(stamp.dropFirst(10).first == "T")
    }
}
