import LDAPCore
import NIOCore

/// Turning a unique identifier's value into the text the store keys users by, and back into the value a filter
/// must carry to find the entry again.
public enum UniqueIdentifier {
    /// The text form of `value` under `type`, or nil when the value does not have that type's shape (a GUID that
    /// is not 16 bytes, text that is not UTF-8, a byte that is not ASCII).
    public static func text(of value: ByteBuffer, as type: AttributeMap.IdentifierType) -> String? {
        let bytes = Array(value.readableBytesView)
        switch type {
        case .guid:
            return guidText(bytes)
        case .string:
            guard !bytes.isEmpty else { return nil }
            return String(validating: bytes, as: UTF8.self)
        case .asciiByteArray:
            guard !bytes.isEmpty, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The canonical text form of a GUID, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in lower case, from its 16 bytes
    /// as Active Directory stores them: Data1 (4 bytes), Data2 and Data3 (2 bytes each) little-endian, then
    /// Data4's 8 bytes in order (MS-DTYP §2.3.4.2).
    public static func guidText(_ bytes: [UInt8]) -> String? {
        guard bytes.count == 16 else { return nil }
        let order = [3, 2, 1, 0, -1, 5, 4, -1, 7, 6, -1, 8, 9, -1, 10, 11, 12, 13, 14, 15]
        var text = ""
        text.reserveCapacity(36)
        for index in order {
            if index < 0 {
                text.append("-")
            } else {
                text.append(hexDigits[Int(bytes[index] >> 4)])
                text.append(hexDigits[Int(bytes[index] & 0x0F)])
            }
        }
        return text
    }

    /// The 16 stored bytes of a GUID in canonical text form (either case, braces allowed), or nil.
    public static func guidBytes(_ text: String) -> [UInt8]? {
        let hex = Array(
            text.utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: "{") && $0 != UInt8(ascii: "}") })
        guard hex.count == 32 else { return nil }
        var canonical: [UInt8] = []
        for pair in stride(from: 0, to: 32, by: 2) {
            guard let high = nibble(hex[pair]), let low = nibble(hex[pair + 1]) else { return nil }
            canonical.append(high << 4 | low)
        }
        let order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15]
        return order.map { canonical[$0] }
    }

    /// An equality filter that finds the entry whose `attribute` holds the identifier `text` of `type`.
    public static func filter(attribute: String, text: String, type: AttributeMap.IdentifierType) -> Filter? {
        let value: ByteBuffer
        switch type {
        case .guid:
            guard let bytes = guidBytes(text) else { return nil }
            value = ByteBuffer(bytes: bytes)
        case .string, .asciiByteArray:
            value = ByteBuffer(string: text)
        }
        return .equalityMatch(AttributeValueAssertion(attributeDescription: attribute, assertionValue: value))
    }

    private static let hexDigits = Array("0123456789abcdef")

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
