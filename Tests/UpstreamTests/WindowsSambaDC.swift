import Foundation
import NIOSSL
import Testing

@testable import Upstream

#if canImport(Glibc)
    import Glibc
#endif

/// A Samba AD DC started by scripts/samba/start.sh for one test suite (see the `.sambaDC`
/// trait), with what its env file says.
struct SambaDC: Sendable {
    @TaskLocal static var current: SambaDC?

    let environment: [String: String]

    var realm: String { environment["SAMBA_REALM"]! }
    var domain: String { environment["SAMBA_DOMAIN"]! }
    var baseDN: String { environment["SAMBA_BASE_DN"]! }
    var caFile: String { environment["SAMBA_CA_FILE"]! }
    var alicePassword: String { environment["SAMBA_ALICE_PASSWORD"]! }
    var bobPassword: String { environment["SAMBA_BOB_PASSWORD"]! }
    var davePassword: String { environment["SAMBA_DAVE_PASSWORD"]! }
    var servicePrincipal: String { environment["SAMBA_SERVICE_PRINCIPAL"]! }
    var serviceKeytab: String { environment["SAMBA_SERVICE_KEYTAB"]! }

    /// LDAP (StartTLS available) and LDAPS: Samba 4.17 cannot move them off 389 and 636.
    let ldap = UpstreamEndpoint(host: "127.0.0.1", port: 389)
    let ldaps = UpstreamEndpoint(host: "127.0.0.1", port: 636)

    var tls: TLSSettings { TLSSettings(caFile: caFile) }

    /// Windows bind settings for the test domain.
    func settings(_ mechanism: WindowsBindSettings.Mechanism) -> WindowsBindSettings {
        WindowsBindSettings(mechanism: mechanism, realms: [domain: realm], defaultDomain: domain)
    }

    func connect(_ security: ConnectionSecurity) async throws -> UpstreamConnection {
        let endpoint = if case .ldaps = security { ldaps } else { ldap }
        let context = try security.tls.map { try $0.makeContext() }
        return try await UpstreamConnection.connect(
            to: endpoint, security: security, tlsContext: context,
            timeouts: .init(connect: .seconds(5), operation: .seconds(20)))
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var instanceDirectory: URL { repository.appendingPathComponent("run/samba-tests") }

    /// Fails, naming the fix, when the Samba AD DC or the GSS-API NTLM mechanism is missing.
    static func checkInstalled() throws {
        let needed = [
            "/usr/sbin/samba": "samba-ad-dc", "/usr/bin/samba-tool": "samba", "/usr/bin/ldapsearch": "ldap-utils",
            "/usr/lib/x86_64-linux-gnu/gssntlmssp/gssntlmssp.so": "gss-ntlmssp", "/usr/bin/kinit": "krb5-user",
        ]
        let missing = needed.filter { !FileManager.default.fileExists(atPath: $0.key) }.map(\.value).sorted()
        if !missing.isEmpty {
            throw SambaDCError(
                "the Samba AD DC tests need \(missing.joined(separator: ", ")): run scripts/install-deps.sh (as root)")
        }
    }

    /// Runs scripts/samba/start.sh and reads its KEY=VALUE output.
    static func start() throws -> SambaDC {
        try checkInstalled()
        let output = try run(repository.appendingPathComponent("scripts/samba/start.sh").path, instanceDirectory.path)
        var environment: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            environment[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        guard environment["SAMBA_KRB5_CONFIG"] != nil else { throw SambaDCError("start.sh printed no environment") }
        return SambaDC(environment: environment)
    }

    func stop() {
        _ = try? Self.run(
            Self.repository.appendingPathComponent("scripts/samba/stop.sh").path, Self.instanceDirectory.path)
    }

    /// Runs a script to completion and returns its standard output. posix_spawn and waitpid
    /// rather than Foundation's Process, whose waitUntilExit can miss the child's exit here.
    static func run(_ executable: String, _ arguments: String...) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("samba-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, output.path + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        defer { try? FileManager.default.removeItem(atPath: output.path + ".err") }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw SambaDCError("cannot run \(executable): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let out = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard status == 0 else {
            let err = (try? String(contentsOfFile: output.path + ".err", encoding: .utf8)) ?? ""
            throw SambaDCError("\(executable) failed (wait status \(status)): \(err)")
        }
        return out
    }
}

struct SambaDCError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Starts the Samba AD DC once around a whole suite, stops it afterwards, and points the
/// Kerberos library at its krb5.conf. Test processes that run at the same time take turns
/// (Samba's LDAP ports are fixed): a lock file under run/ serialises them.
struct SambaDCTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        try SambaDC.checkInstalled()
        let lock = try await Self.lock()
        defer { close(lock) }
        let dc = try SambaDC.start()
        defer { dc.stop() }
        let previous = getenv("KRB5_CONFIG").map { String(cString: $0) }
        setenv("KRB5_CONFIG", dc.environment["SAMBA_KRB5_CONFIG"]!, 1)
        defer {
            if let previous { setenv("KRB5_CONFIG", previous, 1) } else { unsetenv("KRB5_CONFIG") }
        }
        try await SambaDC.$current.withValue(dc) { try await function() }
    }

    private static func lock() async throws -> Int32 {
        let path = SambaDC.repository.appendingPathComponent("run").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let descriptor = open(path + "/samba-tests.lock", O_CREAT | O_RDWR, 0o644)
        guard descriptor >= 0 else { throw SambaDCError("cannot open \(path)/samba-tests.lock") }
        for _ in 0..<3000 {
            if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return descriptor }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        close(descriptor)
        throw SambaDCError("another test run held \(path)/samba-tests.lock for 10 minutes")
    }
}

extension Trait where Self == SambaDCTrait {
    /// Runs the suite against a Samba AD DC of its own (scripts/samba/start.sh).
    static var sambaDC: Self { Self() }
}
