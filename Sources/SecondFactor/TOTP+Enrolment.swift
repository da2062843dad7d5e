/// Making a new TOTP enrolment: a random secret and the `otpauth://` URI an authenticator app scans.
extension TOTP {
    /// A fresh secret from the system CSPRNG (`SystemRandomNumberGenerator`: getrandom(2) on Linux).
    /// RFC 4226 §4 requires at least 128 bits and recommends 160, the default of 20 bytes.
    public static func generateSecret(byteCount: Int = 20) -> [UInt8] {
        precondition(byteCount >= 16, "RFC 4226 §4 requires a secret of at least 128 bits")
        var generator = SystemRandomNumberGenerator()
        return (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// The key URI for `secret`, in the format authenticator apps read from a QR code:
    /// `otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30`.
    ///
    /// The secret is base32 (RFC 4648 §6) without padding. Issuer and account are percent-encoded as
    /// UTF-8 (RFC 3986 §2.1): in the label everything but unreserved characters and `@` is encoded
    /// (so a `:` inside either part cannot be mistaken for the separator), in the query everything but
    /// unreserved characters. The URI contains the secret: show it to the user, never log it.
    public static func otpauthURI(
        secret: [UInt8], account: String, issuer: String = "ldap-mfa-proxy", parameters: TOTPParameters = .standard
    ) -> String {
        let label = percentEncoded(issuer, keeping: "@") + ":" + percentEncoded(account, keeping: "@")
        let query = [
            ("secret", Base32.encode(secret, padding: false)),
            ("issuer", issuer),
            ("algorithm", parameters.algorithm.rawValue),
            ("digits", String(parameters.digits)),
            ("period", String(parameters.period)),
        ]
        .map { name, value in name + "=" + percentEncoded(value, keeping: "") }
        .joined(separator: "&")
        return "otpauth://totp/" + label + "?" + query
    }

    /// Percent-encodes every UTF-8 byte except RFC 3986 §2.3 unreserved characters and `extra`.
    static func percentEncoded(_ string: String, keeping extra: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        let kept = Set(extra.utf8)
        var output: [UInt8] = []
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.append(byte)
            case _ where kept.contains(byte):
                output.append(byte)
            default:
                output += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
