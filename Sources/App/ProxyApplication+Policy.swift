import NIOCore
import ProxyConfig
import ProxyServer

extension ProxyApplication {
    /// `mfa.*` policy settings.
    static func policy(_ configuration: ProxyConfiguration) -> MFAPolicy {
        MFAPolicy()
    }

    /// `mfa.lockout.*`.
    static func lockoutRules(_ configuration: ProxyConfiguration) -> LockoutRules {
        LockoutRules()
    }

    /// `mfa.bind_cache.ttl`.
    static func bindCacheTTL(_ configuration: ProxyConfiguration) -> TimeAmount {
        .zero
    }
}
