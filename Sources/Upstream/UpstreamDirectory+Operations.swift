import LDAPCore
import NIOCore
import NIOPosix

extension UpstreamDirectory {
    /// Relays a user's bind to the first server that answers (RFC 4511 §4.2), over the bind pool.
    ///
    /// A connection-level failure quarantines that server and the next one is tried; a reused
    /// pooled connection that turns out to be closed is retried once on a fresh connection
    /// first. busy (51) and unavailable (52) answers also count as a server failure.
    ///
    /// With the `windows` bind type the bind becomes a GSS-SPNEGO bind on a fresh connection
    /// (see `authenticateWindows`).
    public func authenticate(_ request: BindRequest, controls: [LDAPControl]? = nil) async -> AuthenticationOutcome {
        if let windows = settings.windowsAuthentication, case .simple(let password) = request.authentication,
            !password.isEmpty
        {
            return await authenticateWindows(request, controls: controls, settings: windows)
        }
        var lastError = "every directory server is quarantined"
        for index in selector.withLockedValue({ $0.candidates(now: .now()) }) {
            let pool = bindPools[index]
            var attempts = 0
            while attempts < 2 {
                attempts += 1
                let lease: (connection: UpstreamConnection, isNew: Bool)
                do {
                    lease = try await pool.acquire()
                } catch {
                    lastError = "\(error)"
                    break
                }
                do {
                    let response = Self.withStrongAuthHint(try await lease.connection.bind(request, controls: controls))
                    let code = Self.resultCode(of: response)
                    if code == .busy || code == .unavailable {
                        await pool.release(lease.connection, reusable: false)
                        lastError = "\(settings.servers[index].endpoint) answered \(code!)"
                        break
                    }
                    await pool.release(lease.connection, reusable: true, boundAs: code == .success ? request.name : nil)
                    recordSuccess(index)
                    return .answered(response: response, server: settings.servers[index].endpoint)
                } catch {
                    await pool.release(lease.connection, reusable: false)
                    lastError = "\(error)"
                    if !lease.isNew, let upstream = error as? UpstreamError, upstream.kind == .connectionClosed {
                        continue  // a stale pooled connection: retry once on a fresh one
                    }
                    break
                }
            }
            recordFailure(index, error: lastError)
        }
        return .unavailable(reason: "no directory server is reachable (last error: \(lastError))")
    }

    static func resultCode(of response: LDAPMessage) -> ResultCode? {
        if case .bindResponse(let bind) = response.protocolOp { return bind.result.resultCode }
        return nil
    }

    /// Closes every idle pooled connection still bound as `dn` (after a failed second factor).
    public func scrubIdentity(_ dn: String) async {
        for pool in bindPools { await pool.scrub(identity: dn) }
    }

    /// A search with the proxy's own query identity, on the first server that answers.
    public func query(_ request: SearchRequest, controls: [LDAPControl]? = nil) async throws -> (
        entries: [SearchResultEntry], result: LDAPResult
    ) {
        var lastError: Error = UpstreamError(.noServerAvailable, "every directory server is quarantined")
        for index in selector.withLockedValue({ $0.candidates(now: .now()) }) {
            let pool = queryPools[index]
            for _ in 0..<2 {
                let lease: (connection: UpstreamConnection, isNew: Bool)
                do { lease = try await pool.acquire() } catch {
                    lastError = error
                    break
                }
                do {
                    let answer = try await lease.connection.search(request, controls: controls)
                    await pool.release(lease.connection, reusable: true)
                    recordSuccess(index)
                    return answer
                } catch {
                    await pool.release(lease.connection, reusable: false)
                    lastError = error
                    if !lease.isNew, let upstream = error as? UpstreamError, upstream.kind == .connectionClosed {
                        continue
                    }
                    break
                }
            }
            if let upstream = lastError as? UpstreamError, upstream.isServerFailure {
                recordFailure(index, error: "\(upstream)")
            } else {
                throw lastError  // e.g. the query account was refused: not the server's fault
            }
        }
        throw UpstreamError(.noServerAvailable, "no directory server is reachable (last error: \(lastError))")
    }

    /// Reads one entry by DN with the query identity; `nil` when it does not exist.
    public func readEntry(_ dn: String, attributes: [String]) async throws -> SearchResultEntry? {
        let request = SearchRequest(
            baseObject: dn, scope: .baseObject, derefAliases: .never, sizeLimit: 1, filter: .present("objectClass"),
            attributes: attributes.isEmpty ? ["1.1"] : attributes)
        let answer = try await query(request)
        return answer.entries.first
    }

    /// Opens a connection dedicated to one client, bound as that client's identity (or
    /// anonymous when `bind` is nil), on the preferred server (DESIGN.md decision 3).
    public func openClientConnection(bind: BindRequest?, eventLoop: EventLoop? = nil) async throws -> UpstreamConnection
    {
        var lastError: Error = UpstreamError(.noServerAvailable, "every directory server is quarantined")
        for index in selector.withLockedValue({ $0.candidates(now: .now()) }) {
            let server = settings.servers[index]
            let connection: UpstreamConnection
            do {
                connection = try await UpstreamConnection.connect(
                    to: server.endpoint, security: server.authenticationSecurity, tlsContext: tlsContexts[index],
                    timeouts: settings.timeouts, frameLimits: settings.frameLimits,
                    group: eventLoop ?? MultiThreadedEventLoopGroup.singleton)
            } catch {
                lastError = error
                recordFailure(index, error: "\(error)")
                continue
            }
            guard let bind else { return connection }
            do {
                let response = try await clientBind(
                    connection, bind, controls: nil, windows: settings.windowsAuthentication)
                if Self.resultCode(of: response) == .success { return connection }
                connection.close()
                throw ClientBindRefused(response: response)
            } catch let refused as ClientBindRefused {
                throw refused
            } catch {
                connection.close()
                lastError = error
                recordFailure(index, error: "\(error)")
            }
        }
        throw UpstreamError(.noServerAvailable, "no directory server is reachable (last error: \(lastError))")
    }

    /// The directory refused to bind a client's dedicated connection (e.g. the password changed
    /// since the gated bind).
    public struct ClientBindRefused: Error {
        public let response: LDAPMessage
    }
}
