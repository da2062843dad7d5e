import LDAPCore
import NIOCore
import NIOPosix

extension UpstreamDirectory {
    /// Binds a query connection as the proxy with the `windows` bind type: the configured account
    /// and password, or the process's own Kerberos credentials.
    static func bindForQueries(_ connection: UpstreamConnection, _ bind: WindowsQueryBind) async throws {
        let result: WindowsBindResult
        switch bind.identity {
        case .account(let name, let password):
            result = try await connection.windowsBind(name: name, password: password, settings: bind.settings)
        case .service(let credentials):
            result = try await connection.windowsBind(service: credentials, settings: bind.settings)
        }
        guard result.resultCode == .success else {
            throw QueryBindError(endpoint: connection.endpoint, response: result.response)
        }
    }

    /// A user's Windows bind (SASL GSS-SPNEGO with the password of the client's simple bind), on a
    /// fresh connection to the first server that answers, closed afterwards.
    ///
    /// A Windows-bound connection is never pooled: over plain LDAP its SASL security layer belongs
    /// to that user's context, and over TLS keeping it would leave the user's logon on a
    /// connection another user's bind might reuse.
    func authenticateWindows(
        _ request: BindRequest, controls: [LDAPControl]?, settings windows: WindowsBindSettings
    ) async -> AuthenticationOutcome {
        var lastError = "every directory server is quarantined"
        for index in selector.withLockedValue({ $0.candidates(now: .now()) }) {
            let server = settings.servers[index]
            let connection: UpstreamConnection
            do {
                connection = try await UpstreamConnection.connect(
                    to: server.endpoint, security: server.authenticationSecurity, tlsContext: tlsContexts[index],
                    timeouts: settings.timeouts, frameLimits: settings.frameLimits)
            } catch {
                lastError = "\(error)"
                recordFailure(index, error: lastError)
                continue
            }
            defer { connection.unbindAndClose() }
            do {
                let response = try await clientBind(connection, request, controls: controls, windows: windows)
                let code = Self.resultCode(of: response)
                if code == .busy || code == .unavailable, !Self.isSynthetic(response) {
                    lastError = "\(server.endpoint) answered \(code!)"
                    recordFailure(index, error: lastError)
                    continue
                }
                recordSuccess(index)
                return .answered(response: response, server: server.endpoint)
            } catch {
                lastError = "\(error)"
                recordFailure(index, error: lastError)
            }
        }
        return .unavailable(reason: "no directory server is reachable (last error: \(lastError))")
    }

    /// Binds `connection` as the client asked: a simple bind relayed as it is, or with the
    /// `windows` bind type a GSS-SPNEGO bind with the same name and password. A Windows bind that
    /// never reached the directory (the KDC refused the password, no realm for the name) becomes
    /// a BindResponse with `WindowsBindError.resultCode` (message ID 0). Throws on connection failures.
    func clientBind(
        _ connection: UpstreamConnection, _ request: BindRequest, controls: [LDAPControl]?,
        windows: WindowsBindSettings?
    ) async throws -> LDAPMessage {
        guard let windows, case .simple(let password) = request.authentication, !password.isEmpty else {
            return Self.withStrongAuthHint(try await connection.bind(request, controls: controls))
        }
        var settings = windows
        if settings.resolvePrincipal == nil { settings.resolvePrincipal = principalResolver(windows) }
        do {
            return try await connection.windowsBind(
                name: request.name, password: password, settings: settings, controls: controls
            ).response
        } catch let error as WindowsBindError {
            return Self.synthetic(error)
        }
    }

    /// Finds the logon name of a DN: its userPrincipalName, else `DOMAIN\sAMAccountName`.
    public func principalResolver(_ windows: WindowsBindSettings)
        -> @Sendable (String) async throws -> WindowsAccountName?
    {
        { [self] dn in
            guard let entry = try await readEntry(dn, attributes: ["userPrincipalName", "sAMAccountName"]) else {
                return nil
            }
            if let upn = Self.firstValue(entry, "userPrincipalName"), let name = WindowsAccountName(parsing: upn) {
                return name
            }
            guard let sam = Self.firstValue(entry, "sAMAccountName") else { return nil }
            if let domain = windows.defaultDomain { return WindowsAccountName(.downLevel(domain: domain, user: sam)) }
            return WindowsAccountName(.user(sam))
        }
    }

    static func firstValue(_ entry: SearchResultEntry, _ attribute: String) -> String? {
        guard let value = entry.values(of: attribute)?.first else { return nil }
        return value.getString(at: value.readerIndex, length: value.readableBytes).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The BindResponse a client gets for a Windows bind that ended before the directory answered.
    static func synthetic(_ error: WindowsBindError) -> LDAPMessage {
        LDAPMessage(
            messageID: 0,
            protocolOp: .bindResponse(
                BindResponse(
                    result: LDAPResult(
                        resultCode: error.resultCode, diagnosticMessage: "ldap-mfa-proxy: windows bind: \(error)"))))
    }

    static func isSynthetic(_ response: LDAPMessage) -> Bool { response.messageID == 0 }

    static let strongAuthHint =
        "ldap-mfa-proxy: the directory refuses simple binds on this connection (LDAP signing or TLS required); "
        + "set directory.bind_type.authentications to ssl (LDAPS or StartTLS) or windows"

    /// Adds a hint to a strongerAuthRequired (8) answer to a simple bind (RFC 4513 §5.1.1): the DC
    /// wants TLS or a signing SASL bind, which the proxy's bind type decides.
    public static func withStrongAuthHint(_ response: LDAPMessage) -> LDAPMessage {
        guard case .bindResponse(var bind) = response.protocolOp, bind.result.resultCode == .strongerAuthRequired
        else { return response }
        let original = bind.result.diagnosticMessage
        bind.result.diagnosticMessage = original.isEmpty ? strongAuthHint : "\(original) (\(strongAuthHint))"
        var message = response
        message.protocolOp = .bindResponse(bind)
        return message
    }
}
