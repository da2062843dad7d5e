import Foundation
import Testing

@testable import ProxyConfig

/// `operations.*` and `log.format`/`log.audit`.
@Suite("Operations and log settings")
struct OperationsConfigTests {
    @Test("defaults: endpoint off, 30 s drain, JSON logs, audit on standard output")
    func defaults() throws {
        let configuration = try Sandbox().load(Sandbox.directory)
        #expect(configuration.operations.listen == nil)
        #expect(configuration.operations.drainTimeout == .seconds(30))
        #expect(configuration.log.format == .json)
        #expect(configuration.log.audit == .standardOutput)
    }

    @Test("reads the endpoint, the drain deadline, the text format and an audit file")
    func written() throws {
        let sandbox = try Sandbox()
        let yaml = """
            \(Sandbox.directory)
            operations:
              listen: "[::]:9091"
              drain_timeout: 2m
            log:
              format: TEXT
              audit: logs/audit.jsonl
            """
        try sandbox.write("logs/keep")
        let configuration = try sandbox.load(yaml)
        #expect(configuration.operations.listen == ListenAddress(host: "::", port: 9091))
        #expect(configuration.operations.drainTimeout == .seconds(120))
        #expect(configuration.log.format == .text)
        #expect(configuration.log.audit == .file(sandbox.path + "/logs/audit.jsonl"))
    }

    @Test("takes the endpoint and the drain deadline from the environment; 0 drains nothing")
    func environment() throws {
        var environment = Sandbox.passwordEnvironment
        environment["LDAP_MFA_PROXY__OPERATIONS__LISTEN"] = "0.0.0.0:9090"
        environment["LDAP_MFA_PROXY__OPERATIONS__DRAIN_TIMEOUT"] = "0"
        environment["LDAP_MFA_PROXY__LOG__AUDIT"] = "stdout"
        let configuration = try Sandbox().load(Sandbox.directory, environment: environment)
        #expect(configuration.operations.listen == ListenAddress(host: "0.0.0.0", port: 9090))
        #expect(configuration.operations.drainTimeout == .zero)
        #expect(configuration.log.audit == .standardOutput)
    }

    @Test("an empty endpoint address turns it off")
    func emptyIsOff() throws {
        let configuration = try Sandbox().load(Sandbox.directory + "\noperations:\n  listen: \"\"\n")
        #expect(configuration.operations.listen == nil)
    }

    @Test("names the key and the fix for each bad value")
    func problems() throws {
        let yaml = """
            \(Sandbox.directory)
            operations:
              listen: 127.0.0.1
              drain_timeout: 2h
            log:
              format: xml
              audit: /no/such/folder/audit.log
            """
        let problems = try Sandbox().problems(yaml)
        #expect(
            problems.map(\.keyPath) == [
                "log.format", "log.audit", "operations.listen", "operations.drain_timeout",
            ])
        #expect(problems.allSatisfy { !$0.fix.isEmpty })
        #expect(problems.first { $0.keyPath == "log.format" }?.fix.contains("json, text") == true)
    }

    @Test("a misspelt key in operations is reported with a suggestion")
    func unknownKey() throws {
        let problems = try Sandbox().problems(Sandbox.directory + "\noperations:\n  drain_timout: 5s\n")
        #expect(problems.map(\.keyPath) == ["operations.drain_timout"])
        #expect(problems.first.map { "\($0)" }?.contains("drain_timeout") == true)
    }
}
