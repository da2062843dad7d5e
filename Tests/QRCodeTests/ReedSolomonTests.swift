import Testing

@testable import QRCode

@Suite("Reed-Solomon error correction")
struct ReedSolomonTests {
    @Test("computes the ISO/IEC 18004 Annex I example: 01234567 at 1-M")
    func isoAnnexExample() {
        let data: [UInt8] = [16, 32, 12, 86, 97, 128, 236, 17, 236, 17, 236, 17, 236, 17, 236, 17]
        let expected: [UInt8] = [165, 36, 212, 193, 237, 54, 199, 135, 44, 85]
        #expect(ReedSolomonEncoder(degree: 10).errorCorrection(for: data) == expected)
    }

    @Test("computes the Thonky tutorial example: HELLO WORLD at 1-M")
    func helloWorldExample() {
        let data: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        let expected: [UInt8] = [196, 35, 39, 119, 235, 215, 231, 226, 93, 23]
        #expect(ReedSolomonEncoder(degree: 10).errorCorrection(for: data) == expected)
    }

    @Test("builds the degree-7 generator α^0 α^87 α^229 α^146 α^149 α^238 α^102 α^21")
    func generatorOfDegreeSeven() {
        let exponents = [87, 229, 146, 149, 238, 102, 21]
        #expect(ReedSolomonEncoder(degree: 7).generator == exponents.map(ReferenceReedSolomon.power))
    }

    @Test("multiplies like bitwise multiplication for every pair of bytes")
    func fieldMultiplication() {
        var mismatches = 0
        for lhs in UInt8.min...UInt8.max {
            for rhs in UInt8.min...UInt8.max
            where GaloisField.multiply(lhs, rhs) != ReferenceReedSolomon.multiply(lhs, rhs) {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
    }

    @Test("agrees with polynomial long division for every block size QR codes use")
    func agreesWithLongDivision() {
        var generator = SplitMix64(state: 18004)
        for degree in [7, 10, 13, 15, 16, 17, 18, 20, 22, 24, 26, 28, 30] {
            let encoder = ReedSolomonEncoder(degree: degree)
            for length in [1, 2, 9, 19, 55, 123] {
                let data = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let reference = ReferenceReedSolomon.errorCorrection(for: data, degree: degree)
                #expect(encoder.errorCorrection(for: data) == reference, "degree \(degree), length \(length)")
            }
        }
    }

    @Test("gives blocks whose syndromes are all zero")
    func syndromesVanish() {
        let data = Array("otpauth://totp/x".utf8)
        let block = data + ReedSolomonEncoder(degree: 22).errorCorrection(for: data)
        #expect(ReferenceReedSolomon.syndromes(of: block, count: 22).allSatisfy { $0 == 0 })
        var damaged = block
        damaged[3] ^= 0x40
        #expect(!ReferenceReedSolomon.syndromes(of: damaged, count: 22).allSatisfy { $0 == 0 })
    }
}
