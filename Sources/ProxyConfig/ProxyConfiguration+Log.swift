extension ProxyConfiguration {
    /// `log`: what the proxy logs, in which form, and where the audit events go.
    public struct Log: Sendable, Equatable {
        /// `log.level`: the lowest level written. Default info.
        public var level: Level
        /// `log.format`: JSON lines (default) or swift-log's text lines.
        public var format: Format = .json
        /// `log.audit`: where the audit events (one per bind decision) go. Default standard output.
        public var audit: AuditDestination = .standardOutput

        /// Log levels, named as swift-log names them.
        public enum Level: String, Sendable, Hashable, CaseIterable {
            case trace, debug, info, notice, warning, error, critical
        }

        /// The form of a log line.
        public enum Format: String, Sendable, Hashable, CaseIterable {
            /// One JSON object per line, metadata as top-level fields (for log collectors).
            case json
            /// swift-log's `time level label: key=value message` lines (for people reading a terminal).
            case text
        }

        /// The audit stream's destination.
        public enum AuditDestination: Sendable, Hashable {
            /// Standard output, mixed with the other logs; every audit line carries `stream=audit`.
            case standardOutput
            /// An append-only file of JSON lines (absolute path), created with mode 0600.
            case file(String)
        }

        /// The word that selects standard output for `log.audit`.
        public static let standardOutputName = "stdout"

        /// Reads `log`.
        static func decode(_ section: ConfigReader.Section, _ reader: ConfigReader) -> Self {
            Self(
                level: reader.choice("level", in: section) ?? .info,
                format: reader.choice("format", in: section) ?? .json,
                audit: audit(in: section, reader))
        }

        private static func audit(in section: ConfigReader.Section, _ reader: ConfigReader) -> AuditDestination {
            guard let (text, _) = reader.scalar("audit", in: section, expected: "stdout or a file path") else {
                return .standardOutput
            }
            let trimmed = text.trimmingSpaces
            if trimmed.isEmpty || trimmed.lowercased() == standardOutputName { return .standardOutput }
            guard let path = reader.filePath("audit", in: section, mustBeReadable: false) else {
                return .standardOutput
            }
            if !FileReading.parentFolderExists(of: path) {
                reader.problem(
                    section.path("audit"), "the folder of '\(path)' does not exist",
                    fix: "create the folder, choose a path in an existing one, or write stdout",
                    at: reader.node("audit", in: section))
            }
            return .file(path)
        }
    }
}
