import Foundation
import NIOCore
import Testing

@testable import SecondFactor

@Suite("privacyIDEA settings and encoding")
struct PrivacyIDEASettingsTests {
    @Test(
        "base URLs are normalised",
        arguments: [
            ("https://127.0.0.1:5443", "https://127.0.0.1:5443"),
            ("http://127.0.0.1:5001/", "http://127.0.0.1:5001"),
            ("HTTPS://mfa.example.test/pi//", "HTTPS://mfa.example.test/pi"),
        ])
    func goodURLs(input: String, expected: String) throws {
        #expect(try PrivacyIDEAClientSetup.checkedBaseURL(input) == expected)
    }

    @Test(
        "unusable URLs are refused",
        arguments: [
            "", "127.0.0.1:5001", "ftp://host", "https://", "https://user:pw@host", "https://host/?a=b",
            "https://host/#x",
        ])
    func badURLs(input: String) {
        #expect(throws: PrivacyIDEAError.self) { try PrivacyIDEAClientSetup.checkedBaseURL(input) }
    }

    @Test("up to 64 checks travel at once, and a refused connection is not retried")
    func connectionPool() throws {
        let pool = try PrivacyIDEAClientSetup(settings: PrivacyIDEASettings(url: "http://127.0.0.1:1"))
            .configuration.connectionPool
        #expect(pool.concurrentHTTP1ConnectionsPerHostSoftLimit == 64)
        #expect(!pool.retryConnectionEstablishment)
    }

    @Test("a missing or empty CA file and non-positive durations are settings errors")
    func badSettings() async throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("pi-empty-\(UUID()).pem")
        try Data().write(to: empty)
        defer { try? FileManager.default.removeItem(at: empty) }
        let cases = [
            PrivacyIDEASettings(url: "https://127.0.0.1:1", caFile: "/nonexistent/ca.pem"),
            PrivacyIDEASettings(url: "https://127.0.0.1:1", caFile: empty.path),
            PrivacyIDEASettings(url: "http://127.0.0.1:1", pushTimeout: .zero),
            PrivacyIDEASettings(url: "http://127.0.0.1:1", pollInterval: .seconds(-1)),
            PrivacyIDEASettings(url: "http://127.0.0.1:1", requestTimeout: .zero),
        ]
        for settings in cases {
            do {
                let provider = try PrivacyIDEAProvider(settings: settings)
                await provider.shutdown()
                Issue.record("accepted \(settings)")
            } catch {
                #expect(error.code == .invalidSettings)
            }
        }
    }

    @Test("defaults are the documented ones")
    func defaults() {
        let settings = PrivacyIDEASettings(url: "https://mfa.example.test")
        #expect(settings.pushTimeout == .seconds(60) && settings.pollInterval == .seconds(1))
        #expect(settings.requestTimeout == .seconds(10) && settings.verifyHostname && settings.realm == nil)
    }

    @Test("form fields are percent-encoded byte by byte")
    func formEncoding() {
        let encoded = PrivacyIDEAHTTP.formEncode([("user", "jöhn doe"), ("pass", "a+b&c=d/%~._-"), ("realm", "")])
        #expect(encoded == "user=j%C3%B6hn%20doe&pass=a%2Bb%26c%3Dd%2F%25~._-&realm=")
        #expect(parseForm(encoded) == ["user": "jöhn doe", "pass": "a+b&c=d/%~._-", "realm": ""])
    }

    @Test("durations become NIO time amounts")
    func timeAmounts() {
        #expect(PrivacyIDEAHTTP.timeAmount(.milliseconds(1500)) == .milliseconds(1500))
        #expect(PrivacyIDEAHTTP.timeAmount(.seconds(60)) == .seconds(60))
    }
}
