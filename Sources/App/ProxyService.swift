import Logging
import NIOConcurrencyHelpers
import NIOCore
import Prometheus
import ProxyConfig
import ProxyServer
import ServiceLifecycle
import UnixSignals
import Upstream

/// Runs the listener, the directory health checks, the operations endpoint and the reload loop
/// for the service group.
struct ProxyService: Service {
    let application: ProxyApplication
    let listener: LDAPListener
    let runtime: NIOLockedValueBox<Runtime>
    let registry: PrometheusCollectorRegistry
    /// The current runtime's periodic synchroniser, replaced with the runtime on reload.
    let synchroniser = NIOLockedValueBox<Task<Void, Never>?>(nil)
    var logger: Logger { application.logger }

    func run() async throws {
        let initial = runtime.withLockedValue { $0 }
        initial.directory.startHealthChecks()
        let bound = try await listener.start()
        var metadata: Logger.Metadata = [:]
        if let plain = bound.plain { metadata["ldap"] = "\(plain)" }
        if let ldaps = bound.ldaps { metadata["ldaps"] = "\(ldaps)" }
        let readiness = NIOLockedValueBox(ObservabilityServer.Readiness(ready: false, reason: "starting"))
        var observability: ObservabilityServer?
        if let address = try ProxyApplication.observabilityAddress(initial.configuration) {
            let server = ObservabilityServer(address: address, registry: registry, readiness: readiness)
            metadata["operations"] = "\(try await server.start().map { "\($0)" } ?? "?")"
            observability = server
        }
        logger.notice("ldap-mfa-proxy is listening", metadata: metadata)
        startSynchroniser(initial)
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await reloadOnSIGHUP() }
            tasks.addTask {
                while !Task.isCancelled {
                    let current = runtime.withLockedValue { $0 }
                    await ReadinessProbe(directory: current.directory, store: current.store, verdict: readiness).check()
                    try? await Task.sleep(for: .seconds(2))
                }
            }
            // Until SIGTERM/SIGINT (or the group ending).
            try? await gracefulShutdown()
            tasks.cancelAll()
        }
        synchroniser.withLockedValue { $0 }?.cancel()
        await drain()
        await observability?.stop()
        await runtime.withLockedValue { $0 }.shutdown()
    }

    /// Starts `runtime`'s synchroniser (when `sync.enabled`), cancelling the one before it. A cycle
    /// in progress ends at its next step; the store's lease keeps two cycles from overlapping.
    func startSynchroniser(_ runtime: Runtime) {
        let service = runtime.syncService(logger: logger)
        let task = service.map { service in Task { await SyncMetrics.run(service) } }
        synchroniser.withLockedValue { current in
            current?.cancel()
            current = task
        }
        if service != nil {
            logger.notice(
                "directory synchronisation is on",
                metadata: ["interval": "\(runtime.configuration.sync.interval)"])
        }
    }

    /// Stops accepting, then waits for binds in flight up to the drain deadline.
    func drain() async {
        logger.notice("shutting down: no new connections accepted; letting binds in flight finish")
        await listener.stopAccepting()
        let current = runtime.withLockedValue { $0.configuration }
        let deadline = ContinuousClock.now + ProxyApplication.drainTimeout(current)
        while listener.inFlightBinds.current > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        let left = listener.inFlightBinds.current
        if left > 0 {
            logger.warning("drain deadline passed with binds still in flight", metadata: ["binds": "\(left)"])
        } else {
            logger.notice("drained: no bind in flight")
        }
    }

    /// SIGHUP: load the configuration file again; a valid one replaces what new connections use
    /// (certificates included), an invalid one is refused with its problems and the old one stays.
    func reloadOnSIGHUP() async {
        for await _ in await UnixSignalsSequence(trapping: .sighup) {
            let configuration: ProxyConfiguration
            do {
                configuration = try ProxyConfiguration.load(path: application.configurationPath)
            } catch {
                logger.error(
                    "configuration reload refused; the running configuration stays",
                    metadata: ["problems": "\(error)"])
                continue
            }
            do {
                let current = runtime.withLockedValue { $0 }
                let next = try Runtime.build(configuration, logger: logger, audit: application.audit, previous: current)
                let previous = runtime.withLockedValue { current -> Runtime in
                    defer { current = next }
                    return current
                }
                next.directory.startHealthChecks()
                listener.replaceServices(next.services)
                startSynchroniser(next)
                Task {
                    // Binds already handed to the old gate keep its provider until they finish.
                    try? await Task.sleep(for: ProxyApplication.drainTimeout(configuration))
                    await previous.shutdown()
                }
                for warning in configuration.warnings { logger.warning("\(warning)") }
                let waiting = ProxyApplication.keysNeedingRestart(running: previous.configuration, next: configuration)
                if !waiting.isEmpty {
                    logger.warning(
                        "these settings changed but take effect only at the next restart",
                        metadata: ["keys": "\(waiting.joined(separator: ", "))"])
                }
                logger.notice("configuration reloaded", metadata: ["path": "\(application.configurationPath)"])
            } catch {
                logger.error(
                    "configuration reload refused; the running configuration stays", metadata: ["error": "\(error)"])
            }
        }
    }
}
