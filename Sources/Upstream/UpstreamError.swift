/// Why an upstream operation did not produce a directory answer.
public struct UpstreamError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// TCP connect failed or timed out.
        case connectFailed
        /// TLS or StartTLS could not be established (includes certificate verification).
        case tlsFailed
        /// The connection closed with the operation outstanding.
        case connectionClosed
        /// No answer within the operation timeout.
        case timedOut
        /// The server sent something that is not valid LDAP.
        case protocolViolation
        /// No server is usable right now.
        case noServerAvailable
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// Whether the failure says something about the server's health (and so should quarantine it).
    public var isServerFailure: Bool {
        switch kind {
        case .connectFailed, .tlsFailed, .connectionClosed, .timedOut, .protocolViolation: true
        case .noServerAvailable: false
        }
    }
}
