import Foundation
import NIOCore
import NIOPosix
import TestSupport

@testable import SecondFactor

#if canImport(Glibc)
    import Glibc
#endif

/// Runs `body` with a provider and shuts the provider down afterwards, also when `body` throws
/// (an `HTTPClient` that is not shut down traps in debug builds).
func withPrivacyIDEAProvider<T>(
    _ settings: PrivacyIDEASettings, _ body: (PrivacyIDEAProvider) async throws -> T
) async throws -> T {
    let provider = try PrivacyIDEAProvider(settings: settings)
    do {
        let result = try await body(provider)
        await provider.shutdown()
        return result
    } catch {
        await provider.shutdown()
        throw error
    }
}

/// A failed script, with the end of what it wrote to stderr.
struct ScriptFailure: Error, CustomStringConvertible {
    var description: String
}

/// Runs the project's scripts for the integration tests.
enum TestScripts {
    /// The repository root (three levels above this file).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { repository.appendingPathComponent(relative).path }

    /// Runs `executable` with `arguments` to completion on NIO's blocking-I/O thread pool (never on the
    /// cooperative pool); returns stdout. Throws `ScriptFailure` on a non-zero exit.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws
        -> String
    {
        try await NIOThreadPool.singleton.runIfActive {
            try runBlocking(executable, arguments, environment: environment)
        }
    }

    /// posix_spawn and waitpid rather than Foundation's Process: under the test runner Process left the
    /// finished script a zombie without calling its termination handler, and its children inherited a
    /// signal mask that kept slapd and privacyIDEA from seeing SIGTERM. The child gets an empty signal
    /// mask and default signal actions.
    private static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String])
        throws -> String
    {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("pi-script-\(UUID())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outPath = scratch.appendingPathComponent("out").path
        let errPath = scratch.appendingPathComponent("err").path

        var cArguments = ([executable] + arguments).map { strdup($0) }
        cArguments.append(nil)
        defer { cArguments.forEach { free($0) } }
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        var cEnvironment = merged.map { strdup("\($0.key)=\($0.value)") }
        cEnvironment.append(nil)
        defer { cEnvironment.forEach { free($0) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
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
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, cArguments, cEnvironment)
        guard spawned == 0 else { throw ScriptFailure(description: "cannot run \(executable): errno \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { throw ScriptFailure(description: "waitpid for \(executable): errno \(errno)") }
        }
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        guard exitStatus == 0 else {
            let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
            throw ScriptFailure(
                description: "\(executable) \(arguments.joined(separator: " ")) exited with \(exitStatus): "
                    + String(stderr.suffix(1500)))
        }
        return stdout
    }

    /// A TCP port on 127.0.0.1 for a server a test starts (see `TestPorts`).
    static func freePort() async throws -> Int {
        try TestPorts.free()
    }

    /// `KEY=VALUE` lines as a dictionary.
    static func parseEnv(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
        }
        return values
    }
}
