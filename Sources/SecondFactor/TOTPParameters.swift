/// How TOTP codes are computed and checked (RFC 6238 §4, §5.2).
///
/// The defaults are what authenticator apps assume when an `otpauth://` URI leaves them out:
/// SHA-1, 6 digits, a 30-second step, and one step of tolerance either side for clock drift.
public struct TOTPParameters: Sendable, Hashable {
    /// The HMAC hash (RFC 6238 §1.2 allows SHA-1, SHA-256 and SHA-512). The raw value is the name an
    /// `otpauth://` URI uses.
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        case sha1 = "SHA1"
        case sha256 = "SHA256"
        case sha512 = "SHA512"

        /// Parses `sha1`, `SHA-256`, `Sha512` and the like; `nil` for anything else.
        public init?(name: String) {
            let folded = name.uppercased().filter { $0 != "-" && $0 != "_" }
            guard let algorithm = Algorithm(rawValue: folded) else { return nil }
            self = algorithm
        }
    }

    /// Allowed code lengths (RFC 4226 §5.3 requires at least 6; 8 is the most apps display).
    public static let digitsRange = 6...8
    /// Allowed step lengths in seconds.
    public static let periodRange = 1...600
    /// Allowed tolerance, in steps either side of the current one (RFC 6238 §5.2 recommends at most one).
    public static let windowRange = 0...10

    /// Number of decimal digits in a code.
    public let digits: Int
    /// The time step X in seconds (RFC 6238 §4.1).
    public let period: Int
    /// The HMAC hash.
    public let algorithm: Algorithm
    /// How many steps before and after the current one are also accepted.
    public let window: Int

    /// SHA-1, 6 digits, 30 seconds, window 1.
    public static let standard = TOTPParameters(unchecked: 6, 30, .sha1, 1)

    /// Checked parameters; throws `SecondFactorError` (`.invalidParameters`) naming the value out of range.
    public init(digits: Int = 6, period: Int = 30, algorithm: Algorithm = .sha1, window: Int = 1)
        throws(SecondFactorError)
    {
        guard Self.digitsRange.contains(digits) else {
            throw SecondFactorError(.invalidParameters, "digits must be 6, 7 or 8, not \(digits)")
        }
        guard Self.periodRange.contains(period) else {
            throw SecondFactorError(.invalidParameters, "period must be 1 to 600 seconds, not \(period)")
        }
        guard Self.windowRange.contains(window) else {
            throw SecondFactorError(.invalidParameters, "window must be 0 to 10 steps, not \(window)")
        }
        self.init(unchecked: digits, period, algorithm, window)
    }

    private init(unchecked digits: Int, _ period: Int, _ algorithm: Algorithm, _ window: Int) {
        self.digits = digits
        self.period = period
        self.algorithm = algorithm
        self.window = window
    }
}
