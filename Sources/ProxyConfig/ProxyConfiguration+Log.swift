extension ProxyConfiguration {
    /// `log`: what the proxy logs.
    public struct Log: Sendable, Equatable {
        /// `log.level`: the lowest level written. Default info.
        public var level: Level

        /// Log levels, named as swift-log names them.
        public enum Level: String, Sendable, Hashable, CaseIterable {
            case trace, debug, info, notice, warning, error, critical
        }

        /// Reads `log`.
        static func decode(_ section: ConfigReader.Section, _ reader: ConfigReader) -> Self {
            Self(level: reader.choice("level", in: section) ?? .info)
        }
    }
}
