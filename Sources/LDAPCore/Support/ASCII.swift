/// Compares two strings ignoring ASCII case, as attribute descriptions are compared
/// (RFC 4512 §2.5: "case-insensitive").
@inlinable
public func asciiCaseInsensitiveEquals(_ lhs: String, _ rhs: String) -> Bool {
    var lhs = lhs.utf8.makeIterator()
    var rhs = rhs.utf8.makeIterator()
    while true {
        switch (lhs.next(), rhs.next()) {
        case (nil, nil): return true
        case (let a?, let b?):
            if asciiLowercase(a) != asciiLowercase(b) { return false }
        default: return false
        }
    }
}

@inlinable
public func asciiLowercase(_ byte: UInt8) -> UInt8 {
    (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
}

/// The string with ASCII letters lowercased and everything else kept.
@inlinable
public func asciiLowercased(_ string: String) -> String {
    String(decoding: string.utf8.map(asciiLowercase), as: UTF8.self)
}
