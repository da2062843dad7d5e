/// An error thrown while encoding a QR code.
///
/// A struct around a code rather than an enum, so new failure kinds can be added without breaking callers that
/// switch over it.
public struct QRCodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case dataTooLong
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The data does not fit in a version 40 symbol at the requested error-correction level.
        public static let dataTooLong = Code(.dataTooLong)

        /// A short name for the code.
        public var description: String {
            switch base {
            case .dataTooLong: "dataTooLong"
            }
        }
    }

    /// What went wrong.
    public let code: Code
    /// How many bytes of data (UTF-8 for text) were to be encoded.
    public let byteCount: Int
    /// The most bytes a QR code (version 40) holds at `errorCorrection`.
    public let maximumByteCount: Int
    /// The error-correction level that was asked for.
    public let errorCorrection: ErrorCorrection

    /// Explains the failure for a human.
    public var description: String {
        "QR code data too long: \(byteCount) bytes, but at most \(maximumByteCount) fit "
            + "at error-correction level \(errorCorrection)"
    }

    @inline(never)
    static func dataTooLong(byteCount: Int, errorCorrection: ErrorCorrection) -> QRCodeError {
        QRCodeError(
            code: .dataTooLong,
            byteCount: byteCount,
            maximumByteCount: BlockStructure.byteCapacity(version: 40, errorCorrection: errorCorrection),
            errorCorrection: errorCorrection)
    }
}
