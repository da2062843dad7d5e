import LDAPCore

extension ProxyConfiguration {
    /// `mfa`: the second factor, how its code travels inside the bind password, and who must pass it.
    public struct MFA: Sendable, Equatable {
        /// `mfa.provider`: who checks the code. Default totp.
        public var provider: Provider
        /// `mfa.otp`: where the code sits in the password. Default: after the last `,`.
        public var otp: OTPPlacement
        /// `mfa.totp`: the TOTP parameters (RFC 6238).
        public var totp: TOTP
        /// `mfa.fail_mode`: what an unreachable or timed-out provider means. Default secure.
        public var failMode: FailMode
        /// `mfa.privacyidea`: set exactly when ``provider`` is privacyidea (loading fails otherwise).
        public var privacyIDEA: PrivacyIDEA?
        /// `mfa.radius`: set exactly when ``provider`` is radius (loading fails otherwise).
        public var radius: RADIUS?
        /// `mfa.exempt`: binds that never need a second factor. Default: none.
        public var exempt: Exemptions
        /// `mfa.required_groups`: when not empty, only members of these groups (nested included) need a second
        /// factor. Default empty: everyone does.
        public var requiredGroups: [DistinguishedName]
        /// `mfa.require_user_match`: deny a user the store has no record of (true), or let such a user in on the
        /// password alone (false). Default true.
        public var requireUserMatch: Bool
        /// `mfa.bind_cache.ttl`: the same DN with the same full password and code within this time passes without
        /// a new code. Default zero: off.
        public var bindCacheTTL: Duration
        /// `mfa.lockout`: refusing binds after repeated failures.
        public var lockout: Lockout
        /// `mfa.otp.push_keyword`: a code equal to it (in any case) asks for a push. Default `push`.
        public var pushKeyword: String
        /// `mfa.group_cache_ttl`: how long a user's group membership is cached; zero asks every time. Default 60s.
        public var groupCacheTTL: Duration
        /// `mfa.username_cache_ttl`: how long the username found on a user's entry (for the second factor) is
        /// remembered; zero searches on every gated bind. Default 60s.
        public var usernameCacheTTL: Duration
    }
}

extension ProxyConfiguration.MFA {
    /// A second-factor provider.
    public enum Provider: String, Sendable, Hashable, CaseIterable {
        /// Time-based one-time passwords (RFC 6238), checked by the proxy against its user store.
        case totp
        /// A privacyIDEA server (`mfa.privacyidea`): codes, challenge-response and push tokens.
        case privacyidea
        /// RADIUS servers (`mfa.radius`, RFC 2865).
        case radius
    }

    /// What an unreachable or timed-out provider means (`mfa.fail_mode`).
    public enum FailMode: String, Sendable, Hashable, CaseIterable {
        /// Deny the bind.
        case secure
        /// Allow the bind on the directory password alone; every such pass is logged.
        case safe
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
