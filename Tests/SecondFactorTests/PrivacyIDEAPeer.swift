import Foundation
import Testing

@testable import SecondFactor

/// A real privacyIDEA (HTTPS with the dev certificates) and the test slapd it resolves users from, each on
/// free ports in a temporary directory, started with the project's scripts and stopped afterwards.
struct PrivacyIDEAPeer: Sendable {
    /// The known TOTP secret of every enrolled test token (RFC 6238 test key "12345678901234567890").
    static let totpKey = Array("12345678901234567890".utf8)
    static let totpKeyHex = totpKey.map { String(format: "%02x", $0) }.joined()

    let root: URL
    let piDirectory: String
    let slapdDirectory: String
    let piPort: Int
    let url: String
    let caFile: String
    let wrongCAFile: String

    /// Settings for a provider talking to this server; tests adjust timeouts.
    var settings: PrivacyIDEASettings {
        PrivacyIDEASettings(
            url: url, realm: "example", caFile: caFile, pushTimeout: .seconds(30), pollInterval: .milliseconds(250),
            requestTimeout: .seconds(10))
    }

    /// Starts slapd and privacyIDEA. Throws with a message naming scripts/install-deps.sh when privacyIDEA
    /// is not installed; stops whatever it started when a later step fails.
    static func start() async throws -> PrivacyIDEAPeer {
        let venv = TestScripts.path(".venv-privacyidea/bin/pi-manage")
        guard FileManager.default.isExecutableFile(atPath: venv) else {
            throw ScriptFailure(
                description: "privacyIDEA is not installed (\(venv) is missing): run scripts/install-deps.sh")
        }
        let root = URL(fileURLWithPath: "/tmp").appendingPathComponent("pi-it-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let slapdDirectory = root.appendingPathComponent("slapd").path
        let piDirectory = root.appendingPathComponent("privacyidea").path
        let (ldapPort, ldapsPort, piPort) = try await (
            TestScripts.freePort(), TestScripts.freePort(), TestScripts.freePort()
        )
        let peer = PrivacyIDEAPeer(
            root: root, piDirectory: piDirectory, slapdDirectory: slapdDirectory, piPort: piPort,
            url: "https://127.0.0.1:\(piPort)", caFile: TestScripts.path("run/certs/ca.pem"),
            wrongCAFile: TestScripts.path("run/certs/wrong-ca.pem"))
        do {
            try await TestScripts.run(
                TestScripts.path("scripts/slapd/start.sh"), [slapdDirectory, "\(ldapPort)", "\(ldapsPort)"])
            try await peer.startPrivacyIDEA(fresh: true, ldapURL: "ldap://127.0.0.1:\(ldapPort)")
        } catch {
            await peer.stop()
            throw error
        }
        return peer
    }

    /// (Re)starts privacyIDEA; `fresh: false` keeps the database (KEEP=1).
    func startPrivacyIDEA(fresh: Bool, ldapURL: String = "") async throws {
        try await TestScripts.run(
            TestScripts.path("scripts/privacyidea/start.sh"), [piDirectory, "\(piPort)", ldapURL],
            environment: ["PI_TLS": "1", "KEEP": fresh ? "0" : "1"])
    }

    /// Stops privacyIDEA only.
    func stopPrivacyIDEA() async throws {
        try await TestScripts.run(TestScripts.path("scripts/privacyidea/stop.sh"), [piDirectory])
    }

    /// The pid of the running privacyIDEA (from its pid file).
    func privacyIDEAPID() throws -> Int32 {
        let text = try String(contentsOfFile: piDirectory + "/privacyidea.pid", encoding: .utf8)
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw ScriptFailure(description: "no pid in \(piDirectory)/privacyidea.pid")
        }
        return pid
    }

    /// Stops both servers and removes the directory; never throws.
    func stop() async {
        _ = try? await TestScripts.run(TestScripts.path("scripts/privacyidea/stop.sh"), [piDirectory])
        _ = try? await TestScripts.run(TestScripts.path("scripts/slapd/stop.sh"), [slapdDirectory])
        try? FileManager.default.removeItem(at: root)
    }

    /// Runs scripts/privacyidea/pi-admin.py against this server (enrol, reset, policies, the phone).
    @discardableResult
    func admin(_ arguments: String...) async throws -> String {
        try await TestScripts.run(
            TestScripts.path(".venv-privacyidea/bin/python"),
            [TestScripts.path("scripts/privacyidea/pi-admin.py"), "--dir", piDirectory] + arguments)
    }

    /// The current code of the test key.
    static func currentCode() -> String { TOTP.code(secret: totpKey, time: Date()) }
}

/// Gives the tests of a suite one running `PrivacyIDEAPeer`, started before the first and stopped after
/// the last, also when a test fails.
struct PrivacyIDEAPeerTrait: SuiteTrait, TestScoping {
    @TaskLocal static var current: PrivacyIDEAPeer?

    /// Users enrolled with a TOTP token on the test key; user0001 gets a push token as well.
    static let totpUsers = ["alice", "bob", "user0002", "user0003"]

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let peer = try await PrivacyIDEAPeer.start()
        do {
            for user in Self.totpUsers {
                try await peer.admin("enrol-totp", user, PrivacyIDEAPeer.totpKeyHex)
            }
            try await peer.admin("enrol-push", "user0001")
            try await Self.$current.withValue(peer) { try await function() }
        } catch {
            await peer.stop()
            throw error
        }
        await peer.stop()
    }
}

extension Trait where Self == PrivacyIDEAPeerTrait {
    /// A real privacyIDEA for the suite (see `PrivacyIDEAPeerTrait`).
    static var privacyIDEAPeer: Self { PrivacyIDEAPeerTrait() }
}
