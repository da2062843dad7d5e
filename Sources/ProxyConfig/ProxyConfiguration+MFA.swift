extension ProxyConfiguration {
    /// `mfa`: the second factor, and how its code travels inside the bind password.
    public struct MFA: Sendable, Equatable {
        /// `mfa.provider`: who checks the code. Default totp (the only one in this version).
        public var provider: Provider
        /// `mfa.otp`: where the code sits in the password. Default: after the last `,`.
        public var otp: OTPPlacement
        /// `mfa.totp`: the TOTP parameters (RFC 6238).
        public var totp: TOTP
    }
}

extension ProxyConfiguration.MFA {
    /// A second-factor provider.
    public enum Provider: String, Sendable, Hashable, CaseIterable {
        /// Time-based one-time passwords (RFC 6238), checked by the proxy against its user store.
        case totp
        /// privacyIDEA; in the schema, not supported in this version.
        case privacyidea
        /// RADIUS; in the schema, not supported in this version.
        case radius
    }

    /// Where the one-time code sits at the end of the password a client binds with.
    public enum OTPPlacement: Sendable, Hashable {
        /// After the last occurrence of this text (`mfa.otp.delimiter`): `password,123456` with `","`.
        case afterDelimiter(String)
        /// The last this-many characters, which must be digits (`mfa.otp.length`): `password123456` with 6.
        case trailingDigits(Int)
    }

    /// `mfa.totp`: TOTP parameters (RFC 6238 §4); the authenticator app must use the same.
    public struct TOTP: Sendable, Hashable {
        /// `mfa.totp.digits`: 6...8. Default 6.
        public var digits: Int
        /// `mfa.totp.period`: the time step, whole seconds. Default 30s.
        public var period: Duration
        /// `mfa.totp.algorithm`: the HMAC hash. Default sha1, which every authenticator app supports.
        public var algorithm: Algorithm
        /// `mfa.totp.window`: steps accepted either side of the current one, for clock drift; 0...10. Default 1.
        public var window: Int
    }

    /// The HMAC hash of TOTP (RFC 6238 §1.2).
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        /// HMAC-SHA-1, RFC 4226's original.
        case sha1
        /// HMAC-SHA-256.
        case sha256
        /// HMAC-SHA-512.
        case sha512
    }
}

extension ProxyConfiguration.MFA {
    /// Reads and checks `mfa`.
    static func decode(_ section: ConfigReader.Section, _ reader: ConfigReader) -> Self {
        let provider: Provider = reader.choice("provider", in: section) ?? .totp
        if provider != .totp {
            reader.problem(
                "mfa.provider",
                "unsupported in this version: the \(provider.rawValue) provider arrives in a later "
                    + "release", fix: "use totp", at: reader.node("provider", in: section))
        }
        let totp = decodeTOTP(reader.section("totp", in: section), reader)
        let otp = decodeOTP(reader.section("otp", in: section), reader, digits: provider == .totp ? totp.digits : nil)
        return Self(provider: provider, otp: otp, totp: totp)
    }

    private static func decodeOTP(_ section: ConfigReader.Section, _ reader: ConfigReader, digits: Int?) -> OTPPlacement
    {
        let delimiter = reader.string("delimiter", in: section)
        let length = reader.integer("length", in: section, range: 0...10) ?? 0
        if length > 0 {
            if let delimiter, !delimiter.isEmpty {
                reader.problem(
                    "mfa.otp", "both mfa.otp.delimiter and mfa.otp.length are set",
                    fix: "keep one: delimiter takes the code after the last delimiter, length takes that many "
                        + "trailing digits")
            }
            if let digits, length != digits {
                reader.problem(
                    "mfa.otp.length", "is \(length), but TOTP codes have \(digits) digits (mfa.totp.digits)",
                    fix: "make mfa.otp.length equal to mfa.totp.digits", at: reader.node("length", in: section))
            }
            return .trailingDigits(length)
        }
        let text = delimiter ?? ","
        if text.isEmpty {
            reader.problem(
                "mfa.otp.delimiter", "is empty and mfa.otp.length is 0, so the code cannot be found in the password",
                fix: "set a delimiter such as ',' or a length such as 6")
        } else if text.contains(where: \.isNumber) {
            reader.problem(
                "mfa.otp.delimiter", "'\(text)' holds a digit, which cannot be told apart from the code",
                fix: "choose a delimiter without digits, such as ','", at: reader.node("delimiter", in: section))
        }
        return .afterDelimiter(text)
    }

    private static func decodeTOTP(_ section: ConfigReader.Section, _ reader: ConfigReader) -> TOTP {
        var period = reader.duration("period", in: section, maximum: .seconds(300)) ?? .seconds(30)
        if period.components.attoseconds != 0 || period < .seconds(1) {
            reader.problem(
                "mfa.totp.period", "must be whole seconds", fix: "write it as 30s or 60s",
                at: reader.node("period", in: section))
            period = .seconds(30)
        }
        return TOTP(
            digits: reader.integer("digits", in: section, range: 6...8) ?? 6,
            period: period,
            algorithm: reader.choice("algorithm", in: section) ?? .sha1,
            window: reader.integer("window", in: section, range: 0...10) ?? 1)
    }
}
