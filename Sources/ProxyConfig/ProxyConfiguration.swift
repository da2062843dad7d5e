import Foundation

/// The proxy's whole configuration: typed, defaulted and validated, read from one YAML file.
///
/// Get one with ``load(path:environment:)`` (or ``parse(yaml:baseDirectory:environment:)``). Loading collects every
/// problem before failing, so `check-config` can show them all at once, each with its key path and a fix; the
/// reference for every key and its default is `Config/README.md`.
///
/// The environment overrides the file: `LDAP_MFA_PROXY_BIND_PASSWORD` and `LDAP_MFA_PROXY_STORE_KEY` supply the
/// secrets, and `LDAP_MFA_PROXY__SECTION__KEY=value` (double underscores between path segments, any case) sets any
/// scalar key before validation, e.g. `LDAP_MFA_PROXY__LISTEN__LDAP=0.0.0.0:389`.
public struct ProxyConfiguration: Sendable, Equatable {
    /// Where clients connect: ports, TLS and connection limits (`listen`).
    public var listen: Listen
    /// The directory behind the proxy: servers, bind types, service account, timeouts (`directory`).
    public var directory: Directory
    /// The second factor and how the code travels in the password (`mfa`).
    public var mfa: MFA
    /// The embedded user store and its encryption key (`store`).
    public var store: Store
    /// Logging (`log`).
    public var log: Log
    /// Directory synchronisation (`sync`, and the attributes and filters of `directory`).
    public var sync: Sync = .defaults
    /// The operations endpoint and the shutdown drain (`operations`).
    public var operations: Operations = .defaults
    /// Non-fatal notes, such as a setting that weakens security; `check-config` prints them.
    public var warnings: [ConfigProblem]

    /// Reads and validates the YAML file at `path`. Relative paths in it are taken from the file's folder.
    ///
    /// - Parameter environment: overrides and secrets (see the type's documentation); the process's by default.
    /// - Throws: ``ConfigError`` with every problem found, when the file cannot be read or is not valid.
    public static func load(
        path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> ProxyConfiguration {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ConfigError(problems: [
                ConfigProblem(
                    keyPath: "",
                    message: "cannot read the configuration file '\(url.path)': \(FileReading.reason(for: url.path))",
                    fix: "check the path given with --config and that this user may read the file")
            ])
        }
        guard let yaml = String(data: data, encoding: .utf8) else {
            throw ConfigError(problems: [
                ConfigProblem(
                    keyPath: "", message: "the configuration file '\(url.path)' is not UTF-8 text",
                    fix: "save the file as UTF-8")
            ])
        }
        return try parse(yaml: yaml, baseDirectory: url.deletingLastPathComponent().path, environment: environment)
    }

    /// Validates a configuration given as YAML text.
    ///
    /// - Parameters:
    ///   - yaml: the configuration, as the file would hold it.
    ///   - baseDirectory: the folder relative paths in the configuration are taken from.
    ///   - environment: overrides and secrets (see the type's documentation).
    /// - Throws: ``ConfigError`` with every problem found.
    public static func parse(
        yaml: String,
        baseDirectory: String,
        environment: [String: String]
    ) throws(ConfigError) -> ProxyConfiguration {
        var root = try ConfigNode.compose(yaml: yaml)
        let reader = ConfigReader(baseDirectory: baseDirectory, environment: environment)
        EnvironmentOverrides.apply(environment, to: &root, reader: reader)
        let section = reader.root(root)
        let configuration = ProxyConfiguration(
            listen: Listen.decode(reader.section("listen", in: section), reader),
            directory: Directory.decode(reader.section("directory", in: section), reader),
            mfa: MFA.decode(reader.section("mfa", in: section), reader),
            store: Store.decode(reader.section("store", in: section), reader),
            log: Log.decode(reader.section("log", in: section), reader),
            sync: Sync.decode(section, reader),
            operations: Operations.decode(reader.section("operations", in: section), reader),
            warnings: [])
        reader.reportUnknownKeys()
        guard reader.problems.isEmpty else {
            throw ConfigError(problems: reader.problems, warnings: reader.warnings)
        }
        var result = configuration
        result.warnings = reader.warnings
        return result
    }
}
