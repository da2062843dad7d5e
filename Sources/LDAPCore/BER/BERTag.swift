/// One identifier octet of a BER element (X.690 §8.1.2).
///
/// LDAP's ASN.1 module (RFC 4511 Appendix B) only uses tag numbers below 31, so every LDAP tag
/// fits the low-tag-number form of a single octet; the high-tag-number form is rejected.
public struct BERTag: Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The tag class (X.690 §8.1.2.2).
    public enum TagClass: UInt8, Sendable {
        case universal = 0x00
        case application = 0x40
        case contextSpecific = 0x80
        case `private` = 0xC0
    }

    @inlinable public init(_ tagClass: TagClass, constructed: Bool, number: UInt8) {
        self.rawValue = tagClass.rawValue | (constructed ? 0x20 : 0) | (number & 0x1F)
    }

    @inlinable public var tagClass: TagClass { TagClass(rawValue: rawValue & 0xC0)! }
    @inlinable public var isConstructed: Bool { rawValue & 0x20 != 0 }
    @inlinable public var number: UInt8 { rawValue & 0x1F }

    public var description: String {
        let cls: String
        switch tagClass {
        case .universal: cls = "UNIVERSAL"
        case .application: cls = "APPLICATION"
        case .contextSpecific: cls = "CONTEXT"
        case .private: cls = "PRIVATE"
        }
        return "[\(cls) \(number)\(isConstructed ? " constructed" : "")] (0x\(hex(rawValue)))"
    }

    // Universal tags used by LDAP (X.680 §8.4).
    public static let boolean = BERTag(rawValue: 0x01)
    public static let integer = BERTag(rawValue: 0x02)
    public static let octetString = BERTag(rawValue: 0x04)
    public static let null = BERTag(rawValue: 0x05)
    public static let enumerated = BERTag(rawValue: 0x0A)
    public static let sequence = BERTag(rawValue: 0x30)
    public static let set = BERTag(rawValue: 0x31)

    /// `[n]` context-specific, primitive.
    @inlinable public static func context(_ number: UInt8) -> BERTag {
        BERTag(.contextSpecific, constructed: false, number: number)
    }
    /// `[n]` context-specific, constructed.
    @inlinable public static func contextConstructed(_ number: UInt8) -> BERTag {
        BERTag(.contextSpecific, constructed: true, number: number)
    }
    /// `[APPLICATION n]`, primitive.
    @inlinable public static func application(_ number: UInt8) -> BERTag {
        BERTag(.application, constructed: false, number: number)
    }
    /// `[APPLICATION n]`, constructed.
    @inlinable public static func applicationConstructed(_ number: UInt8) -> BERTag {
        BERTag(.application, constructed: true, number: number)
    }
}

@usableFromInline func hex(_ byte: UInt8) -> String {
    let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
}
