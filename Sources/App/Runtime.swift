import DirectorySync
import Logging
import NIOCore
import NIOSSL
import ProxyConfig
import ProxyServer
import SecondFactor
import Upstream
import UserStore

/// Everything built from one configuration: the store, the directory, the gate and what the
/// listener hands to new connections. A reload builds a new one and swaps it in.
struct Runtime: Sendable {
    let configuration: ProxyConfiguration
    let store: any MFAUserStore
    let directory: UpstreamDirectory
    let provider: any SecondFactorProvider
    let services: ProxyServices
    let lockout: LockoutTracker
    let cache: BindCache

    /// - Parameter previous: the runtime a reload replaces. Its in-memory lockout counters and bind
    ///   cache carry over when their settings did not change, so a SIGHUP does not unlock anyone.
    static func build(
        _ configuration: ProxyConfiguration, logger: Logger, audit: any AuditSink, previous: Runtime? = nil
    ) throws -> Runtime {
        let (store, warning) = try ConfiguredUserStore.open(configuration, logger: logger)
        if let warning { logger.warning("\(warning)") }
        do {
            return try build(configuration, store: store, logger: logger, audit: audit, previous: previous)
        } catch {
            Task { await store.close() }
            throw error
        }
    }

    private static func build(
        _ configuration: ProxyConfiguration, store: any MFAUserStore, logger: Logger, audit: any AuditSink,
        previous: Runtime?
    ) throws -> Runtime {
        let directory = try UpstreamDirectory(settings: DirectorySettings(configuration), logger: logger)
        let inMemory = store.sharedPolicyState == nil && previous?.store.sharedPolicyState == nil
        var lockout = lockoutTracker(configuration, store: store, logger: logger)
        if inMemory, let kept = previous?.lockout, kept.rules == lockout.rules { lockout = kept }
        var cache = bindCache(configuration, store: store, logger: logger)
        if inMemory, let kept = previous?.cache, kept.timeToLive == cache.timeToLive { cache = kept }
        let gateStore = StoreGateAdapter(store: store)
        let provider = try ProxyApplication.makeProvider(configuration, store: store, gateStore: gateStore)
        let gate = BindGate(
            directory: directory, provider: provider,
            settings: GateSettings(
                otpSplitter: ProxyApplication.splitter(configuration),
                usernameAttributes: configuration.directory.usernameAttributes,
                policy: ProxyApplication.policy(configuration)),
            audit: MetricsAuditSink(next: audit),
            records: gateStore,
            groups: GroupResolver(
                directory: directory, baseDN: configuration.directory.baseDN.description,
                timeToLive: ProxyApplication.groupCacheTTL(configuration)),
            lockout: lockout, cache: cache,
            usernames: UsernameCache(timeToLive: ProxyApplication.usernameCacheTTL(configuration)))
        let listen = configuration.listen
        let tlsContext = try listen.tls.map { try ProxyApplication.serverTLSContext($0) }
        let services = ProxyServices(
            gate: gate, directory: directory,
            session: SessionConfiguration(
                idleTimeout: TimeAmount(listen.idleTimeout), relayAnonymousBinds: listen.anonymousBinds == .relay,
                startTLSAvailable: listen.offersStartTLS),
            tlsContext: tlsContext, logger: logger)
        return Runtime(
            configuration: configuration, store: store, directory: directory, provider: provider, services: services,
            lockout: lockout, cache: cache)
    }

    /// Closes what this runtime opened: upstream connections and the provider's clients. A reload
    /// calls it on the runtime it replaced once that one's binds have had their answer.
    func shutdown() async {
        await directory.shutdown()
        await provider.shutdown()
        await store.close()
    }

    /// Lockout counters in memory, or in the store when replicas share it (`store.postgres`).
    static func lockoutTracker(
        _ configuration: ProxyConfiguration, store: any MFAUserStore, logger: Logger
    ) -> LockoutTracker {
        let rules = ProxyApplication.lockoutRules(configuration)
        guard let shared = store.sharedPolicyState else { return LockoutTracker(rules: rules) }
        return LockoutTracker(rules: rules, shared: StoreLockoutBackend(store: shared, logger: logger))
    }

    /// The bind cache in memory, or in the store when replicas share it (`store.postgres`).
    static func bindCache(_ configuration: ProxyConfiguration, store: any MFAUserStore, logger: Logger) -> BindCache {
        let ttl = ProxyApplication.bindCacheTTL(configuration)
        guard let shared = store.sharedPolicyState else { return BindCache(timeToLive: ttl) }
        return BindCache(
            timeToLive: ttl, shared: StoreBindCacheBackend(store: shared, logger: logger), salt: shared.bindCacheSalt)
    }

    /// The periodic synchroniser (`sync.enabled`), run by `serve` while this runtime is current.
    func syncService(logger: Logger) -> SyncService? {
        guard configuration.sync.enabled else { return nil }
        return ProxyApplication.syncService(configuration, directory: directory, store: store, logger: logger)
    }
}
