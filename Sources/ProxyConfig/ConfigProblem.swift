/// One thing wrong (or worth a note) in a configuration: where, what, and how to fix it.
///
/// ``keyPath`` names the setting the way the YAML file nests it, with list items by index from 0:
/// `directory.servers[1]`, `listen.tls.certificate`. It is empty for problems with the file as a whole,
/// such as a YAML syntax error (whose ``message`` then gives the line and column).
public struct ConfigProblem: Sendable, Hashable, CustomStringConvertible {
    /// The setting, such as `directory.servers[1]`; empty for the file as a whole.
    public var keyPath: String
    /// What is wrong, for people; no trailing period.
    public var message: String
    /// How to fix it, for people; no trailing period.
    public var fix: String

    /// A problem at `keyPath`.
    public init(keyPath: String, message: String, fix: String) {
        self.keyPath = keyPath
        self.message = message
        self.fix = fix
    }

    /// `directory.servers[1]: <message>. Fix: <fix>`; without the key path when it is empty.
    public var description: String {
        let text = "\(message). Fix: \(fix)"
        return keyPath.isEmpty ? text : "\(keyPath): \(text)"
    }
}

/// Why a configuration could not be loaded: every problem found, not only the first.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems that stop the configuration from loading, in the order they were found; never empty.
    public var problems: [ConfigProblem]
    /// Non-fatal notes found on the way, so that `check-config` can show them too.
    public var warnings: [ConfigProblem]

    /// An error holding `problems` (and any `warnings` found with them).
    public init(problems: [ConfigProblem], warnings: [ConfigProblem] = []) {
        self.problems = problems
        self.warnings = warnings
    }

    /// One problem per line, as ``ConfigProblem/description`` writes it.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
