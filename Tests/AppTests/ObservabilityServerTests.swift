import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Prometheus
import Testing

@testable import App

@Suite("Operations endpoint")
struct ObservabilityServerTests {
    /// Sends one HTTP/1.1 request and returns the whole response text.
    func get(_ path: String, port: Int) async throws -> String {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(
                ByteBuffer(string: "GET \(path) HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"))
            var text = ""
            for try await chunk in inbound { text += String(buffer: chunk) }
            return text
        }
    }

    @Test("serves metrics, health and readiness, and 404 elsewhere")
    func endpoints() async throws {
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(name: "ldap_mfa_proxy_test_total").increment()
        let readiness = NIOLockedValueBox(
            ObservabilityServer.Readiness(ready: false, reason: "no directory server is healthy"))
        let server = ObservabilityServer(
            address: try SocketAddress(ipAddress: "127.0.0.1", port: 0), registry: registry, readiness: readiness)
        let port = try #require(try await server.start()?.port)
        let metrics = try await get("/metrics", port: port)
        #expect(metrics.hasPrefix("HTTP/1.1 200"))
        #expect(metrics.contains("ldap_mfa_proxy_test_total 1"))
        #expect(try await get("/healthz", port: port).hasPrefix("HTTP/1.1 200"))
        let notReady = try await get("/readyz", port: port)
        #expect(notReady.hasPrefix("HTTP/1.1 503"))
        #expect(notReady.contains("no directory server is healthy"))
        readiness.withLockedValue { $0 = .init(ready: true, reason: "ready") }
        #expect(try await get("/readyz", port: port).hasPrefix("HTTP/1.1 200"))
        #expect(try await get("/nope", port: port).hasPrefix("HTTP/1.1 404"))
        await server.stop()
    }
}
