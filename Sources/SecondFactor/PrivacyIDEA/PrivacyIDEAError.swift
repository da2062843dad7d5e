/// Why the privacyIDEA provider could not be set up, or could not get an answer from the server.
///
/// A struct wrapping a private code, so new codes never break callers; compare `code` with the
/// static members of `Code`. The message is for humans and never contains a one-time code or a
/// password: request bodies are never quoted.
public struct PrivacyIDEAError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The broad class of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidSettings = "invalid settings"
            case unreachable = "unreachable"
            case timedOut = "timed out"
            case tls = "TLS failure"
            case badResponse = "bad response"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The settings cannot work: a malformed URL, an unreadable CA file, a duration that is not positive.
        public static let invalidSettings = Code(.invalidSettings)
        /// No connection, or the connection broke (refused, reset, unknown host).
        public static let unreachable = Code(.unreachable)
        /// No complete answer within `requestTimeout`.
        public static let timedOut = Code(.timedOut)
        /// The TLS handshake failed, e.g. the certificate is not signed by a trusted CA or names another host.
        public static let tls = Code(.tls)
        /// The server answered with something that is not a privacyIDEA JSON response.
        public static let badResponse = Code(.badResponse)

        public var description: String { base.rawValue }
    }

    /// The broad class of failure, stable for callers that branch on it.
    public let code: Code
    /// What happened, for logs and audit events.
    public let message: String

    init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "privacyIDEA \(code): \(message)" }
}
