import Foundation
import Logging
import Testing

@testable import App

@Suite("JSON logs")
struct JSONLogHandlerTests {
    @Test("every line is one valid JSON object with the fixed fields first")
    func validJSON() throws {
        let line = JSONLogHandler.encode([
            "message": "quote \" backslash \\ newline \n tab \t bell \u{07}", "level": "info", "label": "audit",
            "time": "t", "user": "alice", "zz": "last",
        ])
        #expect(line.hasSuffix("}\n"))
        #expect(line.hasPrefix("{\"time\":\"t\",\"level\":\"info\",\"label\":\"audit\",\"message\":"))
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        #expect(object?["message"] == "quote \" backslash \\ newline \n tab \t bell \u{07}")
        #expect(object?["user"] == "alice")
        #expect(!line.dropLast().contains("\n"))
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
