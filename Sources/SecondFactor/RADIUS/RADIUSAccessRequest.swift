/// The content of one Access-Request (RFC 2865 §4.1) before it is sealed with the shared secret.
///
/// The password is in the clear here; ``sealed(identifier:authenticator:secret:)`` hides it. It is
/// redacted from `description`, `debugDescription` and `dump()`.
struct RADIUSAccessRequest: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// User-Name (RFC 2865 §5.1).
    var userName: String
    /// The clear-text User-Password (RFC 2865 §5.2): the code, or the password and the code.
    var password: [UInt8]
    /// NAS-Identifier (RFC 2865 §5.32): every Access-Request needs it or NAS-IP-Address (§4.1).
    var nasIdentifier: String
    /// Calling-Station-Id (RFC 2865 §5.31): the LDAP client's address, when known.
    var callingStationId: String?
    /// State (RFC 2865 §5.24) from the Access-Challenge this request answers, echoed unmodified.
    var state: [UInt8]?

    /// Builds the wire form: Message-Authenticator FIRST (the BlastRADIUS mitigation:
    /// draft-ietf-radext-deprecating-radius; an attacker cannot prepend to the HMAC'd packet), then
    /// User-Name, User-Password (hidden, RFC 2865 §5.2), NAS-Identifier, Calling-Station-Id and State;
    /// then fills in the Message-Authenticator (RFC 3579 §3.2).
    ///
    /// - Throws: `valueTooLong` for a password over 128 octets or a value over 253.
    func sealed(identifier: UInt8, authenticator: [UInt8], secret: [UInt8]) throws(RADIUSError) -> RADIUSSealedRequest {
        let hidden = try RADIUSCrypto.hidePassword(password, secret: secret, requestAuthenticator: authenticator)
        var attributes = [
            RADIUSAttribute(.messageAuthenticator, [UInt8](repeating: 0, count: 16)),
            RADIUSAttribute(.userName, text: userName),
            RADIUSAttribute(.userPassword, hidden),
            RADIUSAttribute(.nasIdentifier, text: nasIdentifier),
        ]
        if let callingStationId {
            attributes.append(RADIUSAttribute(.callingStationId, text: callingStationId))
        }
        if let state {
            attributes.append(RADIUSAttribute(.state, state))
        }
        var packet = RADIUSPacket(
            code: .accessRequest, identifier: identifier, authenticator: authenticator, attributes: attributes)
        packet.attributes[0].value = try RADIUSCrypto.messageAuthenticator(
            of: packet, authenticator: authenticator, secret: secret)
        return RADIUSSealedRequest(identifier: identifier, authenticator: authenticator, bytes: try packet.encoded())
    }

    var description: String {
        "RADIUSAccessRequest(userName: \(userName), password: <redacted>, nasIdentifier: \(nasIdentifier), "
            + "callingStationId: \(callingStationId ?? "-"), state: \(state.map { "\($0.count) octets" } ?? "-"))"
    }

    var debugDescription: String { description }

    var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "userName": userName, "password": "<redacted>", "nasIdentifier": nasIdentifier,
                "callingStationId": callingStationId as Any, "state": state as Any,
            ],
            displayStyle: .struct)
    }
}

/// An Access-Request ready to send, and what its response must match (RFC 2865 §3): the same bytes
/// are sent on every retransmission, with the same Identifier and Request Authenticator (§2.5).
struct RADIUSSealedRequest: Sendable {
    var identifier: UInt8
    var authenticator: [UInt8]
    var bytes: [UInt8]
}
