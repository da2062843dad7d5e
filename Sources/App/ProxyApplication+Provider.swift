import ProxyConfig
import SecondFactor
import UserStore

extension ProxyApplication {
    /// The second-factor provider `mfa.provider` names, built from its `mfa.*` section. The runtime calls the
    /// provider's `shutdown()` when it is replaced or the process stops.
    ///
    /// - Throws: ``ProviderSetupError`` naming the key when the section cannot be used (loading has already
    ///   checked it, so this is for what only the provider can see, such as a CA file that holds no certificate).
    static func makeProvider(
        _ configuration: ProxyConfiguration, store: any MFAUserStore, gateStore: StoreGateAdapter? = nil
    ) throws -> any SecondFactorProvider {
        let mfa = configuration.mfa
        switch mfa.provider {
        case .totp:
            return TOTPProvider(
                store: gateStore ?? StoreGateAdapter(store: store), parameters: try totpParameters(configuration))
        case .privacyidea:
            guard let section = mfa.privacyIDEA else { throw ProviderSetupError(key: "mfa.privacyidea.url") }
            do {
                return try PrivacyIDEAProvider(settings: privacyIDEASettings(section))
            } catch {
                throw ProviderSetupError(key: "mfa.privacyidea", reason: error.description)
            }
        case .radius:
            guard let section = mfa.radius else { throw ProviderSetupError(key: "mfa.radius.servers") }
            do {
                return try RADIUSProvider(settings: radiusSettings(section))
            } catch {
                throw ProviderSetupError(key: "mfa.radius", reason: error.description)
            }
        }
    }

    /// `mfa.privacyidea.*` as the provider's settings (the poll interval keeps its default, 1 s).
    static func privacyIDEASettings(_ section: ProxyConfiguration.MFA.PrivacyIDEA) -> PrivacyIDEASettings {
        PrivacyIDEASettings(
            url: section.url.absoluteString, realm: section.realm, caFile: section.caFile,
            verifyHostname: section.verifyHostname, pushTimeout: section.pushTimeout, requestTimeout: section.timeout)
    }

    /// `mfa.radius.*` as the provider's settings; the secret was read from `secret_file` (or the variable).
    static func radiusSettings(_ section: ProxyConfiguration.MFA.RADIUS) -> RADIUSSettings {
        let send: RADIUSSettings.SendMode =
            switch section.send {
            case .code: .code
            case .passwordAndCode: .passwordAndCode
            }
        return RADIUSSettings(
            servers: section.servers.map { RADIUSSettings.Server(host: $0.host, port: $0.port) },
            secret: section.secret.bytes, timeout: section.timeout, retries: section.retries, send: send,
            nasIdentifier: section.nasIdentifier)
    }

    /// A provider section that the provider itself refuses; names the key to fix. Never holds a secret: the
    /// providers' errors never quote one.
    struct ProviderSetupError: Error, CustomStringConvertible {
        let key: String
        var reason = "missing"
        var description: String { "\(key): \(reason)" }
    }
}
