import Testing

@testable import ProxyConfig

/// `ProxyConfiguration.load(path:environment:)`: reading the file and taking paths from its folder.
@Suite("Loading a file")
struct LoadFileTests {
    @Test("takes relative paths from the configuration file's folder, not the working directory")
    func relativeToFile() throws {
        let sandbox = try Sandbox()
        try sandbox.write("etc/secrets/bind", "pw\n")
        let file = try sandbox.write(
            "etc/config.yaml", Sandbox.directory + "\n  bind_password_file: secrets/bind\nstore:\n  sqlite: users.db\n")
        let configuration = try ProxyConfiguration.load(path: file, environment: [:])
        #expect(configuration.directory.bindPassword?.utf8String == "pw")
        #expect(configuration.store.sqlitePath == sandbox.path + "/etc/users.db")
    }

    @Test("names a configuration file that cannot be read")
    func missingFile() throws {
        let sandbox = try Sandbox()
        let error = #expect(throws: ConfigError.self) {
            try ProxyConfiguration.load(path: sandbox.path + "/absent.yaml", environment: [:])
        }
        #expect(error?.problems.count == 1)
        #expect(error?.problems.first?.message.contains("absent.yaml': no such file") == true)
    }

    @Test("returns warnings with the problems, so check-config can show both")
    func warningsWithProblems() throws {
        let sandbox = try Sandbox()
        let yaml = Sandbox.directory + "\n  tls:\n    verify_hostname: false\n  bind_pool_size: 0\n"
        let error = #expect(throws: ConfigError.self) { try sandbox.load(yaml) }
        #expect(error?.problems.map(\.keyPath) == ["directory.bind_pool_size"])
        #expect(error?.warnings.map(\.keyPath) == ["directory.tls.verify_hostname"])
    }
}
