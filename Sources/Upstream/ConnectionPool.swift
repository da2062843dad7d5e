import LDAPCore
import NIOCore
import NIOPosix
import NIOSSL

/// Long-lived connections to one server, one operation in flight on each (DESIGN.md decision 3).
///
/// New connections are opened on demand up to `maximumSize`; callers beyond that wait in order.
/// `prepare` runs on every new connection (e.g. binding as the service account for queries).
///
/// A caller running on an event loop (a bind gate task with that loop as its executor preference, SE-0417)
/// gets an idle connection on the same loop when there is one, and a new connection opens on that loop:
/// the bind then never changes threads between the client's connection and the directory's.
actor ConnectionPool {
    let endpoint: UpstreamEndpoint
    let security: ConnectionSecurity
    let tlsContext: NIOSSLContext?
    let timeouts: UpstreamConnection.Timeouts
    let frameLimits: LDAPFrameLimits
    let maximumSize: Int
    let prepare: @Sendable (UpstreamConnection) async throws -> Void

    private var idle: [UpstreamConnection] = []
    private var identities: [ObjectIdentifier: String] = [:]
    private var openCount = 0
    private var waiters: [CheckedContinuation<UpstreamConnection?, Never>] = []

    init(
        endpoint: UpstreamEndpoint, security: ConnectionSecurity, tlsContext: NIOSSLContext?,
        timeouts: UpstreamConnection.Timeouts, frameLimits: LDAPFrameLimits, maximumSize: Int,
        prepare: @escaping @Sendable (UpstreamConnection) async throws -> Void
    ) {
        self.endpoint = endpoint
        self.security = security
        self.tlsContext = tlsContext
        self.timeouts = timeouts
        self.frameLimits = frameLimits
        self.maximumSize = max(1, maximumSize)
        self.prepare = prepare
    }

    /// A connection for one operation, and whether it is new (a reused one may have been closed
    /// by the server while idle; a failure on it says less about the server's health).
    func acquire() async throws -> (connection: UpstreamConnection, isNew: Bool) {
        while true {
            while !idle.isEmpty {
                let connection = idle.remove(at: preferredIdleIndex())
                if connection.isActive { return (connection, false) }
                discard(connection)
            }
            if openCount < maximumSize {
                openCount += 1
                do {
                    let connection = try await UpstreamConnection.connect(
                        to: endpoint, security: security, tlsContext: tlsContext, timeouts: timeouts,
                        frameLimits: frameLimits,
                        group: MultiThreadedEventLoopGroup.currentEventLoop ?? MultiThreadedEventLoopGroup.singleton)
                    do {
                        try await prepare(connection)
                    } catch {
                        connection.close()
                        throw error
                    }
                    return (connection, true)
                } catch {
                    openCount -= 1
                    wakeOneWaiter(with: nil)
                    throw error
                }
            }
            if let connection = await withCheckedContinuation({ waiters.append($0) }) {
                if connection.isActive { return (connection, false) }
                discard(connection)
            }
        }
    }

    /// Returns a connection after use. `boundAs` records the identity it is now bound as.
    func release(_ connection: UpstreamConnection, reusable: Bool, boundAs identity: String? = nil) {
        guard reusable, connection.isActive else {
            connection.close()
            discard(connection)
            wakeOneWaiter(with: nil)
            return
        }
        identities[ObjectIdentifier(connection)] = identity
        if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: connection)
        } else {
            idle.append(connection)
        }
    }

    /// Closes idle connections still bound as `identity`, so a user whose second factor failed
    /// leaves no authenticated connection behind.
    func scrub(identity: String) {
        let (bound, others) = idle.reduce(into: ([UpstreamConnection](), [UpstreamConnection]())) { parts, connection in
            if identities[ObjectIdentifier(connection)] == identity {
                parts.0.append(connection)
            } else {
                parts.1.append(connection)
            }
        }
        idle = others
        for connection in bound {
            connection.close()
            discard(connection)
        }
    }

    /// Closes every idle connection (after the server failed, they are probably dead).
    func closeIdle() {
        let connections = idle
        idle = []
        for connection in connections {
            connection.close()
            discard(connection)
        }
    }

    /// The most recently released idle connection on the caller's event loop, else the most recently
    /// released one. `idle` must not be empty.
    private func preferredIdleIndex() -> Int {
        if let loop = MultiThreadedEventLoopGroup.currentEventLoop,
            let index = idle.lastIndex(where: { $0.eventLoop === loop })
        {
            return index
        }
        return idle.count - 1
    }

    var counts: (open: Int, idle: Int, waiting: Int) { (openCount, idle.count, waiters.count) }

    private func discard(_ connection: UpstreamConnection) {
        identities[ObjectIdentifier(connection)] = nil
        openCount = max(0, openCount - 1)
    }

    private func wakeOneWaiter(with connection: UpstreamConnection?) {
        if !waiters.isEmpty { waiters.removeFirst().resume(returning: connection) }
    }
}
