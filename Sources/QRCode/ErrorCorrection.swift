/// The error-correction level of a QR code (ISO/IEC 18004:2015 §5.3.8.1, Table 7).
///
/// Higher levels survive more damage (a dirty screen, glare, a logo) at the cost of a larger symbol.
public enum ErrorCorrection: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Level L: about 7 % of the codewords can be restored.
    case low
    /// Level M: about 15 % of the codewords can be restored.
    case medium
    /// Level Q: about 25 % of the codewords can be restored.
    case quartile
    /// Level H: about 30 % of the codewords can be restored.
    case high

    /// The level's letter as the standard names it: L, M, Q or H.
    public var description: String {
        switch self {
        case .low: "L"
        case .medium: "M"
        case .quartile: "Q"
        case .high: "H"
        }
    }

    /// The two bits that stand for the level in the format information (ISO/IEC 18004 Table 12).
    ///
    /// Note the order is not L < M < Q < H: L = 01, M = 00, Q = 11, H = 10.
    var formatBits: Int {
        switch self {
        case .low: 0b01
        case .medium: 0b00
        case .quartile: 0b11
        case .high: 0b10
        }
    }

    /// The row of this level in the block-structure tables, which are kept in L, M, Q, H order.
    var tableIndex: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .quartile: 2
        case .high: 3
        }
    }
}
