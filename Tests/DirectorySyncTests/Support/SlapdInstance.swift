import Foundation
import LDAPCore
import Logging
import NIOCore
import TestSupport
import Upstream

#if canImport(Glibc)
    import Glibc
#endif

/// An OpenLDAP instance of scripts/slapd/start.sh (the sample directory: 204 users in ou=people, groups with
/// nesting) on free ports in a temporary directory. Fails with a clear message, never skips, when slapd is missing.
final class SlapdInstance: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    let directory: URL
    let port: Int
    let ldapiURL: String

    private init(directory: URL, port: Int, ldapiURL: String) {
        self.directory = directory
        self.port = port
        self.ldapiURL = ldapiURL
    }

    static func start() async throws -> SlapdInstance {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/slapd") else {
            throw Failure(description: "slapd is not installed (/usr/sbin/slapd): run scripts/install-deps.sh")
        }
        let directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("sync-it-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var output = ""
        for _ in 0..<5 {
            let (port, ldaps) = (try freePort(), try freePort())
            let (status, text) = try await run(
                "/bin/bash",
                [
                    repository.appendingPathComponent("scripts/slapd/start.sh").path, directory.path, "\(port)",
                    "\(ldaps)",
                ])
            output = text
            if status == 0 {
                let ldapi = text.split(separator: "\n").first { $0.hasPrefix("SLAPD_LDAPI_URL=") }
                    .map { String($0.dropFirst("SLAPD_LDAPI_URL=".count)) }
                guard let ldapi else { throw Failure(description: "start.sh printed no SLAPD_LDAPI_URL:\n\(text)") }
                return SlapdInstance(directory: directory, port: port, ldapiURL: ldapi)
            }
            guard text.contains("already in use") else { break }
        }
        try? FileManager.default.removeItem(at: directory)
        throw Failure(description: "scripts/slapd/start.sh failed:\n\(output)")
    }

    /// Stops slapd and removes its directory.
    func stop() async {
        _ = try? await Self.run(
            "/bin/bash", [Self.repository.appendingPathComponent("scripts/slapd/stop.sh").path, directory.path])
        try? FileManager.default.removeItem(at: directory)
    }

    /// The directory as the proxy reaches it: plain LDAP, bound as the sample's query account.
    func upstream() throws -> UpstreamDirectory {
        let server = DirectorySettings.Server(
            endpoint: UpstreamEndpoint(host: "127.0.0.1", port: port, label: "ldap://127.0.0.1:\(port)"),
            authenticationSecurity: .plain, querySecurity: .plain)
        let bind = BindRequest(
            name: "cn=proxy-reader,ou=service,dc=example,dc=test",
            authentication: .simple(SensitiveBytes(ByteBuffer(string: "reader-password"))))
        return try UpstreamDirectory(settings: DirectorySettings(servers: [server], queryBind: bind), logger: .quiet)
    }

    /// Applies LDIF changes as the directory's manager (SASL EXTERNAL over ldapi).
    func modify(_ ldif: String) async throws {
        let input = directory.appendingPathComponent("change-\(UUID().uuidString.prefix(6)).ldif")
        try ldif.write(to: input, atomically: true, encoding: .utf8)
        let (status, text) = try await Self.run(
            "/usr/bin/ldapmodify", ["-Q", "-Y", "EXTERNAL", "-H", ldapiURL, "-f", input.path])
        guard status == 0 else { throw Failure(description: "ldapmodify failed:\n\(text)\n\(ldif)") }
    }

    static func freePort() throws -> Int {
        try TestPorts.free()
    }

    /// Runs a program to its end (see `TestProcess.run`).
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) async throws -> (Int32, String) {
        try await TestProcess.run(executable, arguments)
    }
}
