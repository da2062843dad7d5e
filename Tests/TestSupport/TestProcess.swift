import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the project's scripts and tools from tests (slapd, PostgreSQL and Samba start and stop
/// scripts, ldapmodify, psql), shared by the test targets.
public enum TestProcess {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs a program to its end with its output (stdout and stderr) in a file, off the cooperative
    /// thread pool: posix_spawn and a blocking waitpid on a thread of its own (Foundation's Process
    /// has hung test processes here). Returns the exit status (128 + signal when killed) and the output.
    public static func run(_ executable: String, _ arguments: [String]) async throws -> (Int32, String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("test-\(UUID().uuidString).out")
        defer { try? FileManager.default.removeItem(at: output) }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try spawnAndWait(executable, arguments, output: output.path) })
            }.start()
        }
        return (status, (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }

    private static func spawnAndWait(_ executable: String, _ arguments: [String], output: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        // The thread's blocked signals would be inherited: a server would ignore its stop script's
        // TERM (slapd) or pg_ctl's signals (PostgreSQL).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        var defaults = sigset_t()
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard spawned == 0 else { throw Failure(description: "cannot run \(executable): error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw Failure(description: "waitpid failed: errno \(errno)") }
        }
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}
