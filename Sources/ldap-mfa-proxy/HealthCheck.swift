import App
import ArgumentParser
import Foundation
import NIOCore
import ProxyConfig

/// `healthcheck`: asks the running proxy's operations endpoint; exit status 0 when it answers 200.
///
/// Made for a container's HEALTHCHECK (the image has no curl). The address is `--address`, else the
/// `LDAP_MFA_PROXY__OPERATIONS__LISTEN` variable the image sets, else `operations.listen` of `--config`.
struct HealthCheck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck",
        abstract: "Ask the operations endpoint of a running proxy; exit 0 when it answers 200 OK.")

    @Option(help: "The operations endpoint, host:port (a wildcard address is reached on loopback).")
    var address: String?
    @Option(help: "The path to ask: /healthz (alive) or /readyz (ready for traffic).")
    var path: String = "/healthz"
    @Option(name: .shortAndLong, help: "A configuration file to take operations.listen from.")
    var config: String?
    @Option(help: "Seconds to wait for the answer.")
    var timeout: Int = 5

    /// The variable that sets `operations.listen`.
    static let listenVariable = "LDAP_MFA_PROXY__OPERATIONS__LISTEN"

    func run() async throws {
        let target = try endpoint()
        do {
            let answer = try await OperationsCheck.get(
                host: target.host, port: target.port, path: path, timeout: .seconds(Int64(max(1, timeout))))
            print("\(path): \(answer.status) \(answer.body.trimmingCharacters(in: .whitespacesAndNewlines))")
            if answer.status != 200 { throw ExitCode(1) }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            print("\(path): no answer from \(target): \(error)")
            throw ExitCode(1)
        }
    }

    private func endpoint() throws -> ListenAddress {
        if let text = address ?? ProcessInfo.processInfo.environment[Self.listenVariable], !text.isEmpty {
            guard let parsed = Self.parse(text) else {
                throw ValidationError("'\(text)' is not host:port, such as 127.0.0.1:9090")
            }
            return parsed
        }
        if let config {
            let configuration: ProxyConfiguration
            do {
                configuration = try ProxyConfiguration.load(path: config)
            } catch {
                print("\(error)")
                throw ExitCode(1)
            }
            if let listen = configuration.operations.listen { return listen }
            throw ValidationError("operations.listen is not set in \(config): the operations endpoint is off")
        }
        throw ValidationError("give --address host:port, set \(Self.listenVariable), or give --config")
    }

    /// `host:port` or `[v6]:port`.
    static func parse(_ text: String) -> ListenAddress? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let colon = trimmed.lastIndex(of: ":"), let port = Int(trimmed[trimmed.index(after: colon)...]),
            (1...65535).contains(port)
        else { return nil }
        var host = String(trimmed[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return ListenAddress(host: host, port: port)
    }
}
