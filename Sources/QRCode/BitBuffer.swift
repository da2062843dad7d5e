/// A sequence of bits written most significant bit first, as QR data streams are (ISO/IEC 18004:2015 §7.4).
struct BitBuffer: Sendable {
    /// The bits written so far.
    private(set) var bits: [Bool] = []

    /// The number of bits written so far.
    var count: Int { bits.count }

    /// Appends the low `width` bits of `value`, most significant first.
    mutating func append(_ value: Int, width: Int) {
        precondition(width >= 0 && width <= 31 && value >> width == 0, "value \(value) needs more than \(width) bits")
        for shift in stride(from: width - 1, through: 0, by: -1) {
            bits.append((value >> shift) & 1 == 1)
        }
    }

    /// The bits packed into bytes, the first bit in the high bit of the first byte; a partial last byte is
    /// padded with zero bits.
    var bytes: [UInt8] {
        var result = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
        for (index, bit) in bits.enumerated() where bit {
            result[index / 8] |= 0x80 >> UInt8(index % 8)
        }
        return result
    }
}
