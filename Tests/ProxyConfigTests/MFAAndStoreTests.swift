import Testing

@testable import ProxyConfig

/// `mfa` (providers, where the code sits, TOTP) and `store`.
@Suite("MFA and store")
struct MFAAndStoreTests {
    @Test("accepts privacyidea and radius as providers, each with its section")
    func supportedProviders() throws {
        let sandbox = try Sandbox()
        try sandbox.write("radius.secret", "a-long-shared-secret-for-tests\n")
        let privacyIDEA = try sandbox.load(
            Sandbox.directory + "\nmfa:\n  provider: privacyidea\n  privacyidea:\n    url: https://pi.example.test\n")
        #expect(privacyIDEA.mfa.provider == .privacyidea)
        #expect(privacyIDEA.mfa.privacyIDEA != nil)
        #expect(privacyIDEA.mfa.radius == nil)
        let radius = try sandbox.load(
            Sandbox.directory
                + "\nmfa:\n  provider: RADIUS\n  radius:\n    servers: [radius.example.test]\n"
                + "    secret_file: radius.secret\n")
        #expect(radius.mfa.provider == .radius)
        #expect(radius.mfa.radius != nil)
        #expect(radius.mfa.privacyIDEA == nil)
        #expect(privacyIDEA.warnings.isEmpty && radius.warnings.isEmpty)
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
