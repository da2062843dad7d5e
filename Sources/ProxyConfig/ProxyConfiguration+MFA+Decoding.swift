extension ProxyConfiguration.MFA {
    /// Reads and checks `mfa`.
    static func decode(_ section: ConfigReader.Section, _ reader: ConfigReader) -> Self {
        let provider: Provider = reader.choice("provider", in: section) ?? .totp
        let failMode: FailMode = reader.choice("fail_mode", in: section) ?? .secure
        if failMode == .safe {
            reader.warning(
                "mfa.fail_mode", "safe: a provider outage lets users in on the password alone",
                fix: "keep secure unless staying reachable matters more than the second factor",
                at: reader.node("fail_mode", in: section))
        }
        let totp = decodeTOTP(reader.section("totp", in: section), reader)
        let otpSection = reader.section("otp", in: section)
        let otp = decodeOTP(otpSection, reader, digits: provider == .totp ? totp.digits : nil)
        let requireUserMatch = reader.boolean("require_user_match", in: section) ?? true
        if !requireUserMatch {
            reader.warning(
                "mfa.require_user_match",
                "false: a user the store has no record of, such as anyone not yet enrolled, passes on the "
                    + "password alone", fix: "keep it true, and exempt service accounts with mfa.exempt instead",
                at: reader.node("require_user_match", in: section))
        }
        return Self(
            provider: provider,
            otp: otp,
            totp: totp,
            failMode: failMode,
            privacyIDEA: PrivacyIDEA.decode(reader.section("privacyidea", in: section), reader, provider: provider),
            radius: RADIUS.decode(reader.section("radius", in: section), reader, provider: provider),
            exempt: Exemptions.decode(reader.section("exempt", in: section), reader),
            requiredGroups: reader.distinguishedNames("required_groups", in: section) ?? [],
            requireUserMatch: requireUserMatch,
            bindCacheTTL: reader.duration(
                "ttl", in: reader.section("bind_cache", in: section), minimum: .zero, maximum: .seconds(600))
                ?? .zero,
            lockout: Lockout.decode(reader.section("lockout", in: section), reader),
            pushKeyword: decodePushKeyword(otpSection, reader, placement: otp),
            groupCacheTTL: reader.duration("group_cache_ttl", in: section, minimum: .zero, maximum: .seconds(3600))
                ?? .seconds(60),
            usernameCacheTTL: reader.duration(
                "username_cache_ttl", in: section, minimum: .zero, maximum: .seconds(3600)) ?? .seconds(60))
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

    /// `mfa.otp.push_keyword`: not empty, not only digits (a code), and without the delimiter (the code is what
    /// follows the last one, so a keyword holding it would never be seen).
    private static func decodePushKeyword(
        _ section: ConfigReader.Section, _ reader: ConfigReader, placement: OTPPlacement
    ) -> String {
        guard let (text, node) = reader.scalar("push_keyword", in: section, expected: "a word") else { return "push" }
        let keyword = text.trimmingSpaces
        let key = "mfa.otp.push_keyword"
        if keyword.isEmpty {
            reader.problem(key, "is empty", fix: "write a word such as push", at: node)
        } else if keyword.allSatisfy({ $0.isASCII && $0.isNumber }) {
            reader.problem(
                key, "'\(keyword)' is only digits, which cannot be told apart from a code",
                fix: "choose a word, such as push", at: node)
        } else if case .afterDelimiter(let delimiter) = placement, !delimiter.isEmpty, keyword.contains(delimiter) {
            reader.problem(
                key, "'\(keyword)' holds the delimiter '\(delimiter)', so it would never be seen whole",
                fix: "choose a keyword without '\(delimiter)'", at: node)
        }
        return keyword
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
