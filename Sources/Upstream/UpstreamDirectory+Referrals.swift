import LDAPCore
import NIOCore
import NIOPosix
import NIOSSL

extension UpstreamDirectory {
    /// Whether the proxy may follow `url` (`directory.referrals: chase` and the URL's host among
    /// `directory.referral_hosts`). A referral names a server that the directory's data chose; the
    /// client's password is sent only to a host the administrator listed.
    public func mayChase(_ url: LDAPURL) -> Bool {
        settings.referralHosts.contains(url.host.lowercased())
    }

    /// Sends `operation` to the server `url` names, on a new connection bound as `bind` with the
    /// same bind type and the same protection as the configured servers (RFC 4511 §4.1.10: the
    /// client would otherwise have to follow the referral itself), and returns every response, the
    /// last one final. The connection is closed afterwards.
    ///
    /// Protection: an `ldaps://` URL gets LDAPS; an `ldap://` URL gets StartTLS when the configured
    /// servers use TLS (so a referral never lowers it to cleartext), plain LDAP otherwise. The
    /// certificate is checked as for the configured servers (`directory.tls`).
    public func chase(
        _ operation: ProtocolOp, at url: LDAPURL, controls: [LDAPControl]?, bind: BindRequest?,
        eventLoop: EventLoop? = nil
    ) async throws -> [LDAPFrame] {
        let configured = settings.servers.first?.authenticationSecurity ?? .plain
        let tls = configured.tls ?? TLSSettings()
        let security: ConnectionSecurity =
            if url.isLDAPS { .ldaps(tls) } else if configured.tls != nil { .startTLS(tls) } else { .plain }
        let context: NIOSSLContext? =
            if security.tls == nil { nil } else if let first = tlsContexts.first ?? nil { first } else {
                try tls.makeContext()
            }
        let endpoint = UpstreamEndpoint(host: url.host, port: url.port, label: "referral \(url.host):\(url.port)")
        let connection = try await UpstreamConnection.connect(
            to: endpoint, security: security, tlsContext: context, timeouts: settings.timeouts,
            frameLimits: settings.frameLimits, group: eventLoop ?? MultiThreadedEventLoopGroup.singleton)
        do {
            if let bind {
                let response = try await clientBind(
                    connection, bind, controls: nil, windows: settings.windowsAuthentication)
                guard Self.resultCode(of: response) == .success else {
                    throw UpstreamError(.protocolViolation, "\(endpoint) refused the client's bind")
                }
            }
            let frames = try await connection.request(operation, controls: controls)
            connection.unbindAndClose()
            return frames
        } catch {
            connection.close()
            throw error
        }
    }
}
