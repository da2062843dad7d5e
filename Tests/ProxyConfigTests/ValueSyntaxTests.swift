import Testing

@testable import ProxyConfig

/// The text forms of durations, sizes and booleans, and the distance behind key suggestions.
@Suite("Value syntax")
struct ValueSyntaxTests {
    @Test(
        "reads durations",
        arguments: [
            ("250ms", Duration.milliseconds(250)), ("30s", .seconds(30)), ("10m", .seconds(600)),
            ("1h", .seconds(3600)), ("45", .seconds(45)), ("1m30s", .seconds(90)), (" 5S ", .seconds(5)),
        ])
    func durations(text: String, expected: Duration) {
        #expect(ValueSyntax.duration(text) == expected)
    }

    @Test("rejects malformed durations", arguments: ["", "s", "5x", "1.5s", "-3s", "5 s", "ms30"])
    func badDurations(text: String) {
        #expect(ValueSyntax.duration(text) == nil)
    }

    @Test("reads sizes with and without units")
    func sizes() {
        #expect(ValueSyntax.byteCount("1048576") == 1_048_576)
        #expect(ValueSyntax.byteCount("64KiB") == 65_536)
        #expect(ValueSyntax.byteCount("1MiB") == 1_048_576)
        #expect(ValueSyntax.byteCount("1_000") == 1000)
        #expect(ValueSyntax.byteCount("1MB") == nil)
    }

    @Test("reads booleans and writes durations back")
    func booleansAndText() {
        #expect(ValueSyntax.boolean("Yes") == true)
        #expect(ValueSyntax.boolean("off") == false)
        #expect(ValueSyntax.boolean("maybe") == nil)
        #expect(ValueSyntax.text(of: .seconds(3600)) == "1h")
        #expect(ValueSyntax.text(of: .milliseconds(1500)) == "1500ms")
    }

    @Test("measures edit distance")
    func editDistance() {
        #expect(EditDistance.between("bind_passwrd", "bind_password") == 1)
        #expect(EditDistance.between("", "abc") == 3)
        #expect(EditDistance.between("kitten", "sitting") == 3)
    }
}
