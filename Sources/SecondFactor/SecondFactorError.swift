/// Why a second-factor input is invalid: TOTP parameters out of range or a malformed base32 secret.
///
/// A struct with a stable `kind`, so new kinds never break callers. The message never contains a
/// secret: a bad base32 character is reported by position, never by value.
public struct SecondFactorError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The broad class of failure, stable for callers that branch on it.
    public enum Kind: Hashable, Sendable {
        /// A TOTP parameter (digits, period, window) is outside the range this implementation allows.
        case invalidParameters
        /// A string is not valid base32 (RFC 4648 §6).
        case invalidBase32
    }

    public let kind: Kind
    public let message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String {
        switch kind {
        case .invalidParameters: "invalid TOTP parameters: \(message)"
        case .invalidBase32: "invalid base32 secret: \(message)"
        }
    }
}
