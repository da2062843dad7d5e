/// Base32 with the standard alphabet `A-Z2-7` (RFC 4648 §6), the encoding of TOTP secrets in
/// `otpauth://` URIs and in authenticator apps.
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Encodes `bytes`; with `padding` the output is a multiple of 8 characters ending in `=` as needed
    /// (RFC 4648 §6), without it the `=` are left off (as `otpauth://` URIs want).
    public static func encode(_ bytes: [UInt8], padding: Bool = true) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 4) / 5 * 8)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(alphabet[Int(buffer >> UInt32(bits) & 0x1F)])
            }
        }
        if bits > 0 { output.append(alphabet[Int(buffer << UInt32(5 - bits) & 0x1F)]) }
        if padding {
            while output.count % 8 != 0 { output.append(UInt8(ascii: "=")) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes base32 as people type it: lowercase is accepted, spaces, tabs, newlines and hyphens
    /// (common group separators) are ignored, and trailing `=` padding may be absent.
    ///
    /// Throws `SecondFactorError` (`.invalidBase32`) for a character outside the alphabet, padding
    /// that is not at the end, or a length no encoder produces (RFC 4648 §6: 1, 3 or 6 characters in
    /// the final group). The error gives the position, never the character or the input.
    public static func decode(_ string: String) throws(SecondFactorError) -> [UInt8] {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        var symbols = 0
        var sawPadding = false
        for (position, character) in string.utf8.enumerated() {
            switch character {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "-"):
                continue
            case UInt8(ascii: "="):
                sawPadding = true
                continue
            default:
                break
            }
            guard !sawPadding else {
                throw SecondFactorError(.invalidBase32, "data after padding at position \(position + 1)")
            }
            guard let value = value(of: character) else {
                throw SecondFactorError(.invalidBase32, "character at position \(position + 1) is not in A-Z, 2-7")
            }
            buffer = buffer << 5 | UInt32(value)
            bits += 5
            symbols += 1
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        guard ![1, 3, 6].contains(symbols % 8) else {
            throw SecondFactorError(.invalidBase32, "\(symbols) characters is not a valid base32 length")
        }
        return output
    }

    private static func value(of character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a")
        case UInt8(ascii: "2")...UInt8(ascii: "7"): character - UInt8(ascii: "2") + 26
        default: nil
        }
    }
}
