import LDAPCore
import NIOCore

/// One search's answer with the response controls of its SearchResultDone (paging cookie, DirSync cookie, ASQ
/// result), which ``UpstreamDirectory/query(_:controls:)`` leaves out.
public struct SearchPage: Sendable {
    public var entries: [SearchResultEntry]
    /// The URIs of each SearchResultReference (RFC 4511 §4.5.3), which the proxy does not chase.
    public var references: [[String]]
    public var result: LDAPResult
    public var controls: [LDAPControl]

    public init(entries: [SearchResultEntry], references: [[String]], result: LDAPResult, controls: [LDAPControl]) {
        self.entries = entries
        self.references = references
        self.result = result
        self.controls = controls
    }

    /// The response control of type `T`, if the server sent one that parses.
    public func control<T: TypedControl>(_ type: T.Type) -> T? {
        controls.first { $0.oid == T.oid }.flatMap { try? T(control: $0) }
    }
}

extension UpstreamConnection {
    /// A search the proxy makes for itself, answered with its response controls.
    public func searchPage(_ request: SearchRequest, controls: [LDAPControl]? = nil) async throws -> SearchPage {
        let frames = try await self.request(.searchRequest(request), controls: controls)
        var page = SearchPage(
            entries: [], references: [],
            result: LDAPResult(resultCode: .other, diagnosticMessage: "no SearchResultDone"),
            controls: [])
        for frame in frames {
            let message: LDAPMessage
            do { message = try frame.decode() } catch {
                throw UpstreamError(.protocolViolation, "\(endpoint) sent a malformed search response: \(error)")
            }
            switch message.protocolOp {
            case .searchResultEntry(let entry): page.entries.append(entry)
            case .searchResultReference(let uris): page.references.append(uris)
            case .searchResultDone(let done):
                page.result = done
                page.controls = message.controls ?? []
            default: break
            }
        }
        return page
    }
}

extension UpstreamDirectory {
    /// A search with the proxy's query identity and response controls, on the first server that answers.
    public func queryPage(_ request: SearchRequest, controls: [LDAPControl] = []) async throws -> SearchPage {
        var result: SearchPage?
        _ = try await pagedQuery(request, pageSize: nil, controls: controls) { page in result = page }
        return result!
    }

    /// A Simple Paged Results search (RFC 2696) with the proxy's query identity: every page is requested on one
    /// pooled connection (servers such as slapd tie the cookie to the connection) and handed to `onPage` as it
    /// arrives, so the whole result never sits in memory. With a nil `pageSize` one unpaged request is sent.
    ///
    /// Servers are tried in order until one answers the first page; a failure after a page was handed over is
    /// thrown (the caller's view would be incomplete), after quarantining the server when it is the server's
    /// fault. Returns the last page's result: `success`, or the server's refusal (e.g. unavailableCriticalExtension
    /// when it does not page, sizeLimitExceeded), which ends the search.
    @discardableResult
    public func pagedQuery(
        _ request: SearchRequest, pageSize: Int?, controls: [LDAPControl] = [],
        onPage: (SearchPage) async throws -> Void
    ) async throws -> LDAPResult {
        var lastError: Error = UpstreamError(.noServerAvailable, "no directory server is configured")
        for index in selector.withLockedValue({ $0.candidates(now: .now()) }) {
            let pool = queryPools[index]
            var delivered = false
            for _ in 0..<2 {
                let lease: (connection: UpstreamConnection, isNew: Bool)
                do { lease = try await pool.acquire() } catch {
                    lastError = error
                    break
                }
                do {
                    let result = try await pages(
                        request, pageSize: pageSize, controls: controls, on: lease.connection
                    ) { page in
                        delivered = true
                        try await onPage(page)
                    }
                    await pool.release(lease.connection, reusable: true)
                    recordSuccess(index)
                    return result
                } catch {
                    await pool.release(lease.connection, reusable: false)
                    lastError = error
                    if !delivered, !lease.isNew, let upstream = error as? UpstreamError,
                        upstream.kind == .connectionClosed
                    {
                        continue
                    }
                    break
                }
            }
            guard let upstream = lastError as? UpstreamError, upstream.isServerFailure else { throw lastError }
            recordFailure(index, error: "\(upstream)")
            if delivered { throw lastError }
        }
        throw UpstreamError(.noServerAvailable, "no directory server is reachable (last error: \(lastError))")
    }

    private func pages(
        _ request: SearchRequest, pageSize: Int?, controls: [LDAPControl], on connection: UpstreamConnection,
        onPage: (SearchPage) async throws -> Void
    ) async throws -> LDAPResult {
        guard let pageSize else {
            let page = try await connection.searchPage(request, controls: controls)
            try await onPage(page)
            return page.result
        }
        var cookie = ByteBuffer()
        while true {
            let paging = PagedResultsControl(size: pageSize, cookie: cookie).control(criticality: true)
            let page = try await connection.searchPage(request, controls: controls + [paging])
            try await onPage(page)
            guard page.result.resultCode == .success, let next = page.control(PagedResultsControl.self),
                next.cookie.readableBytes > 0
            else { return page.result }
            cookie = next.cookie
        }
    }
}
