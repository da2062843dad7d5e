import Foundation
import LDAPCore
import NIOCore
import Upstream

#if canImport(Glibc)
    import Glibc
#endif

/// A Samba AD DC of scripts/samba/start.sh (realm EXAMPLE.TEST: alice, bob, carol, dave in CN=Users; vpn-users
/// holds bob and the group engineering, which holds alice). Its LDAP ports are fixed (389, 636), so test processes
/// take turns through the lock file run/samba-tests.lock, as the Upstream tests do. Fails, never skips, when Samba
/// is missing.
struct SambaInstance: Sendable {
    static let repository = SlapdInstance.repository
    static let directory = repository.appendingPathComponent("run/samba-sync-tests")
    static let baseDN = "DC=example,DC=test"
    static let administrator = "CN=Administrator,CN=Users,DC=example,DC=test"
    static let password = "Admin-Passw0rd"
    static var caFile: String { repository.appendingPathComponent("run/certs/ca.pem").path }

    /// Runs `body` with the DC started, under the lock; stops it afterwards.
    static func with(_ body: (SambaInstance) async throws -> Void) async throws {
        for tool in ["/usr/sbin/samba", "/usr/bin/samba-tool", "/usr/bin/ldapmodify"]
        where !FileManager.default.isExecutableFile(atPath: tool) {
            throw SlapdInstance.Failure(description: "\(tool) is missing: run scripts/install-deps.sh")
        }
        let lock = try await takeLock()
        defer { close(lock) }
        let start = repository.appendingPathComponent("scripts/samba/start.sh").path
        let (status, output) = try await SlapdInstance.run("/bin/bash", [start, directory.path])
        guard status == 0 else { throw SlapdInstance.Failure(description: "scripts/samba/start.sh failed:\n\(output)") }
        let stop = repository.appendingPathComponent("scripts/samba/stop.sh").path
        do {
            try await body(SambaInstance())
        } catch {
            _ = try? await SlapdInstance.run("/bin/bash", [stop, directory.path])
            throw error
        }
        _ = try? await SlapdInstance.run("/bin/bash", [stop, directory.path])
    }

    private static func takeLock() async throws -> Int32 {
        let path = repository.appendingPathComponent("run").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let descriptor = open(path + "/samba-tests.lock", O_CREAT | O_RDWR, 0o644)
        guard descriptor >= 0 else { throw SlapdInstance.Failure(description: "cannot open run/samba-tests.lock") }
        for _ in 0..<3000 {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return descriptor }
            try await Task.sleep(for: .milliseconds(200))
        }
        close(descriptor)
        throw SlapdInstance.Failure(description: "another test run held run/samba-tests.lock for 10 minutes")
    }

    /// The DC over LDAPS, bound as Administrator (who holds the replication right DirSync needs).
    func upstream() throws -> UpstreamDirectory {
        let tls = ConnectionSecurity.ldaps(TLSSettings(caFile: Self.caFile))
        let server = DirectorySettings.Server(
            endpoint: UpstreamEndpoint(host: "127.0.0.1", port: 636, label: "ldaps://127.0.0.1"),
            authenticationSecurity: tls, querySecurity: tls)
        let bind = BindRequest(
            name: Self.administrator, authentication: .simple(SensitiveBytes(ByteBuffer(string: Self.password))))
        return try UpstreamDirectory(settings: DirectorySettings(servers: [server], queryBind: bind), logger: .quiet)
    }

    /// Applies LDIF changes as Administrator.
    func modify(_ ldif: String) async throws {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("samba-\(UUID().uuidString).ldif")
        try ldif.write(to: input, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: input) }
        let (status, text) = try await SlapdInstance.run(
            "/usr/bin/env",
            [
                "LDAPTLS_CACERT=\(Self.caFile)", "/usr/bin/ldapmodify", "-x", "-H", "ldaps://127.0.0.1:636", "-D",
                Self.administrator, "-w", Self.password, "-f", input.path,
            ])
        guard status == 0 else { throw SlapdInstance.Failure(description: "ldapmodify failed:\n\(text)\n\(ldif)") }
    }
}
