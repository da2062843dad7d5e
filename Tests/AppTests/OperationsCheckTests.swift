import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Prometheus
import ProxyConfig
import Testing

@testable import App

@Suite("healthcheck client and operations settings")
struct OperationsCheckTests {
    @Test("gets the status and body of the operations endpoint")
    func answers() async throws {
        let readiness = NIOLockedValueBox(ObservabilityServer.Readiness(ready: false, reason: "starting"))
        let server = ObservabilityServer(
            address: try SocketAddress(ipAddress: "127.0.0.1", port: 0), registry: PrometheusCollectorRegistry(),
            readiness: readiness)
        let port = try #require(try await server.start()?.port)
        let health = try await OperationsCheck.get(host: "0.0.0.0", port: port, path: "/healthz")
        #expect(health.status == 200)
        #expect(health.body == "ok\n")
        let ready = try await OperationsCheck.get(host: "127.0.0.1", port: port, path: "/readyz")
        #expect(ready.status == 503)
        #expect(ready.body.contains("starting"))
        await server.stop()
    }

    @Test("fails when nothing listens")
    func nothingListens() async throws {
        // Bind a port, then close it: nothing listens there afterwards.
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        await #expect(throws: (any Error).self) {
            _ = try await OperationsCheck.get(host: "127.0.0.1", port: port, path: "/healthz", timeout: .seconds(2))
        }
    }

    @Test("reaches a wildcard listen address on loopback")
    func wildcard() {
        #expect(OperationsCheck.reachableHost("0.0.0.0") == "127.0.0.1")
        #expect(OperationsCheck.reachableHost("::") == "::1")
        #expect(OperationsCheck.reachableHost("10.1.2.3") == "10.1.2.3")
    }

    @Test("names the settings a reload cannot apply")
    func restartKeys() throws {
        let yaml = """
            directory:
              servers: "ldaps://dir.example.test"
              base_dn: "dc=example,dc=test"
              bind_dn: "cn=reader,ou=service,dc=example,dc=test"
            """
        let environment = ["LDAP_MFA_PROXY_BIND_PASSWORD": "x"]
        let running = try ProxyConfiguration.parse(yaml: yaml, baseDirectory: "/tmp", environment: environment)
        var next = running
        #expect(ProxyApplication.keysNeedingRestart(running: running, next: next).isEmpty)
        next.operations.listen = ListenAddress(host: "127.0.0.1", port: 9090)
        next.operations.drainTimeout = .seconds(5)
        next.log.format = .text
        #expect(ProxyApplication.keysNeedingRestart(running: running, next: next) == ["log", "operations.listen"])
        #expect(ProxyApplication.drainTimeout(next) == .seconds(5))
        #expect(!ProxyApplication.logFormatIsJSON(next))
        next.log.audit = .file("/var/log/audit.jsonl")
        #expect(ProxyApplication.auditDestination(next) == "/var/log/audit.jsonl")
        #expect(try ProxyApplication.observabilityAddress(next)?.port == 9090)
        #expect(try ProxyApplication.observabilityAddress(running) == nil)
    }
}
