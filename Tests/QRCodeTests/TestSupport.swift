import QRCode

extension QRCode {
    /// The modules as `grid[row][column]`, read only through the public `isDark(x:y:)`.
    var moduleGrid: [[Bool]] {
        (0..<size).map { y in (0..<size).map { x in isDark(x: x, y: y) } }
    }
}

/// A small deterministic pseudo-random generator (SplitMix64), so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// Test strings: ASCII URI characters mixed with some multi-byte UTF-8.
enum SampleText {
    static let alphabet: [Character] =
        Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:/?&=%.-_~ ") + ["é", "ß", "€", "✓", "🔐"]

    /// A string of `length` characters (not bytes), different for each `seed`.
    static func make(length: Int, seed: UInt64) -> String {
        var generator = SplitMix64(state: seed)
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// The one-time-password enrolment URI the CLI shows.
    static let otpauth =
        "otpauth://totp/ldap-mfa-proxy:alice%40example.test?secret=JBSWY3DPEHPK3PXP&issuer=ldap-mfa-proxy"
        + "&algorithm=SHA1&digits=6&period=30"
}
