import NIOCore

/// Builds a ByteBuffer from hex such as "30 0c 02 01 01" (spaces and newlines ignored).
func hexBuffer(_ hex: String) -> ByteBuffer {
    var bytes: [UInt8] = []
    var pending: UInt8? = nil
    for scalar in hex.unicodeScalars {
        guard let nibble = UInt8(String(scalar), radix: 16) else { continue }
        if let high = pending {
            bytes.append(high << 4 | nibble)
            pending = nil
        } else {
            pending = nibble
        }
    }
    precondition(pending == nil, "odd number of hex digits")
    return ByteBuffer(bytes: bytes)
}

/// Lowercase hex of a buffer's readable bytes, without spaces.
func hexString(_ buffer: ByteBuffer) -> String {
    buffer.readableBytesView.map { byte in
        let s = String(byte, radix: 16)
        return s.count == 1 ? "0" + s : s
    }.joined()
}
