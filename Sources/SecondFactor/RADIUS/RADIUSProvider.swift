import Logging
import NIOCore
import NIOPosix

/// The RADIUS second factor: an RFC 2865 client that asks an existing MFA server (FreeRADIUS,
/// NPS with the Entra MFA extension, Duo Authentication Proxy, privacyIDEA's RADIUS plug-in).
///
/// Flow for one bind: Access-Request(User-Name, User-Password = the code) to the first server;
/// Access-Accept is `.accepted`, Access-Reject `.rejected`. An Access-Challenge is answered once with
/// the code again and the challenge's State (RFC 2865 §4.4, §5.24): the user typed the code up front,
/// as with Duo or Parallels RAS; a second challenge is `.rejected`. A server that does not answer
/// after `retries` transmissions is skipped for the next one; when none answers, `.unavailable`.
///
/// Every request carries a Message-Authenticator as its first attribute, and every response must carry
/// a valid one (RFC 3579 §3.2; the BlastRADIUS fix, CVE-2024-3596). Responses that fail any check are
/// ignored, never believed. Nothing logged or returned contains the secret, the password or the code.
///
/// It holds nothing between requests (each exchange opens and closes its own UDP socket on the shared
/// event loop group), so the protocol's default ``SecondFactorProvider/shutdown()`` is all it needs.
public final class RADIUSProvider: SecondFactorProvider {
    public let name = "radius"
    /// The settings this provider was made with.
    public let settings: RADIUSSettings
    let transport: RADIUSTransport
    let logger: Logger

    /// - Parameters:
    ///   - settings: servers, secret, timing, send mode.
    ///   - group: where the UDP sockets run (the shared NIO group by default).
    ///   - logger: debug-level events (a server that did not answer, an ignored datagram).
    /// - Throws: `invalidSettings` when ``RADIUSSettings/validate()`` does.
    public init(
        settings: RADIUSSettings, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "ldap-mfa-proxy.radius")
    ) throws(RADIUSError) {
        try settings.validate()
        self.settings = settings
        self.transport = RADIUSTransport(group: group, logger: logger)
        self.logger = logger
    }

    /// Checks the code. With `send: .passwordAndCode` the request's ``FactorRequest/password`` (the directory
    /// password the gate split off the code) goes before the code; without it this answers `.rejected`.
    public func verify(_ request: FactorRequest) async -> FactorOutcome {
        await verify(request, passwordBytes: request.password)
    }

    /// Checks the code with `password` as the directory password (see ``verify(_:)``).
    public func verify(_ request: FactorRequest, password: String?) async -> FactorOutcome {
        await verify(request, passwordBytes: password.map { Array($0.utf8) })
    }

    private func verify(_ request: FactorRequest, passwordBytes: [UInt8]?) async -> FactorOutcome {
        let code = Array(request.code.utf8)
        let first: [UInt8]
        switch settings.send {
        case .code:
            first = code
        case .passwordAndCode:
            guard let passwordBytes else {
                return .rejected(reason: "RADIUS send mode password_and_code needs the directory password")
            }
            first = passwordBytes + code
        }
        guard first.count <= RADIUSCrypto.maximumPasswordLength else {
            return .rejected(reason: "RADIUS User-Password would exceed 128 octets")
        }
        guard !request.username.isEmpty, request.username.utf8.count <= RADIUSAttribute.maximumValueLength else {
            return .rejected(reason: "user name cannot be sent in RADIUS User-Name")
        }
        let access = RADIUSAccessRequest(
            userName: request.username, password: first, nasIdentifier: settings.nasIdentifier,
            callingStationId: request.clientAddress.flatMap {
                $0.utf8.count <= RADIUSAttribute.maximumValueLength ? $0 : nil
            },
            state: nil)
        return await run(access, challengeAnswer: code)
    }
}
