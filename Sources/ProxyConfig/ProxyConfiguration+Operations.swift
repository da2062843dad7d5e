extension ProxyConfiguration {
    /// `operations`: the operations endpoint (`/metrics`, `/healthz`, `/readyz`) and the shutdown drain.
    public struct Operations: Sendable, Equatable {
        /// `operations.listen`: the HTTP endpoint's address; `nil` (the default) turns it off.
        ///
        /// Off by default: an extra listening port is something to ask for, and several instances on one host
        /// (tests, a templated systemd unit) would otherwise collide on one fixed port. The container image, the
        /// compose file, the Kubernetes manifests and the systemd unit all set it.
        public var listen: ListenAddress?
        /// `operations.drain_timeout`: how long SIGTERM lets binds in flight finish before the process exits.
        /// Default 30s; 0 exits at once.
        public var drainTimeout: Duration

        /// Every key at its default.
        public static let defaults = Operations(listen: nil, drainTimeout: defaultDrainTimeout)

        /// The default of `operations.drain_timeout`.
        public static let defaultDrainTimeout: Duration = .seconds(30)

        /// Reads and checks `operations`.
        static func decode(_ section: ConfigReader.Section, _ reader: ConfigReader) -> Self {
            Self(
                listen: address("listen", in: section, reader),
                drainTimeout: reader.duration("drain_timeout", in: section, minimum: .zero, maximum: .seconds(3600))
                    ?? defaultDrainTimeout)
        }

        /// A `host:port`; absent or empty is off.
        private static func address(_ key: String, in section: ConfigReader.Section, _ reader: ConfigReader)
            -> ListenAddress?
        {
            guard let written = reader.node(key, in: section), !written.isNull else { return nil }
            guard let (text, node) = reader.scalar(key, in: section, expected: "host:port") else { return nil }
            let trimmed = text.trimmingSpaces
            guard !trimmed.isEmpty else { return nil }
            let fix = "write host:port such as 127.0.0.1:9090 or 0.0.0.0:9090, or \"\" to turn the endpoint off"
            switch HostPort.split(trimmed) {
            case .failure(let error):
                reader.problem(section.path(key), error.message, fix: fix, at: node)
            case .success((_, nil)):
                reader.problem(section.path(key), "'\(text)' has no port", fix: fix, at: node)
            case .success((let host, let port?)):
                return ListenAddress(host: host, port: port)
            }
            return nil
        }
    }
}
