import Testing

@testable import ProxyConfig

/// `mfa` (providers, where the code sits, TOTP) and `store`.
@Suite("MFA and store")
struct MFAAndStoreTests {
    @Test("reports privacyidea and radius as unsupported, naming the key")
    func unsupportedProviders() throws {
        let sandbox = try Sandbox()
        for provider in ["privacyidea", "radius"] {
            let problems = sandbox.problems(Sandbox.directory + "\nmfa:\n  provider: \(provider)\n")
            #expect(problems.map(\.keyPath) == ["mfa.provider"])
            #expect(problems.first?.message.hasPrefix("unsupported in this version") == true)
        }
    }

    @Test("lists the valid providers for an unknown one")
    func unknownProvider() throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Sandbox.directory + "\nmfa:\n  provider: duo\n")
        #expect(problems.map(\.keyPath) == ["mfa.provider"])
        #expect(problems.first?.fix == "use one of: totp, privacyidea, radius")
    }

    @Test("takes a fixed number of trailing digits instead of the delimiter")
    func trailingDigits() throws {
        let sandbox = try Sandbox()
        let configuration = try sandbox.load(
            Sandbox.directory + "\nmfa:\n  otp:\n    length: 8\n  totp:\n    digits: 8\n    algorithm: SHA256\n")
        #expect(configuration.mfa.otp == .trailingDigits(8))
        #expect(configuration.mfa.totp.algorithm == .sha256)
    }

    @Test(
        "refuses contradictory code placements",
        arguments: [
            ("  otp:\n    delimiter: \"|\"\n    length: 6", "mfa.otp"),
            ("  otp:\n    length: 7", "mfa.otp.length"),
            ("  otp:\n    delimiter: \"\"", "mfa.otp.delimiter"),
            ("  otp:\n    delimiter: \"0\"", "mfa.otp.delimiter"),
            ("  totp:\n    period: 1500ms", "mfa.totp.period"),
            ("  totp:\n    algorithm: md5", "mfa.totp.algorithm"),
        ])
    func contradictions(yaml: String, keyPath: String) throws {
        let sandbox = try Sandbox()
        let problems = sandbox.problems(Sandbox.directory + "\nmfa:\n" + yaml + "\n")
        #expect(problems.map(\.keyPath) == [keyPath])
    }

    @Test("takes store paths from the file's folder unless absolute, and needs their folders")
    func storePaths() throws {
        let sandbox = try Sandbox()
        try sandbox.write("data/.keep")
        let yaml =
            Sandbox.directory + "\nstore:\n  sqlite: data/users.sqlite\n  encryption_key_file: \(sandbox.path)/k\n"
        let store = try sandbox.load(yaml).store
        #expect(store.sqlitePath == sandbox.path + "/data/users.sqlite")
        #expect(store.encryptionKey == .file(sandbox.path + "/k"))
        let problems = sandbox.problems(Sandbox.directory + "\nstore:\n  sqlite: nowhere/users.sqlite\n")
        #expect(problems.map(\.keyPath) == ["store.sqlite"])
    }
}
