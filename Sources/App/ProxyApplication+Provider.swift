import ProxyConfig
import SecondFactor
import UserStore

extension ProxyApplication {
    /// The second-factor provider `mfa.provider` names.
    static func makeProvider(_ configuration: ProxyConfiguration, store: SQLiteUserStore) throws
        -> any SecondFactorProvider
    {
        switch configuration.mfa.provider {
        case .totp:
            return TOTPProvider(store: TOTPStoreAdapter(store: store), parameters: try totpParameters(configuration))
        case .privacyidea, .radius:
            throw ProviderNotWired(provider: configuration.mfa.provider.rawValue)
        }
    }

    /// Until a provider is wired into the App, `serve` refuses it clearly.
    struct ProviderNotWired: Error, CustomStringConvertible {
        let provider: String
        var description: String { "mfa.provider \(provider) is not available in this build" }
    }
}
