import Crypto
import Foundation

/// HOTP (RFC 4226) and TOTP (RFC 6238) code computation and checking.
public enum TOTP {
    /// The HOTP value for `counter` (RFC 4226 §5.3): HMAC of the big-endian counter, dynamic
    /// truncation to 31 bits, modulo 10^digits, zero-padded on the left to `parameters.digits`.
    ///
    /// RFC 6238 §1.2 uses the same construction with SHA-256 and SHA-512.
    public static func code(secret: [UInt8], counter: UInt64, parameters: TOTPParameters = .standard) -> String {
        let mac = hmac(secret: secret, counter: counter, algorithm: parameters.algorithm)
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary =
            UInt32(mac[offset] & 0x7F) << 24 | UInt32(mac[offset + 1]) << 16 | UInt32(mac[offset + 2]) << 8
            | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<parameters.digits { modulus *= 10 }
        let value = String(binary % modulus)
        return String(repeating: "0", count: parameters.digits - value.count) + value
    }

    /// The TOTP code at `time` (RFC 6238 §4.2): the HOTP value of the step `time / period` (T0 = 0).
    /// Times before 1970 count as step 0.
    public static func code(secret: [UInt8], time: Int64, parameters: TOTPParameters = .standard) -> String {
        let step = max(0, self.step(at: time, period: parameters.period))
        return code(secret: secret, counter: UInt64(step), parameters: parameters)
    }

    /// The TOTP code at `time` (RFC 6238 §4.2).
    public static func code(secret: [UInt8], time: Date, parameters: TOTPParameters = .standard) -> String {
        code(secret: secret, time: unixSeconds(time), parameters: parameters)
    }

    /// The time step containing `time` (RFC 6238 §4.2, T0 = 0), rounding down.
    public static func step(at time: Int64, period: Int) -> Int64 {
        let period = Int64(period)
        let (quotient, remainder) = time.quotientAndRemainder(dividingBy: period)
        return remainder < 0 ? quotient - 1 : quotient
    }

    /// The step whose code equals `code`, among the current step and `parameters.window` steps either
    /// side (RFC 6238 §5.2), or `nil` when none does or `code` is not exactly `digits` ASCII digits.
    ///
    /// Every step in the window is computed and compared in constant time, so the time taken does not
    /// depend on where (or whether) the code matched. If two steps match (a one-in-a-million
    /// coincidence), the one nearest the current step wins, the earlier on a tie.
    public static func matchingStep(
        code: String, secret: [UInt8], time: Int64, parameters: TOTPParameters = .standard
    ) -> Int64? {
        let typed = Array(code.utf8)
        guard isWellFormed(typed, digits: parameters.digits) else { return nil }
        let current = step(at: time, period: parameters.period)
        var best: Int64?
        var offsets: [Int64] = [0]
        for distance in stride(from: Int64(1), through: Int64(parameters.window), by: 1) {
            offsets += [-distance, distance]
        }
        for offset in offsets {
            let (candidate, overflow) = current.addingReportingOverflow(offset)
            guard !overflow, candidate >= 0 else { continue }
            let expected = Array(self.code(secret: secret, counter: UInt64(candidate), parameters: parameters).utf8)
            if constantTimeEquals(expected, typed), best == nil { best = candidate }
        }
        return best
    }

    /// `matchingStep(code:secret:time:parameters:)` at a `Date`.
    public static func matchingStep(
        code: String, secret: [UInt8], time: Date, parameters: TOTPParameters = .standard
    ) -> Int64? {
        matchingStep(code: code, secret: secret, time: unixSeconds(time), parameters: parameters)
    }

    /// True when `code` is exactly `digits` ASCII digits: the only shape a TOTP code can have.
    public static func isWellFormed(code: String, digits: Int) -> Bool {
        isWellFormed(Array(code.utf8), digits: digits)
    }

    /// Whole seconds since 1970, rounding down; clamped for dates no clock will show.
    static func unixSeconds(_ date: Date) -> Int64 {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard seconds.isFinite else { return 0 }
        return Int64(max(-9.0e18, min(9.0e18, seconds)))
    }

    private static func isWellFormed(_ bytes: [UInt8], digits: Int) -> Bool {
        bytes.count == digits && bytes.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// Compares two equal-length byte strings without an early exit.
    private static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    private static func hmac(secret: [UInt8], counter: UInt64, algorithm: TOTPParameters.Algorithm) -> [UInt8] {
        let key = SymmetricKey(data: secret)
        let message = withUnsafeBytes(of: counter.bigEndian) { Array($0) }
        switch algorithm {
        case .sha1: return Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: key))
        case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
        case .sha512: return Array(HMAC<SHA512>.authenticationCode(for: message, using: key))
        }
    }
}
