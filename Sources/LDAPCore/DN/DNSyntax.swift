/// Byte classes and small helpers shared by the DN parser, encoder and normaliser (RFC 4514 §3, RFC 4512 §1.4).
enum DNSyntax {
    static let nul: UInt8 = 0x00
    static let space = UInt8(ascii: " ")
    static let quote = UInt8(ascii: "\"")
    static let sharp = UInt8(ascii: "#")
    static let plus = UInt8(ascii: "+")
    static let comma = UInt8(ascii: ",")
    static let hyphen = UInt8(ascii: "-")
    static let dot = UInt8(ascii: ".")
    static let semicolon = UInt8(ascii: ";")
    static let lessThan = UInt8(ascii: "<")
    static let equals = UInt8(ascii: "=")
    static let greaterThan = UInt8(ascii: ">")
    static let backslash = UInt8(ascii: "\\")

    /// `,` and `+`, and `;`, which RFC 2253 §4 allowed in place of `,` and which RFC 4514 §3 no longer produces.
    static func isSeparator(_ byte: UInt8) -> Bool {
        byte == comma || byte == plus || byte == semicolon
    }

    /// `special` of RFC 4514 §3 and the backslash itself: the characters a backslash may escape.
    static func isEscapable(_ byte: UInt8) -> Bool {
        switch byte {
        case quote, plus, comma, semicolon, lessThan, greaterThan, backslash, space, sharp, equals: true
        default: false
        }
    }

    /// The characters RFC 4514 §2.4 requires to be escaped wherever they appear in a value.
    static func mustEscape(_ byte: UInt8) -> Bool {
        switch byte {
        case quote, plus, comma, semicolon, lessThan, greaterThan, backslash: true
        default: false
        }
    }

    static func isAlpha(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// Bytes that may appear in an attribute type: a descriptor's `ALPHA / DIGIT / HYPHEN` and a numeric OID's `.`.
    static func isAttributeTypeByte(_ byte: UInt8) -> Bool {
        isAlpha(byte) || isDigit(byte) || byte == hyphen || byte == dot
    }

    /// The value of a hex digit (`HEX` of RFC 4512 §1.4, either case), or nil.
    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Appends the two upper-case hex digits of `byte`.
    static func appendHex(_ byte: UInt8, to output: inout [UInt8]) {
        let digits: StaticString = "0123456789ABCDEF"
        digits.withUTF8Buffer { table in
            output.append(table[Int(byte >> 4)])
            output.append(table[Int(byte & 0x0F)])
        }
    }

    static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 0x20 : byte
    }

    /// `descr = keystring` (RFC 4512 §1.4): a letter, then letters, digits and hyphens.
    static func isDescriptor(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard let first = bytes.first, isAlpha(first) else { return false }
        return bytes.allSatisfy { isAlpha($0) || isDigit($0) || $0 == hyphen }
    }

    /// `numericoid = number 1*( DOT number )` (RFC 4512 §1.4), where a number has no leading zero.
    static func isNumericOID(_ bytes: ArraySlice<UInt8>) -> Bool {
        var arcs = 0
        var arcLength = 0
        var arcStartsWithZero = false
        for byte in bytes {
            if byte == dot {
                guard arcLength > 0 else { return false }
                arcs += 1
                arcLength = 0
            } else if isDigit(byte) {
                if arcLength == 0 {
                    arcStartsWithZero = byte == UInt8(ascii: "0")
                } else if arcStartsWithZero {
                    return false
                }
                arcLength += 1
            } else {
                return false
            }
        }
        return arcLength > 0 && arcs >= 1
    }

    /// The string for `bytes` if they are well-formed UTF-8 (no overlong forms, surrogates or values past
    /// U+10FFFF), or nil. Unlike `String(decoding:as:)`, never substitutes U+FFFD.
    static func validUTF8String(_ bytes: [UInt8]) -> String? {
        var iterator = bytes.makeIterator()
        var decoder = Unicode.UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return String(decoding: bytes, as: UTF8.self)
            case .error: return nil
            }
        }
    }
}
