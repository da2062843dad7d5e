import NIOPosix

/// The threads GSS-API and Kerberos library calls run on: they block (DNS, the KDC over the
/// network, file reads of krb5.conf), so they never run on an event loop thread.
enum GSSThreads {
    /// Shared by every Windows bind in the process. Four threads: a slow KDC stalls at most
    /// four binds' credential steps at once; the rest of the proxy is unaffected.
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        return pool
    }()

    /// Runs `body` on a GSS thread and returns its result to the caller's task.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }
}
