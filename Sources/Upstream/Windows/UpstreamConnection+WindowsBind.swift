import CGSSAPI
import LDAPCore
import NIOCore
import NIOSSL

extension UpstreamConnection {
    /// A Windows bind for a name as a client sent it: `DOMAIN\user`, `user@suffix`, `user`, or
    /// a DN that `settings.resolvePrincipal` turns into one of those.
    public func windowsBind(
        name: String, password: SensitiveBytes, settings: WindowsBindSettings, controls: [LDAPControl]? = nil
    ) async throws -> WindowsBindResult {
        if let account = WindowsAccountName(parsing: name) {
            return try await windowsBind(account, password: password, settings: settings, controls: controls)
        }
        guard WindowsAccountName.looksLikeDN(name), let resolve = settings.resolvePrincipal else {
            throw WindowsBindError(.unmappableName, "'\(name)' is not DOMAIN\\user, user@domain or a resolvable DN")
        }
        guard let account = try await resolve(name) else {
            throw WindowsBindError(.unmappableName, "no account name found for \(name)")
        }
        return try await windowsBind(account, password: password, settings: settings, controls: controls)
    }

    /// A Windows bind: SASL GSS-SPNEGO (tokens in LDAP SASL binds, RFC 4511 §4.2,
    /// saslBindInProgress until the context completes) with the user's own password, Kerberos
    /// or NTLMv2 as `settings.mechanism` says: SPNEGO (RFC 4178) limited to Kerberos, or raw
    /// NTLMSSP messages, which Active Directory also takes in a GSS-SPNEGO bind. Credentials are
    /// acquired for this bind alone.
    ///
    /// Over LDAPS or StartTLS no SASL security layer is negotiated (Active Directory refuses
    /// one over TLS). Over plain LDAP the context signs and seals, and after a successful bind
    /// every PDU on this connection is wrapped (`SASLSecurityLayerHandler`): the connection is
    /// then only good for this identity.
    ///
    /// Returns the directory's final answer, success or not. Throws `WindowsBindError` when the
    /// directory was never asked or the exchange broke (wrong password at the KDC, no
    /// mechanism, unmappable name), `UpstreamError` when the connection failed.
    public func windowsBind(
        _ account: WindowsAccountName, password: SensitiveBytes, settings: WindowsBindSettings,
        controls: [LDAPControl]? = nil
    ) async throws -> WindowsBindResult {
        let secret = try Self.cPassword(password)
        let overTLS = try await hasTLS()
        let plan: [WindowsBindSettings.Mechanism] =
            switch settings.mechanism {
            case .negotiate: [.kerberos, .ntlm]
            case .kerberos: [.kerberos]
            case .ntlm: [.ntlm]
            }
        let host = settings.servicePrincipalHost ?? endpoint.host
        let bindings = overTLS && settings.channelBinding ? try await tlsChannelBinding() : nil
        var lastError = WindowsBindError(.unmappableName, "no mechanism was tried")
        for (index, mechanism) in plan.enumerated() {
            let canFallBack = index < plan.count - 1
            let credential: NegotiateCredential
            do {
                credential = try await acquireCredential(mechanism, account, secret, settings, overTLS: overTLS)
            } catch let error as WindowsBindError {
                // Only "no KDC" or "no realm for this name" lets negotiate move on to NTLM.
                guard canFallBack, error.kind == .kdcUnreachable || error.kind == .unmappableName else { throw error }
                lastError = error
                continue
            }
            let context: GSSContext
            let firstToken: [UInt8]
            do {
                (context, firstToken) = try await start(
                    credential, host: host, overTLS: overTLS, channelBindings: bindings)
            } catch let error as WindowsBindError {
                // The password was good (the KDC issued a ticket) but no service ticket for
                // ldap/HOST: Windows falls back to NTLM here, so does negotiate.
                lastError = error
                if canFallBack { continue }
                throw error
            }
            return try await exchange(
                context, firstToken: firstToken, mechanism: mechanism, keepAlive: credential, overTLS: overTLS,
                controls: controls)
        }
        throw lastError
    }

    /// A Windows bind as the proxy itself, with Kerberos credentials it already has (a keytab or
    /// a credential cache) instead of a password: the query account of
    /// `directory.bind_type.queries: windows` with no configured password.
    public func windowsBind(
        service: WindowsServiceCredentials, settings: WindowsBindSettings, controls: [LDAPControl]? = nil
    ) async throws -> WindowsBindResult {
        let overTLS = try await hasTLS()
        let credential: NegotiateCredential
        do {
            credential = try await GSSThreads.run { try NegotiateCredential.service(service, overTLS: overTLS) }
        } catch let status as GSSStatus {
            throw WindowsBindError.gss(status, mechanism: .kerberos)
        }
        let host = settings.servicePrincipalHost ?? endpoint.host
        let bindings = overTLS && settings.channelBinding ? try await tlsChannelBinding() : nil
        let (context, firstToken) = try await start(
            credential, host: host, overTLS: overTLS, channelBindings: bindings)
        return try await exchange(
            context, firstToken: firstToken, mechanism: .kerberos, keepAlive: credential, overTLS: overTLS,
            controls: controls)
    }

    /// The context's first step (for Kerberos: the service ticket for ldap/HOST), off the loop.
    private func start(
        _ credential: NegotiateCredential, host: String, overTLS: Bool, channelBindings: [UInt8]?
    ) async throws -> (GSSContext, [UInt8]) {
        do {
            return try await GSSThreads.run {
                let target = try GSSName("ldap@\(host)", type: cgss_nt_hostbased_service())
                let context = GSSContext(
                    credential: credential.credential, target: target, mechanism: credential.contextMechanism,
                    flags: Self.requestFlags(overTLS: overTLS), channelBindings: channelBindings)
                return (context, try context.step(nil))
            }
        } catch let status as GSSStatus {
            throw WindowsBindError.gss(status, mechanism: credential.mechanism)
        }
    }

    private func acquireCredential(
        _ mechanism: WindowsBindSettings.Mechanism, _ account: WindowsAccountName, _ secret: [CChar],
        _ settings: WindowsBindSettings, overTLS: Bool
    ) async throws -> NegotiateCredential {
        switch mechanism {
        case .kerberos, .negotiate:
            guard let principal = settings.kerberosPrincipal(for: account) else {
                throw WindowsBindError(
                    .unmappableName, "no Kerberos realm is configured for \(account)", mechanism: .kerberos)
            }
            let display =
                principal.enterprise
                ? "\(principal.user) (realm \(principal.realm))" : "\(principal.user)@\(principal.realm)"
            do {
                return try await GSSThreads.run {
                    let login = try KerberosLogin(
                        user: principal.user, realm: principal.realm, enterprise: principal.enterprise,
                        password: secret + [0])
                    return try NegotiateCredential.kerberos(login, overTLS: overTLS)
                }
            } catch let error as KerberosLoginError {
                throw WindowsBindError.kerberos(error, principal: display)
            } catch let status as GSSStatus {
                throw WindowsBindError.gss(status, mechanism: .kerberos)
            }
        case .ntlm:
            let user = settings.ntlmName(for: account)
            do {
                return try await GSSThreads.run {
                    try NegotiateCredential.ntlm(user: user, password: secret)
                }
            } catch let status as GSSStatus {
                throw WindowsBindError.gss(status, mechanism: .ntlm)
            }
        }
    }

    /// Carries tokens in SASL binds until the directory answers something other than
    /// saslBindInProgress (RFC 4513 §5.2.1.2 / RFC 4422 §3.4).
    private func exchange(
        _ context: GSSContext, firstToken: [UInt8], mechanism: WindowsBindSettings.Mechanism,
        keepAlive credential: NegotiateCredential, overTLS: Bool, controls: [LDAPControl]?
    ) async throws -> WindowsBindResult {
        var token = firstToken
        var rounds = 0
        while true {
            rounds += 1
            guard rounds <= 10 else {
                throw WindowsBindError(.protocolViolation, "no answer after 10 SASL rounds", mechanism: mechanism)
            }
            let request = BindRequest(
                name: "",
                authentication: .sasl(mechanism: "GSS-SPNEGO", credentials: SensitiveBytes(ByteBuffer(bytes: token))))
            let response = try await bind(request, controls: controls)
            guard case .bindResponse(let answer) = response.protocolOp else {
                throw WindowsBindError(.protocolViolation, "\(endpoint) answered a bind with something else")
            }
            let serverToken = answer.serverSaslCreds.map { Array($0.bytes.readableBytesView) }
            switch answer.result.resultCode {
            case .saslBindInProgress:
                guard !context.isEstablished, let serverToken else {
                    throw WindowsBindError(
                        .protocolViolation, "\(endpoint) asked for another SASL round with nothing to answer",
                        mechanism: mechanism)
                }
                token = try await step(context, serverToken, mechanism)
            case .success:
                if !context.isEstablished {
                    // Mutual authentication: the server's last token proves it is the DC.
                    guard let serverToken else {
                        close()
                        throw WindowsBindError(
                            .protocolViolation, "\(endpoint) accepted the bind before the context completed",
                            mechanism: mechanism)
                    }
                    do {
                        _ = try await step(context, serverToken, mechanism)
                    } catch {
                        close()
                        throw error
                    }
                    guard context.isEstablished else {
                        close()
                        throw WindowsBindError(
                            .protocolViolation, "\(endpoint) accepted the bind before the context completed",
                            mechanism: mechanism)
                    }
                }
                let layer = try await installSecurityLayer(context, overTLS: overTLS, mechanism: mechanism)
                withExtendedLifetime(credential) {}
                return WindowsBindResult(response: response, mechanism: mechanism, securityLayer: layer)
            default:
                return WindowsBindResult(response: response, mechanism: mechanism, securityLayer: .none)
            }
        }
    }

    private func step(_ context: GSSContext, _ input: [UInt8], _ mechanism: WindowsBindSettings.Mechanism)
        async throws -> [UInt8]
    {
        do {
            return try await GSSThreads.run { try context.step(input) }
        } catch let status as GSSStatus {
            throw WindowsBindError.gss(status, mechanism: mechanism)
        }
    }

    private func installSecurityLayer(
        _ context: GSSContext, overTLS: Bool, mechanism: WindowsBindSettings.Mechanism
    ) async throws -> WindowsBindResult.SecurityLayer {
        guard !overTLS else { return .none }
        let integrity = context.flags & OM_uint32(GSS_C_INTEG_FLAG) != 0
        let confidentiality = context.flags & OM_uint32(GSS_C_CONF_FLAG) != 0
        guard integrity || confidentiality else {
            // The directory accepted a bind without a layer on plain LDAP (signing not required).
            return .none
        }
        let channel = self.channel
        try await channel.eventLoop.submit {
            let handler = SASLSecurityLayerHandler(
                context: context, confidential: confidentiality, maximumTokenSize: 16 * 1024 * 1024)
            try channel.pipeline.syncOperations.addHandler(handler, position: .first)
        }.get()
        return confidentiality ? .confidentiality : .integrity
    }

    /// RFC 5929 `tls-server-end-point` of this connection's TLS session; nil when the server
    /// sent no certificate.
    func tlsChannelBinding() async throws -> [UInt8]? {
        let channel = self.channel
        let der = try await channel.eventLoop.submit { () -> [UInt8]? in
            let handler = try channel.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self)
            return try handler.peerCertificate?.toDERBytes()
        }.get()
        return der.map { ChannelBinding.tlsServerEndPoint(certificate: $0) }
    }

    /// Whether the connection runs over TLS (LDAPS or after StartTLS).
    func hasTLS() async throws -> Bool {
        let channel = self.channel
        return try await channel.eventLoop.submit {
            (try? channel.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self)) != nil
        }.get()
    }

    /// Mutual authentication always; on plain LDAP also integrity and confidentiality, which
    /// Active Directory turns into its SASL security layer.
    static func requestFlags(overTLS: Bool) -> OM_uint32 {
        var flags = OM_uint32(GSS_C_MUTUAL_FLAG)
        if !overTLS {
            flags |= OM_uint32(GSS_C_INTEG_FLAG | GSS_C_CONF_FLAG | GSS_C_SEQUENCE_FLAG | GSS_C_REPLAY_FLAG)
        }
        return flags
    }

    /// The password as C characters (no terminator), refusing what no logon accepts.
    static func cPassword(_ password: SensitiveBytes) throws -> [CChar] {
        let bytes = Array(password.bytes.readableBytesView)
        guard !bytes.isEmpty else {
            throw WindowsBindError(.unusablePassword, "an empty password is an unauthenticated bind, not a logon")
        }
        guard !bytes.contains(0) else {
            throw WindowsBindError(.unusablePassword, "the password contains a NUL character")
        }
        return bytes.map { CChar(bitPattern: $0) }
    }
}
