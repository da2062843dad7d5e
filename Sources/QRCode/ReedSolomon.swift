/// Arithmetic in GF(2⁸) as QR codes use it: bytes are polynomials over GF(2) reduced modulo
/// x⁸ + x⁴ + x³ + x² + 1 (0x11D), and α = 2 generates the multiplicative group (ISO/IEC 18004:2015 §7.5.2).
enum GaloisField {
    /// The reducing polynomial x⁸ + x⁴ + x³ + x² + 1.
    static let polynomial = 0x11D

    /// `exponent[i]` is αⁱ; the 255 powers are stored twice so a sum of two logarithms needs no reduction.
    static let exponent: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var value = 1
        for power in 0..<255 {
            table[power] = UInt8(value)
            table[power + 255] = UInt8(value)
            value <<= 1
            if value & 0x100 != 0 {
                value ^= polynomial
            }
        }
        return table
    }()

    /// `logarithm[x]` is the i with αⁱ = x, for x in 1...255 (entry 0 is unused).
    static let logarithm: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for power in 0..<255 {
            table[Int(exponent[power])] = power
        }
        return table
    }()

    /// The product of two field elements.
    static func multiply(_ lhs: UInt8, _ rhs: UInt8) -> UInt8 {
        guard lhs != 0, rhs != 0 else { return 0 }
        return exponent[logarithm[Int(lhs)] + logarithm[Int(rhs)]]
    }
}

/// Computes the Reed-Solomon error-correction codewords of one block (ISO/IEC 18004:2015 §7.5.2).
///
/// The codewords are the remainder of data(x) · xⁿ divided by the generator g(x) = (x − α⁰)(x − α¹)…(x − αⁿ⁻¹),
/// where n is the number of error-correction codewords.
struct ReedSolomonEncoder: Sendable {
    /// The coefficients of g(x) from xⁿ⁻¹ down to x⁰; the leading coefficient of xⁿ, always 1, is left out.
    let generator: [UInt8]

    /// Builds the encoder for `degree` error-correction codewords per block.
    init(degree: Int) {
        precondition(degree >= 1 && degree <= 254, "Reed-Solomon degree out of range: \(degree)")
        var polynomial: [UInt8] = [1]
        for power in 0..<degree {
            // Multiply by (x + αᵖᵒʷᵉʳ); in characteristic 2, subtraction is addition.
            let root = GaloisField.exponent[power]
            var product = polynomial + [0]
            for (index, coefficient) in polynomial.enumerated() {
                product[index + 1] ^= GaloisField.multiply(coefficient, root)
            }
            polynomial = product
        }
        generator = Array(polynomial.dropFirst())
    }

    /// The error-correction codewords for `data`, most significant coefficient first.
    func errorCorrection(for data: some Sequence<UInt8>) -> [UInt8] {
        // A linear-feedback shift register: each data byte enters at the top and the generator is subtracted
        // whenever the leading term is non-zero.
        var remainder = [UInt8](repeating: 0, count: generator.count)
        for byte in data {
            let factor = byte ^ remainder[0]
            remainder.removeFirst()
            remainder.append(0)
            guard factor != 0 else { continue }
            for index in remainder.indices {
                remainder[index] ^= GaloisField.multiply(generator[index], factor)
            }
        }
        return remainder
    }
}
