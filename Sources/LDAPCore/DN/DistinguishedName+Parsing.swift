extension DistinguishedName {
    /// Parses the string form of a DN (RFC 4514 §3); the empty string, or only spaces, is the root DN.
    ///
    /// Accepted beyond the strict grammar, as common implementations do: spaces around `,`, `+`, `;` and `=` and
    /// around the whole string (RFC 2253 §4 leniency; unescaped leading and trailing spaces of a value are dropped,
    /// escaped ones kept), `;` as an RDN separator (RFC 2253 §4), an `OID.` prefix on a numeric OID (RFC 1779 §2.3).
    /// Values may use `\` with a special character or two hex digits (RFC 4514 §2.4, §3); the decoded bytes must be
    /// UTF-8. A value starting with `#` is a hex string holding a BER encoding, kept as raw bytes.
    ///
    /// Rejected with a ``DNParseError`` that gives the byte offset: a missing `=`, an empty or malformed attribute
    /// type, a bad or cut-short escape, bad hex, an unescaped `"`, `<`, `>` or NUL in a value (RFC 4514 §3 `string`),
    /// a value that is not UTF-8, and a trailing separator. Quoted values (RFC 1779) are not accepted.
    ///
    /// Work is linear in the length of the input.
    public init(parsing string: String) throws(DNParseError) {
        var parser = DNParser(Array(string.utf8))
        self.init(rdns: try parser.parseDistinguishedName())
    }

    /// Parses a DN from UTF-8 bytes, such as an `LDAPDN` from a PDU (RFC 4511 §4.1.3), as ``init(parsing:)`` does.
    /// Bytes that are not UTF-8 are rejected with ``DNParseError/Kind/invalidUTF8``.
    public init(parsingUTF8 bytes: some Sequence<UInt8>) throws(DNParseError) {
        var parser = DNParser(Array(bytes))
        self.init(rdns: try parser.parseDistinguishedName())
    }
}

/// A single-pass parser over the UTF-8 bytes of an RFC 4514 §3 string.
///
/// Every step consumes at least one byte or throws, so the work is linear in the input; indices are only compared
/// against `bytes.count` before use, so no input can trap it.
struct DNParser {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// `distinguishedName = [ relativeDistinguishedName *( COMMA relativeDistinguishedName ) ]`
    mutating func parseDistinguishedName() throws(DNParseError) -> [RelativeDistinguishedName] {
        skipSpaces()
        guard index < bytes.count else { return [] }
        var rdns: [RelativeDistinguishedName] = []
        var attributes: [AttributeTypeAndValue] = []
        while true {
            attributes.append(try parseAttributeTypeAndValue())
            // An attribute value ends only at the end of the input or at a separator.
            guard index < bytes.count else { break }
            let separator = bytes[index]
            let separatorOffset = index
            index += 1
            if separator != DNSyntax.plus {
                rdns.append(RelativeDistinguishedName(nonEmpty: attributes))
                attributes = []
            }
            skipSpaces()
            guard index < bytes.count else { throw .trailingSeparator(separator, at: separatorOffset) }
        }
        rdns.append(RelativeDistinguishedName(nonEmpty: attributes))
        return rdns
    }

    /// `attributeTypeAndValue = attributeType EQUALS attributeValue`, with spaces allowed around `=`.
    private mutating func parseAttributeTypeAndValue() throws(DNParseError) -> AttributeTypeAndValue {
        skipSpaces()
        let type = try parseAttributeType()
        skipSpaces()
        guard index < bytes.count, bytes[index] == DNSyntax.equals else {
            throw .missingEquals(at: index, after: type)
        }
        index += 1
        skipSpaces()
        if index < bytes.count, bytes[index] == DNSyntax.sharp {
            return AttributeTypeAndValue(type: type, value: .berEncoded(try parseHexString()))
        }
        return AttributeTypeAndValue(type: type, value: .string(try parseString()))
    }

    /// `attributeType = descr / numericoid` (RFC 4514 §3, RFC 4512 §1.4), with an optional `OID.` prefix removed.
    private mutating func parseAttributeType() throws(DNParseError) -> String {
        let start = index
        while index < bytes.count, DNSyntax.isAttributeTypeByte(bytes[index]) {
            index += 1
        }
        if index < bytes.count {
            let next = bytes[index]
            if next != DNSyntax.space, next != DNSyntax.equals, !DNSyntax.isSeparator(next) {
                throw .unexpectedCharacterInAttributeType(next, at: index)
            }
        }
        guard index > start else { throw .emptyAttributeType(at: start) }
        var token = bytes[start..<index]
        if token.count > 4, token.prefix(4).map(DNSyntax.asciiLowercased).elementsEqual("oid.".utf8) {
            token = token.dropFirst(4)
            guard DNSyntax.isNumericOID(token) else {
                throw .invalidAttributeType(String(decoding: bytes[start..<index], as: UTF8.self), at: start)
            }
        }
        let type = String(decoding: token, as: UTF8.self)
        guard DNSyntax.isDescriptor(token) || DNSyntax.isNumericOID(token) else {
            throw .invalidAttributeType(type, at: start)
        }
        return type
    }

    /// `hexstring = SHARP 1*hexpair` (RFC 4514 §3), followed by optional spaces and a separator or the end.
    private mutating func parseHexString() throws(DNParseError) -> [UInt8] {
        index += 1  // the '#'
        var value: [UInt8] = []
        while index < bytes.count, let high = DNSyntax.hexValue(bytes[index]) {
            guard index + 1 < bytes.count, let low = DNSyntax.hexValue(bytes[index + 1]) else {
                throw .invalidHexString(at: index + 1, "hex digits must come in pairs")
            }
            value.append(high << 4 | low)
            index += 2
        }
        guard !value.isEmpty else { throw .invalidHexString(at: index, "expected hex digits after '#'") }
        skipSpaces()
        if index < bytes.count, !DNSyntax.isSeparator(bytes[index]) {
            throw .invalidHexString(at: index, "expected a hex digit, a separator or the end")
        }
        return value
    }

    /// `string` (RFC 4514 §3): characters and escapes up to a separator or the end. Unescaped trailing spaces are
    /// dropped (leading ones were skipped by the caller); escaped spaces are kept.
    private mutating func parseString() throws(DNParseError) -> String {
        let start = index
        var value: [UInt8] = []
        var significantCount = 0  // length of `value` up to its last byte that is not an unescaped space
        scan: while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case DNSyntax.comma, DNSyntax.plus, DNSyntax.semicolon:
                break scan
            case DNSyntax.backslash:
                value.append(try parseEscape())
                significantCount = value.count
            case DNSyntax.space:
                value.append(byte)
                index += 1
            case DNSyntax.quote, DNSyntax.lessThan, DNSyntax.greaterThan, DNSyntax.nul:
                throw .unexpectedCharacter(byte, at: index)
            default:
                value.append(byte)
                index += 1
                significantCount = value.count
            }
        }
        value.removeLast(value.count - significantCount)
        guard let string = DNSyntax.validUTF8String(value) else { throw .invalidUTF8(at: start) }
        return string
    }

    /// `pair = ESC ( ESC / special / hexpair )` (RFC 4514 §3): returns the byte it stands for.
    private mutating func parseEscape() throws(DNParseError) -> UInt8 {
        let escapeOffset = index
        guard index + 1 < bytes.count else { throw .unterminatedEscape(at: escapeOffset) }
        let next = bytes[index + 1]
        if DNSyntax.isEscapable(next) {
            index += 2
            return next
        }
        guard let high = DNSyntax.hexValue(next) else { throw .invalidEscape(next, at: escapeOffset) }
        guard index + 2 < bytes.count else { throw .unterminatedEscape(at: escapeOffset) }
        guard let low = DNSyntax.hexValue(bytes[index + 2]) else {
            throw .invalidEscape(bytes[index + 2], at: escapeOffset)
        }
        index += 3
        return high << 4 | low
    }

    private mutating func skipSpaces() {
        while index < bytes.count, bytes[index] == DNSyntax.space {
            index += 1
        }
    }
}
