/// One `attributeTypeAndValue` of a relative distinguished name (RFC 4514 §3), such as `cn=Alice`.
///
/// ``type`` is kept as written (case preserved), except that an `OID.` prefix is dropped when parsing. Equality is
/// exact; use ``DistinguishedName/isEquivalent(to:)`` or ``NormalizedDN`` to compare the way a directory does.
public struct AttributeTypeAndValue: Sendable, Hashable, CustomStringConvertible {
    /// An attribute value as written in a DN string (RFC 4514 §2.4).
    public enum Value: Sendable, Hashable {
        /// A string value, unescaped: `cn=Smith\, John` holds `Smith, John`.
        case string(String)
        /// The raw BER encoding given by a `#hexstring` value (RFC 4514 §2.4, §3), kept untouched:
        /// `cn=#04024869` holds the bytes `04 02 48 69`.
        case berEncoded([UInt8])
    }

    /// The attribute type: a descriptor such as `cn` or a numeric OID such as `2.5.4.3` (RFC 4512 §2.5).
    ///
    /// It is written out verbatim, so a value built in code should be a valid descriptor or numeric OID.
    public var type: String
    /// The attribute value.
    public var value: Value

    /// An attribute type and value; `type` should be a descriptor or numeric OID (RFC 4512 §1.4).
    public init(type: String, value: Value) {
        self.type = type
        self.value = value
    }

    /// An attribute type and string value, such as `AttributeTypeAndValue(type: "uid", value: userName)`. The value
    /// is escaped when written out, so it may hold any character.
    public init(type: String, value: String) {
        self.init(type: type, value: .string(value))
    }

    /// The RFC 4514 §2.3 form, `type=value`, with the value escaped as §2.4 requires.
    public var description: String {
        var output: [UInt8] = []
        appendRFC4514(to: &output)
        return String(decoding: output, as: UTF8.self)
    }
}

extension AttributeTypeAndValue {
    /// Appends `type=value` (RFC 4514 §2.3). Strings are escaped as RFC 4514 §2.4 requires: `"+,;<>\` anywhere, a
    /// leading space or `#`, a trailing space; NUL and the other ASCII controls are written as `\XX` so that the
    /// result is safe to log on one line. BER values are written as `#` and upper-case hex digits.
    func appendRFC4514(to output: inout [UInt8]) {
        output.append(contentsOf: type.utf8)
        output.append(DNSyntax.equals)
        switch value {
        case .string(let string):
            Self.appendEscaped(string, to: &output)
        case .berEncoded(let bytes):
            output.append(DNSyntax.sharp)
            for byte in bytes {
                DNSyntax.appendHex(byte, to: &output)
            }
        }
    }

    private static func appendEscaped(_ string: String, to output: inout [UInt8]) {
        let utf8 = string.utf8
        var position = 0
        let last = utf8.count - 1
        for byte in utf8 {
            defer { position += 1 }
            if byte < 0x20 || byte == 0x7F {
                output.append(DNSyntax.backslash)
                DNSyntax.appendHex(byte, to: &output)
                continue
            }
            let edgeSpace = byte == DNSyntax.space && (position == 0 || position == last)
            let leadingSharp = byte == DNSyntax.sharp && position == 0
            if edgeSpace || leadingSharp || DNSyntax.mustEscape(byte) {
                output.append(DNSyntax.backslash)
            }
            output.append(byte)
        }
    }
}
