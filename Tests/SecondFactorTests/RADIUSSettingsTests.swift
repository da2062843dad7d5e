import Testing

@testable import SecondFactor

@Suite("RADIUS settings")
struct RADIUSSettingsTests {
    @Test(
        "parses server addresses",
        arguments: [
            ("radius1.example.test:1812", "radius1.example.test", 1812),
            ("10.0.0.5:11812", "10.0.0.5", 11812),
            ("radius2", "radius2", 1812),
            ("[2001:db8::1]:1645", "2001:db8::1", 1645),
            ("[2001:db8::1]", "2001:db8::1", 1812),
            ("2001:db8::1", "2001:db8::1", 1812),
            (" 127.0.0.1:9 ", "127.0.0.1", 9),
        ])
    func parses(_ text: String, _ host: String, _ port: Int) throws {
        let server = try RADIUSSettings.Server(parsing: text)
        #expect(server == RADIUSSettings.Server(host: host, port: port))
    }

    @Test(
        "refuses bad server addresses", arguments: ["", ":1812", "host:", "host:x", "host:0", "host:65536", "[::1]x"])
    func refuses(_ text: String) {
        #expect(throws: RADIUSError.self) { try RADIUSSettings.Server(parsing: text) }
    }

    @Test("prints IPv6 servers in brackets")
    func serverDescription() {
        #expect(RADIUSSettings.Server(host: "::1", port: 1812).description == "[::1]:1812")
        #expect(RADIUSSettings.Server(host: "radius", port: 1).description == "radius:1")
    }

    @Test("has the documented defaults")
    func defaults() {
        let settings = RADIUSSettings(servers: [RADIUSSettings.Server(host: "r")], secret: [1])
        #expect(settings.timeout == .seconds(2))
        #expect(settings.retries == 3)
        #expect(settings.send == .code)
        #expect(settings.nasIdentifier == "ldap-mfa-proxy")
    }

    @Test("refuses settings that cannot work")
    func validation() {
        let server = RADIUSSettings.Server(host: "r")
        let bad = [
            RADIUSSettings(servers: [], secret: [1]),
            RADIUSSettings(servers: [server], secret: []),
            RADIUSSettings(servers: [server], secret: [1], timeout: .zero),
            RADIUSSettings(servers: [server], secret: [1], retries: 0),
            RADIUSSettings(servers: [server], secret: [1], nasIdentifier: ""),
            RADIUSSettings(servers: [RADIUSSettings.Server(host: "r", port: 0)], secret: [1]),
        ]
        for settings in bad {
            #expect(throws: RADIUSError.self) { try RADIUSProvider(settings: settings) }
        }
    }

    @Test("never shows the secret")
    func redaction() {
        let settings = RADIUSSettings(servers: [RADIUSSettings.Server(host: "r")], secret: Array("hunter22".utf8))
        var dumped = ""
        dump(settings, to: &dumped)
        for text in [settings.description, String(reflecting: settings), dumped] {
            #expect(!text.contains("hunter22"))
            #expect(!text.contains("104, 117"))  // the secret's first octets as an array
        }
    }
}
