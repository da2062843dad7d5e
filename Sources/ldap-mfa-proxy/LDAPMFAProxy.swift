import App
import ArgumentParser
import Foundation
import LDAPCore
import Logging
import NIOCore
import ProxyConfig
import QRCode
import SecondFactor
import UserStore

/// The executable: argument parsing only; the work is in the App target.
@main
struct LDAPMFAProxy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ldap-mfa-proxy",
        abstract: "An LDAP proxy that requires a second factor for every bind.",
        subcommands: [
            Serve.self, CheckConfig.self, Test.self, Users.self, Sync.self, HealthCheck.self, Version.self,
        ],
        defaultSubcommand: Serve.self)
}

struct ConfigOption: ParsableArguments {
    @Option(name: .shortAndLong, help: "The YAML configuration file.")
    var config: String = "ldap-mfa-proxy.yaml"

    /// Loads the configuration, or prints every problem and exits with status 1.
    func load() throws -> ProxyConfiguration {
        do {
            return try ProxyConfiguration.load(path: config)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the proxy.")
    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load()
        let audit = try ProxyApplication.bootstrapLogging(configuration)
        let logger = Logger(label: "ldap-mfa-proxy")
        for warning in configuration.warnings { logger.warning("\(warning)") }
        try await ProxyApplication(
            configurationPath: options.config, configuration: configuration, logger: logger, audit: audit
        ).run()
    }
}

struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "Validate a configuration file and print every problem with its key.")
    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load()
        for warning in configuration.warnings { print("warning: \(warning)") }
        print("\(options.config): configuration is valid")
        for (index, server) in configuration.directory.servers.enumerated() {
            print("  server \(index + 1)\(index == 0 ? " (primary)" : " (backup)"): \(server)")
        }
    }
}

struct Test: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bind to each directory server with each configured bind type and report what works.")
    @OptionGroup var options: ConfigOption
    @Option(help: "A user DN to test an authentication bind with.") var user: String?
    @Option(name: .customLong("password-file"), help: "A file holding that user's password.") var passwordFile: String?

    func run() async throws {
        let configuration = try options.load()
        var bind: BindRequest?
        if let user {
            guard let passwordFile, let password = FileManager.default.contents(atPath: passwordFile) else {
                throw ValidationError("--user needs --password-file with a readable file")
            }
            var bytes = [UInt8](password)
            if bytes.last == 0x0A { bytes.removeLast() }
            bind = BindRequest(name: user, authentication: .simple(SensitiveBytes(ByteBuffer(bytes: bytes))))
        }
        let verdicts = await DirectoryTester(configuration: configuration).run(user: bind)
        for verdict in verdicts {
            print("\(verdict.ok ? "OK  " : "FAIL") \(verdict.server) \(verdict.role): \(verdict.detail)")
        }
        // The verdicts are out; end without running library destructors. MIT Kerberos destroys its
        // mutexes at exit while an event-loop thread may still be releasing a GSS context of a closed
        // connection, which aborts the process (k5_mutex_lock: Invalid argument; seen under TSan).
        fflush(nil)
        _exit(verdicts.contains(where: { !$0.ok }) ? 1 : 0)
    }
}

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")
    func run() { print("ldap-mfa-proxy \(ProxyVersion.current)") }
}
