import NIOCore
import ProxyConfig
import ProxyServer

extension ProxyApplication {
    /// `mfa.*` policy settings: fail mode, exemptions, required groups, `require_user_match`, the push keyword.
    static func policy(_ configuration: ProxyConfiguration) -> MFAPolicy {
        let mfa = configuration.mfa
        let failMode: MFAPolicy.FailMode =
            switch mfa.failMode {
            case .secure: .secure
            case .safe: .safe
            }
        // Loading has checked every range, so none is dropped here.
        let networks = mfa.exempt.networks.compactMap(NetworkRange.init)
        return MFAPolicy(
            failMode: failMode, exemptDNs: mfa.exempt.dns, exemptSubtrees: mfa.exempt.subtrees,
            exemptGroups: mfa.exempt.groups, exemptNetworks: networks, requiredGroups: mfa.requiredGroups,
            requireUserMatch: mfa.requireUserMatch, pushKeyword: mfa.pushKeyword)
    }

    /// `mfa.lockout.*`.
    static func lockoutRules(_ configuration: ProxyConfiguration) -> LockoutRules {
        let lockout = configuration.mfa.lockout
        return LockoutRules(
            maxFailures: lockout.maxFailures, maxFailuresPerAddress: lockout.maxFailuresPerAddress,
            window: TimeAmount(lockout.window), duration: TimeAmount(lockout.duration))
    }

    /// `mfa.bind_cache.ttl`; zero turns the cache off.
    static func bindCacheTTL(_ configuration: ProxyConfiguration) -> TimeAmount {
        TimeAmount(configuration.mfa.bindCacheTTL)
    }

    /// `mfa.username_cache_ttl`: how long the gate keeps the username found on a user's entry.
    static func usernameCacheTTL(_ configuration: ProxyConfiguration) -> TimeAmount {
        TimeAmount(configuration.mfa.usernameCacheTTL)
    }

    /// `mfa.group_cache_ttl`: how long the group resolver keeps a user's groups.
    static func groupCacheTTL(_ configuration: ProxyConfiguration) -> TimeAmount {
        TimeAmount(configuration.mfa.groupCacheTTL)
    }
}
