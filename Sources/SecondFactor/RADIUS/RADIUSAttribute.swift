/// The Type field of a RADIUS attribute (RFC 2865 §5; RFC 3579 §3.2 for Message-Authenticator).
struct RADIUSAttributeType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    var rawValue: UInt8
    init(rawValue: UInt8) { self.rawValue = rawValue }

    /// RFC 2865 §5.1.
    static let userName = RADIUSAttributeType(rawValue: 1)
    /// RFC 2865 §5.2: hidden with the shared secret, see ``RADIUSCrypto/hidePassword(_:secret:requestAuthenticator:)``.
    static let userPassword = RADIUSAttributeType(rawValue: 2)
    /// RFC 2865 §5.4.
    static let nasIPAddress = RADIUSAttributeType(rawValue: 4)
    /// RFC 2865 §5.5.
    static let nasPort = RADIUSAttributeType(rawValue: 5)
    /// RFC 2865 §5.6.
    static let serviceType = RADIUSAttributeType(rawValue: 6)
    /// RFC 2865 §5.14.
    static let loginIPHost = RADIUSAttributeType(rawValue: 14)
    /// RFC 2865 §5.15.
    static let loginService = RADIUSAttributeType(rawValue: 15)
    /// RFC 2865 §5.18: text for the user; may appear several times.
    static let replyMessage = RADIUSAttributeType(rawValue: 18)
    /// RFC 2865 §5.24: sent in an Access-Challenge, echoed unmodified in the next Access-Request.
    static let state = RADIUSAttributeType(rawValue: 24)
    /// RFC 2865 §5.31.
    static let callingStationId = RADIUSAttributeType(rawValue: 31)
    /// RFC 2865 §5.32.
    static let nasIdentifier = RADIUSAttributeType(rawValue: 32)
    /// RFC 3579 §3.2: HMAC-MD5 over the whole packet.
    static let messageAuthenticator = RADIUSAttributeType(rawValue: 80)

    var description: String { "attribute \(rawValue)" }
}

/// One attribute: type, and a value of at most 253 octets (RFC 2865 §5: Length counts the 2-octet
/// header and is at most 255).
///
/// The value is kept as raw octets; a User-Password value is already hidden. `description` never
/// shows values, so a packet can be logged without leaking a password or a State.
struct RADIUSAttribute: Hashable, Sendable, CustomStringConvertible {
    /// The longest value an attribute can carry (RFC 2865 §5).
    static let maximumValueLength = 253

    var type: RADIUSAttributeType
    var value: [UInt8]

    init(_ type: RADIUSAttributeType, _ value: [UInt8]) {
        self.type = type
        self.value = value
    }

    /// A text attribute (RFC 2865 §5: "text" is UTF-8).
    init(_ type: RADIUSAttributeType, text: String) {
        self.init(type, Array(text.utf8))
    }

    var description: String { "\(type) (\(value.count) octets)" }
}
