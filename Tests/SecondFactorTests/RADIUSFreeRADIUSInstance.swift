import Foundation
import NIOCore
import NIOPosix

@testable import SecondFactor

/// A FreeRADIUS instance of scripts/freeradius/start.sh in a temporary directory, for integration tests. The scripts
/// run on NIO's thread pool, never on the cooperative pool.
struct RADIUSFreeRADIUSInstance: Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The repository root, found from this file's path (Tests/SecondFactorTests/...).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    let directory: URL
    let port: Int

    var server: RADIUSSettings.Server { RADIUSSettings.Server(host: "127.0.0.1", port: port) }

    /// Starts FreeRADIUS on a free port (and port + 1 for accounting); fails, never skips, when it is missing.
    static func start(secret: String) async throws -> RADIUSFreeRADIUSInstance {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/freeradius") else {
            throw Failure(
                description: "FreeRADIUS is not installed (/usr/sbin/freeradius): run scripts/install-deps.sh")
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("radius-it-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var lastOutput = ""
        for _ in 0..<5 {
            let port = try await freeUDPPort(pairedWithNext: true)
            let (status, output) = try await run("freeradius/start.sh", [directory.path, String(port), secret])
            if status == 0 { return RADIUSFreeRADIUSInstance(directory: directory, port: port) }
            lastOutput = output
            guard output.contains("already in use") else { break }
        }
        _ = try? await run("freeradius/stop.sh", [directory.path])
        try? FileManager.default.removeItem(at: directory)
        throw Failure(description: "scripts/freeradius/start.sh failed:\n\(lastOutput)")
    }

    /// Stops the instance and removes its directory.
    func stop() async {
        _ = try? await Self.run("freeradius/stop.sh", [directory.path])
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts an instance, runs `body` with it and stops it, whether `body` returns, throws or records issues.
    static func with(secret: String, _ body: (RADIUSFreeRADIUSInstance) async throws -> Void) async throws {
        let instance = try await start(secret: secret)
        do {
            try await body(instance)
        } catch {
            await instance.stop()
            throw error
        }
        await instance.stop()
    }

    /// A UDP port on 127.0.0.1 that was free a moment ago (and, if asked, the next one too).
    static func freeUDPPort(pairedWithNext: Bool = false) async throws -> Int {
        for _ in 0..<20 {
            let first = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "127.0.0.1", port: 0).get()
            let port = first.localAddress!.port!
            var ok = port < 65535
            if pairedWithNext, ok {
                let next = try? await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .bind(host: "127.0.0.1", port: port + 1).get()
                ok = next != nil
                try? await next?.close()
            }
            try await first.close()
            if ok { return port }
        }
        throw Failure(description: "no free UDP port pair found")
    }

    private static func run(_ script: String, _ arguments: [String]) async throws -> (Int32, String) {
        try await NIOThreadPool.singleton.runIfActive { try runBlocking(script, arguments) }
    }

    /// Runs a script with bash and waits for it; returns its exit status and its output (stdout and stderr).
    ///
    /// posix_spawn and waitpid rather than Foundation's Process: Process.waitUntilExit was seen to hang here after
    /// the script had exited, and its children inherited a signal mask that kept FreeRADIUS from seeing SIGTERM.
    /// The child gets an empty signal mask and default signal actions.
    private static func runBlocking(_ script: String, _ arguments: [String]) throws -> (Int32, String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("radius-script-\(UUID()).log")
        defer { try? FileManager.default.removeItem(at: output) }
        let argv = ["/bin/bash", repository.appendingPathComponent("scripts/\(script)").path] + arguments
        var cArguments = argv.map { strdup($0) }
        cArguments.append(nil)
        defer { cArguments.forEach { free($0) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, &attributes, cArguments, environ)
        guard spawned == 0 else { throw Failure(description: "cannot run \(script): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw Failure(description: "waitpid for \(script): errno \(errno)") }
        }
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        return (exitStatus, text)
    }
}
