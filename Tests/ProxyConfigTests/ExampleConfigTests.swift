import Foundation
import Testing

@testable import ProxyConfig

/// The examples in `Config/` load as they are, given the files they name.
@Suite("Example configurations")
struct ExampleConfigTests {
    /// Loads `Config/<name>` from the repository as if the configuration folder were `sandbox/Config`.
    private func loadExample(_ name: String, files: [String], sandbox: Sandbox) throws -> ProxyConfiguration {
        let yaml = try String(
            contentsOf: repositoryRoot().appending(path: "Config").appending(path: name), encoding: .utf8)
        for file in files {
            try sandbox.write(file, "file for the example\n")
        }
        return try ProxyConfiguration.parse(
            yaml: yaml, baseDirectory: sandbox.path + "/Config", environment: [:])
    }

    @Test("loads the OpenLDAP example without problems or warnings")
    func openLDAP() throws {
        let sandbox = try Sandbox()
        let configuration = try loadExample(
            "example-openldap.yaml",
            files: [
                "Config/.keep", "run/certs/server.pem", "run/certs/server.key", "run/certs/ca.pem",
                "run/proxy-reader.password",
            ], sandbox: sandbox)
        #expect(configuration.warnings == [])
        #expect(
            configuration.directory.servers.map(\.description) == ["ldap://127.0.0.1:3389", "ldaps://127.0.0.1:3636"])
        #expect(
            configuration.directory.servers.map { configuration.directory.querySecurity(for: $0) } == [.startTLS, .tls])
        #expect(configuration.directory.servers.first?.caFile == sandbox.path + "/run/certs/ca.pem")
        #expect(configuration.listen.offersStartTLS)
        #expect(configuration.mfa.exempt == .init(dns: [], subtrees: [], groups: [], networks: []))
        #expect(configuration.mfa.lockout.maxFailures == 5)
    }

    @Test("loads the Active Directory example without problems or warnings")
    func activeDirectory() throws {
        let sandbox = try Sandbox()
        let configuration = try loadExample(
            "example-active-directory.yaml",
            files: [
                "Config/tls/proxy.pem", "Config/tls/proxy.key", "Config/tls/corp-root-ca.pem",
                "Config/secrets/bind_password", "Config/data/.keep",
            ], sandbox: sandbox)
        #expect(configuration.warnings == [])
        #expect(configuration.directory.usernameAttributes == ["userPrincipalName", "sAMAccountName"])
        #expect(configuration.directory.servers.map { $0.security(for: .ssl) } == [.tls, .startTLS])
        #expect(configuration.listen.anonymousBinds == .refuse)
        #expect(
            configuration.mfa.exempt.subtrees.map(\.description) == ["OU=Service Accounts,DC=corp,DC=example,DC=com"])
        #expect(configuration.mfa.lockout.maxFailures == 4)
        #expect(configuration.mfa.privacyIDEA == nil && configuration.mfa.radius == nil)
    }
}
