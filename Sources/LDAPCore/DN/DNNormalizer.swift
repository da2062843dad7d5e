/// The matching rules behind ``NormalizedDN``.
enum DNNormalizer {
    /// Numeric OIDs and long names (lower case) of the core naming attributes, mapped to their short names
    /// (RFC 4519 §2).
    static let shortNames: [String: String] = [
        "2.5.4.3": "cn", "commonname": "cn",
        "2.5.4.11": "ou", "organizationalunitname": "ou",
        "2.5.4.10": "o", "organizationname": "o",
        "0.9.2342.19200300.100.1.25": "dc", "domaincomponent": "dc",
        "0.9.2342.19200300.100.1.1": "uid", "userid": "uid",
        "2.5.4.6": "c", "countryname": "c",
        "2.5.4.7": "l", "localityname": "l",
        "2.5.4.8": "st", "stateorprovincename": "st",
        "2.5.4.9": "street", "streetaddress": "street",
    ]

    static func normalize(_ rdn: RelativeDistinguishedName) -> RelativeDistinguishedName {
        let attributes = rdn.attributes.map(normalize)
        guard attributes.count > 1 else { return RelativeDistinguishedName(nonEmpty: attributes) }
        return RelativeDistinguishedName(nonEmpty: attributes.sorted(by: precedes))
    }

    static func normalize(_ attribute: AttributeTypeAndValue) -> AttributeTypeAndValue {
        AttributeTypeAndValue(type: normalizedType(attribute.type), value: normalizedValue(attribute.value))
    }

    /// ASCII lower case (RFC 4512 §2.5: attribute descriptions are case-insensitive), then the short name.
    static func normalizedType(_ type: String) -> String {
        let folded = String(decoding: type.utf8.map(DNSyntax.asciiLowercased), as: UTF8.self)
        return shortNames[folded] ?? folded
    }

    static func normalizedValue(_ value: AttributeTypeAndValue.Value) -> AttributeTypeAndValue.Value {
        switch value {
        case .string(let string):
            return .string(caseIgnorePrepared(string))
        case .berEncoded(let bytes):
            guard let string = decodedBERString(bytes) else { return value }
            return .string(caseIgnorePrepared(string))
        }
    }

    /// `caseIgnoreMatch` preparation, the ASCII part of RFC 4518: TAB, LF, VT, FF and CR mapped to SPACE (§2.2),
    /// ASCII letters folded to lower case (§2.2), insignificant spaces removed (§2.6.1). Only ASCII bytes are
    /// changed, so the result is still UTF-8.
    static func caseIgnorePrepared(_ string: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(string.utf8.count)
        var pendingSpace = false
        for byte in string.utf8 {
            if byte == DNSyntax.space || (byte >= 0x09 && byte <= 0x0D) {
                pendingSpace = !output.isEmpty
                continue
            }
            if pendingSpace {
                output.append(DNSyntax.space)
                pendingSpace = false
            }
            output.append(DNSyntax.asciiLowercased(byte))
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The text of a primitive BER OCTET STRING (0x04), UTF8String (0x0C), PrintableString (0x13) or IA5String
    /// (0x16) with a definite length that covers exactly the rest of `bytes` and content that is UTF-8; else nil.
    static func decodedBERString(_ bytes: [UInt8]) -> String? {
        guard bytes.count >= 2, [0x04, 0x0C, 0x13, 0x16].contains(bytes[0]) else { return nil }
        var headerLength = 2
        var length = Int(bytes[1])
        if length >= 0x80 {
            let lengthOctets = length & 0x7F
            guard lengthOctets >= 1, lengthOctets <= 4, bytes.count >= 2 + lengthOctets else { return nil }
            length = 0
            for byte in bytes[2..<(2 + lengthOctets)] {
                length = length << 8 | Int(byte)
            }
            headerLength += lengthOctets
        }
        guard bytes.count - headerLength == length else { return nil }
        return DNSyntax.validUTF8String(Array(bytes[headerLength...]))
    }

    /// A strict total order on normalised attributes: by type, then strings before BER values, then value.
    static func precedes(_ lhs: AttributeTypeAndValue, _ rhs: AttributeTypeAndValue) -> Bool {
        if lhs.type != rhs.type {
            return lhs.type < rhs.type
        }
        switch (lhs.value, rhs.value) {
        case (.string(let left), .string(let right)):
            return left < right
        case (.string, .berEncoded):
            return true
        case (.berEncoded, .string):
            return false
        case (.berEncoded(let left), .berEncoded(let right)):
            return left.lexicographicallyPrecedes(right)
        }
    }
}
