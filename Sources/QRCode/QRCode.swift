/// A QR code symbol (ISO/IEC 18004:2015, Model 2), encoded from text in byte mode.
///
/// ```swift
/// let code = try QRCode.encode("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example")
/// print(code.terminalString())
/// ```
///
/// The encoder picks the smallest version (1...40) that holds the data at the requested error-correction level,
/// and the data mask with the lowest penalty score.
public struct QRCode: Sendable, Hashable {
    /// The side of the symbol in modules, without quiet zone: 21 for version 1 up to 177 for version 40.
    public let size: Int
    /// The version, 1...40; `size` is 17 + 4 × version.
    public let version: Int
    /// The error-correction level the symbol was encoded at.
    public let errorCorrection: ErrorCorrection
    /// The data mask pattern applied, 0...7.
    public let mask: Int
    /// Dark modules, row by row.
    private let modules: [Bool]

    /// Whether the module in column `x` and row `y` (both from 0 at the top left) is dark.
    ///
    /// Coordinates outside `0..<size` are light: they are the quiet zone around the symbol.
    public func isDark(x: Int, y: Int) -> Bool {
        guard (0..<size).contains(x), (0..<size).contains(y) else { return false }
        return modules[y * size + x]
    }

    /// Encodes `text` as UTF-8 in a single byte-mode segment.
    ///
    /// - Parameters:
    ///   - text: The text to encode, such as an `otpauth://` URI.
    ///   - errorCorrection: How much damage the symbol should survive; `.medium` restores about 15 %.
    /// - Throws: `QRCodeError` with code `.dataTooLong` if the UTF-8 bytes do not fit in a version 40 symbol
    ///   (2953 bytes at level L, 2331 at M, 1663 at Q, 1273 at H).
    public static func encode(
        _ text: String, errorCorrection: ErrorCorrection = .medium
    ) throws(QRCodeError) -> QRCode {
        try encode(bytes: Array(text.utf8), errorCorrection: errorCorrection)
    }

    /// Encodes arbitrary bytes in a single byte-mode segment.
    ///
    /// - Throws: `QRCodeError` with code `.dataTooLong` if the bytes do not fit in a version 40 symbol.
    public static func encode(
        bytes: [UInt8], errorCorrection: ErrorCorrection = .medium
    ) throws(QRCodeError) -> QRCode {
        guard let version = BlockStructure.smallestVersion(byteCount: bytes.count, errorCorrection: errorCorrection)
        else {
            throw .dataTooLong(byteCount: bytes.count, errorCorrection: errorCorrection)
        }
        let structure = BlockStructure(version: version, errorCorrection: errorCorrection)
        let data = dataCodewords(bytes: bytes, structure: structure)
        var matrix = ModuleMatrix(version: version)
        matrix.placeCodewords(interleavedCodewords(data: data, structure: structure))

        var best: (matrix: ModuleMatrix, mask: Int, penalty: Int)?
        for mask in 0..<8 {
            var candidate = matrix
            candidate.applyMask(mask)
            candidate.drawFormatInformation(
                bits: FormatInformation.formatBits(errorCorrection: errorCorrection, mask: mask))
            let penalty = candidate.penalty
            if best.map({ penalty < $0.penalty }) ?? true {
                best = (candidate, mask, penalty)
            }
        }
        guard let best else { preconditionFailure("no mask was tried") }
        return QRCode(
            size: matrix.size, version: version, errorCorrection: errorCorrection, mask: best.mask,
            modules: best.matrix.dark)
    }

    /// The data codewords (ISO/IEC 18004:2015 §7.4): mode indicator 0100 (byte), character count, the bytes, a
    /// terminator of up to four zero bits, zero bits to the byte boundary, then pad codewords 0xEC and 0x11 in turn.
    static func dataCodewords(bytes: [UInt8], structure: BlockStructure) -> [UInt8] {
        let capacity = structure.dataCodewords * 8
        var buffer = BitBuffer()
        buffer.append(0b0100, width: 4)
        buffer.append(bytes.count, width: BlockStructure.byteCountBits(version: structure.version))
        for byte in bytes {
            buffer.append(Int(byte), width: 8)
        }
        precondition(buffer.count <= capacity, "data codewords overflow the chosen version")
        buffer.append(0, width: min(4, capacity - buffer.count))
        var codewords = buffer.bytes
        var pad: UInt8 = 0xEC
        while codewords.count < structure.dataCodewords {
            codewords.append(pad)
            pad ^= 0xEC ^ 0x11
        }
        return codewords
    }

    /// Splits `data` into the blocks of `structure`, appends each block's error-correction codewords and
    /// interleaves them (ISO/IEC 18004:2015 §7.6): the first data codeword of every block, then the second, …,
    /// then the error-correction codewords likewise.
    static func interleavedCodewords(data: [UInt8], structure: BlockStructure) -> [UInt8] {
        precondition(data.count == structure.dataCodewords, "data codeword count does not match the version")
        let encoder = ReedSolomonEncoder(degree: structure.ecCodewordsPerBlock)
        var blocks: [ArraySlice<UInt8>] = []
        var start = 0
        for length in structure.dataCodewordsPerBlock {
            blocks.append(data[start..<start + length])
            start += length
        }
        let ecBlocks = blocks.map { encoder.errorCorrection(for: $0) }

        var result: [UInt8] = []
        result.reserveCapacity(BlockStructure.totalCodewords(version: structure.version))
        for index in 0..<(structure.group1DataCodewords + 1) {
            for block in blocks where index < block.count {
                result.append(block[block.startIndex + index])
            }
        }
        for index in 0..<structure.ecCodewordsPerBlock {
            for ecBlock in ecBlocks {
                result.append(ecBlock[index])
            }
        }
        return result
    }
}
