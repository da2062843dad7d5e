/// A Reed-Solomon reference for the tests, written with a different method from the encoder: bitwise
/// ("Russian peasant") multiplication in GF(2⁸) instead of log tables, and schoolbook polynomial long division
/// instead of a shift register.
enum ReferenceReedSolomon {
    /// The product of `a` and `b` in GF(2⁸) modulo x⁸ + x⁴ + x³ + x² + 1.
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var product = 0
        var multiplicand = Int(a)
        var multiplier = Int(b)
        while multiplier != 0 {
            if multiplier & 1 == 1 { product ^= multiplicand }
            multiplicand <<= 1
            if multiplicand & 0x100 != 0 { multiplicand ^= 0x11D }
            multiplier >>= 1
        }
        return UInt8(product)
    }

    /// αⁿ with α = 2.
    static func power(_ exponent: Int) -> UInt8 {
        (0..<exponent).reduce(UInt8(1)) { value, _ in multiply(value, 2) }
    }

    /// The generator (x − α⁰)…(x − αⁿ⁻¹), highest coefficient first, including the leading 1.
    static func generator(degree: Int) -> [UInt8] {
        var polynomial: [UInt8] = [1]
        for index in 0..<degree {
            let root = power(index)
            // polynomial · x + polynomial · root
            let shifted = polynomial + [0]
            let scaled = [0] + polynomial.map { multiply($0, root) }
            polynomial = zip(shifted, scaled).map { $0 ^ $1 }
        }
        return polynomial
    }

    /// The error-correction codewords for `data`: the remainder of data(x) · xⁿ by long division by the generator.
    static func errorCorrection(for data: [UInt8], degree: Int) -> [UInt8] {
        let divisor = generator(degree: degree)
        var dividend = data + [UInt8](repeating: 0, count: degree)
        for lead in 0..<data.count where dividend[lead] != 0 {
            let factor = dividend[lead]  // the divisor is monic
            for (offset, coefficient) in divisor.enumerated() {
                dividend[lead + offset] ^= multiply(coefficient, factor)
            }
        }
        return Array(dividend.suffix(degree))
    }

    /// The first `count` syndromes of a codeword block (data then error correction, highest degree first): the
    /// block evaluated at α⁰ … αᶜᵒᵘⁿᵗ⁻¹. All are zero for a valid block.
    static func syndromes(of block: [UInt8], count: Int) -> [UInt8] {
        (0..<count).map { index in
            let point = power(index)
            return block.reduce(UInt8(0)) { multiply($0, point) ^ $1 }
        }
    }
}
