import Foundation
import Testing

@testable import ProxyConfig

/// A temporary folder that plays the configuration file's folder; removed when released.
final class Sandbox {
    /// The folder, absolute.
    let path: String

    /// The environment most tests load with: the bind password, and nothing else.
    static let passwordEnvironment = ["LDAP_MFA_PROXY_BIND_PASSWORD": "reader-password"]

    /// The smallest valid `directory` section (bind type ssl by default, over ldaps://).
    static let directory = """
        directory:
          servers: "ldaps://dir.example.test"
          base_dn: "dc=example,dc=test"
          bind_dn: "cn=reader,ou=service,dc=example,dc=test"
        """

    init() throws {
        let url = FileManager.default.temporaryDirectory.appending(path: "config-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.standardizedFileURL.path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `contents` to `relative` inside the sandbox, making folders on the way; returns the absolute path.
    @discardableResult
    func write(_ relative: String, _ contents: String = "x\n") throws -> String {
        let url = URL(fileURLWithPath: path).appending(path: relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
        return url.standardizedFileURL.path
    }

    /// Loads `yaml` as if it were a file in the sandbox.
    func load(
        _ yaml: String, environment: [String: String] = Sandbox.passwordEnvironment
    ) throws(ConfigError) -> ProxyConfiguration {
        try ProxyConfiguration.parse(yaml: yaml, baseDirectory: path, environment: environment)
    }

    /// The problems loading `yaml` reports; records an issue when it loads.
    func problems(
        _ yaml: String, environment: [String: String] = Sandbox.passwordEnvironment,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> [ConfigProblem] {
        do {
            let configuration = try load(yaml, environment: environment)
            Issue.record("expected problems, but it loaded: \(configuration)", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.problems
        }
    }
}

/// The repository's root, found from this file's path.
func repositoryRoot(filePath: String = #filePath) -> URL {
    URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
