/// Why a RADIUS packet could not be built or was not accepted as a response.
///
/// A struct wrapping a private code, so new codes never break callers; compare `code` against the
/// static members of ``RADIUSError/Code``. The detail text never contains a secret, a password or a
/// code: values are described by length and position only.
public struct RADIUSError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The class of failure, stable for callers that branch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case malformedPacket, valueTooLong, packetTooLong, unexpectedPacket
            case badAuthenticator, badMessageAuthenticator, missingMessageAuthenticator, invalidSettings
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The bytes are not a RADIUS packet (RFC 2865 §3, §5): short, bad lengths.
        public static let malformedPacket = Code(.malformedPacket)
        /// An attribute value longer than 253 octets, or a password longer than 128 (RFC 2865 §5, §5.2).
        public static let valueTooLong = Code(.valueTooLong)
        /// The packet would exceed the 4096-octet maximum (RFC 2865 §3).
        public static let packetTooLong = Code(.packetTooLong)
        /// A well-formed packet that is not the answer to our request (code or identifier).
        public static let unexpectedPacket = Code(.unexpectedPacket)
        /// The Response Authenticator does not match (RFC 2865 §3): forged, or a different secret.
        public static let badAuthenticator = Code(.badAuthenticator)
        /// The Message-Authenticator does not match (RFC 3579 §3.2).
        public static let badMessageAuthenticator = Code(.badMessageAuthenticator)
        /// A response without a Message-Authenticator: refused since BlastRADIUS (CVE-2024-3596).
        public static let missingMessageAuthenticator = Code(.missingMessageAuthenticator)
        /// ``RADIUSSettings`` that cannot work (no servers, empty secret, bad port or timeout).
        public static let invalidSettings = Code(.invalidSettings)

        public var description: String {
            switch base {
            case .malformedPacket: "malformed packet"
            case .valueTooLong: "value too long"
            case .packetTooLong: "packet too long"
            case .unexpectedPacket: "unexpected packet"
            case .badAuthenticator: "bad Response Authenticator"
            case .badMessageAuthenticator: "bad Message-Authenticator"
            case .missingMessageAuthenticator: "no Message-Authenticator"
            case .invalidSettings: "invalid RADIUS settings"
            }
        }
    }

    /// What went wrong, for branching.
    public let code: Code
    /// Details for humans (lengths, offsets, attribute types; never a value).
    public let detail: String

    init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { detail.isEmpty ? "\(code)" : "\(code): \(detail)" }
}
