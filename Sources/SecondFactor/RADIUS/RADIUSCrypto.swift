import Crypto

/// The shared-secret cryptography of RADIUS: User-Password hiding (RFC 2865 §5.2), the Response
/// Authenticator (RFC 2865 §3) and the Message-Authenticator (RFC 3579 §3.2).
///
/// MD5 is what the protocol specifies; it is used here only as RADIUS requires, never chosen.
enum RADIUSCrypto {
    /// The longest password User-Password can carry (RFC 2865 §5.2: "up to 128 octets").
    static let maximumPasswordLength = 128

    /// A Request Authenticator: 16 octets from the system CSPRNG (`SystemRandomNumberGenerator`,
    /// getrandom(2) on Linux), as RFC 2865 §3 asks ("unpredictable and unique").
    static func randomAuthenticator() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<RADIUSPacket.authenticatorLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// Hides a password (RFC 2865 §5.2): pad with NULs to a multiple of 16 (an empty password becomes 16
    /// NULs), then c(1) = p(1) xor MD5(S + RA), c(i) = p(i) xor MD5(S + c(i-1)).
    ///
    /// - Throws: `valueTooLong` for a password over 128 octets.
    static func hidePassword(
        _ password: [UInt8], secret: [UInt8], requestAuthenticator: [UInt8]
    ) throws(RADIUSError) -> [UInt8] {
        guard password.count <= maximumPasswordLength else {
            throw RADIUSError(.valueTooLong, "password of \(password.count) octets (max 128)")
        }
        let paddedLength = max(16, (password.count + 15) / 16 * 16)
        var hidden = password + [UInt8](repeating: 0, count: paddedLength - password.count)
        var previous = requestAuthenticator
        for start in stride(from: 0, to: paddedLength, by: 16) {
            let mask = Array(Insecure.MD5.hash(data: secret + previous))
            for index in 0..<16 { hidden[start + index] ^= mask[index] }
            previous = Array(hidden[start..<(start + 16)])
        }
        return hidden
    }

    /// Reverses ``hidePassword(_:secret:requestAuthenticator:)`` and strips the NUL padding (a server's view;
    /// used by tests). Returns nil for a value that is not a non-zero multiple of 16 octets.
    static func revealPassword(_ hidden: [UInt8], secret: [UInt8], requestAuthenticator: [UInt8]) -> [UInt8]? {
        guard !hidden.isEmpty, hidden.count % 16 == 0, hidden.count <= maximumPasswordLength else { return nil }
        var clear = hidden
        var previous = requestAuthenticator
        for start in stride(from: 0, to: hidden.count, by: 16) {
            let mask = Array(Insecure.MD5.hash(data: secret + previous))
            for index in 0..<16 { clear[start + index] ^= mask[index] }
            previous = Array(hidden[start..<(start + 16)])
        }
        while clear.last == 0 { clear.removeLast() }
        return clear
    }

    /// The Response Authenticator a server computes (RFC 2865 §3):
    /// MD5(Code + Identifier + Length + Request Authenticator + Attributes + Secret).
    ///
    /// - Parameter response: the response's wire bytes (its own Authenticator field is ignored).
    static func responseAuthenticator(
        of response: [UInt8], requestAuthenticator: [UInt8], secret: [UInt8]
    ) -> [UInt8] {
        var md5 = Insecure.MD5()
        md5.update(data: response.prefix(4))
        md5.update(data: requestAuthenticator)
        md5.update(data: response.dropFirst(RADIUSPacket.headerLength))
        md5.update(data: secret)
        return Array(md5.finalize())
    }

    /// The Message-Authenticator of a packet (RFC 3579 §3.2): HMAC-MD5 keyed with the secret over the
    /// whole packet with the attribute's value set to 16 zero octets and the Authenticator field set to
    /// `authenticator` (the Request Authenticator, for a request and for the responses to it).
    ///
    /// - Throws: what ``RADIUSPacket/encoded()`` throws.
    static func messageAuthenticator(
        of packet: RADIUSPacket, authenticator: [UInt8], secret: [UInt8]
    ) throws(RADIUSError) -> [UInt8] {
        var zeroed = packet
        zeroed.authenticator = authenticator
        for index in zeroed.attributes.indices where zeroed.attributes[index].type == .messageAuthenticator {
            zeroed.attributes[index].value = [UInt8](repeating: 0, count: 16)
        }
        let mac = HMAC<Insecure.MD5>.authenticationCode(for: try zeroed.encoded(), using: SymmetricKey(data: secret))
        return Array(mac)
    }

    /// Compares two digests without an early exit on the first differing octet.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
