import LDAPCore
import NIOCore

/// One client connection's protocol state, as a value: events in, actions out (DESIGN.md
/// decision 4). No I/O happens here; `ClientSessionHandler` performs the actions.
///
/// The proxy handles Bind, Unbind, Abandon and StartTLS itself and relays every other
/// operation, as the client sent it, over a connection to the directory dedicated to this
/// client and bound as the client's identity.
///
/// Decisions (documented in docs/session.md):
/// - Every bind is gated, not only the first (RFC 4513 §5.1: a bind replaces the identity).
/// - Before a bind is processed, the dedicated upstream connection is closed, abandoning any
///   outstanding operations (RFC 4511 §4.2.1 allows abandoning them); the connection is
///   anonymous while the bind is pending and a new dedicated connection is opened, bound as the
///   new identity, when the next operation arrives.
/// - Operations sent while a bind is pending (which RFC 4511 §4.2.1 forbids clients to do) are
///   held, up to a limit, and processed in order once the bind completes, under the identity
///   it produced; beyond the limit the client is disconnected with protocolError.
/// - A malformed PDU ends the connection with a Notice of Disconnection (protocolError).
/// - At most `maxOutstanding` relayed requests wait for the directory per connection, also while
///   its directory connection is opening; one more is answered busy (51) and not relayed.
/// - Between a StartTLS success and the end of the TLS handshake nothing may arrive (RFC 4511
///   §4.14.1): a PDU then was sent in the clear and would be answered inside TLS (STARTTLS command
///   injection), so it ends the connection; so does a StartTLS request that was followed by more
///   PDUs while a bind held them.
public struct SessionStateMachine: Sendable {
    enum Upstream: Sendable {
        case none
        case opening(queued: [LDAPFrame])
        case open
    }

    public let configuration: SessionConfiguration
    var identity: BindRequest?
    var bindInProgress: Int32?
    var held: [LDAPFrame] = []
    /// Relayed requests awaiting their final response: message ID -> request tag.
    var outstanding: [Int32: UInt8] = [:]
    var upstream: Upstream = .none
    var tlsActive: Bool
    /// StartTLS succeeded and the TLS handshake has not completed yet.
    var awaitingTLSHandshake = false
    var closed = false
    var lastActivity: NIODeadline

    public init(configuration: SessionConfiguration, tlsActive: Bool, now: NIODeadline) {
        self.configuration = configuration
        self.tlsActive = tlsActive
        self.lastActivity = now
    }

    /// Whether the client is bound as a user (not anonymous).
    public var isAuthenticated: Bool { identity != nil }

    // MARK: Client events

    /// A whole frame arrived from the client.
    public mutating func frameReceived(_ frame: LDAPFrame, now: NIODeadline) -> [SessionAction] {
        guard !closed else { return [] }
        lastActivity = now
        if bindInProgress != nil {
            return hold(frame)
        }
        return process(frame)
    }

    /// The frame decoder refused the client's bytes. After the connection has ended (bytes that
    /// followed an Unbind or a Notice of Disconnection in the same read) nothing more is sent: the
    /// notice is the last PDU (RFC 4511 §4.4.1).
    public mutating func decodingFailed(_ error: LDAPDecodingError) -> [SessionAction] {
        guard !closed else { return [] }
        return disconnect(.protocolError, "malformed LDAP message: \(error.message)")
    }

    mutating func hold(_ frame: LDAPFrame) -> [SessionAction] {
        if frame.operationTag == OperationTag.unbindRequest { return close() }
        guard held.count < configuration.maxHeldWhileBinding else {
            return disconnect(.protocolError, "too many operations sent while a bind is in progress (RFC 4511 §4.2.1)")
        }
        held.append(frame)
        return []
    }

    /// The TLS handshake that StartTLS began has completed: PDUs from now on came through TLS.
    public mutating func tlsHandshakeCompleted() {
        awaitingTLSHandshake = false
    }

    mutating func process(_ frame: LDAPFrame) -> [SessionAction] {
        if awaitingTLSHandshake { return injectedBeforeTLS() }
        switch frame.operationTag {
        case OperationTag.bindRequest: return bind(frame)
        case OperationTag.unbindRequest: return close()
        case OperationTag.abandonRequest: return abandon(frame)
        case OperationTag.extendedRequest: return extended(frame)
        case let tag where OperationTag.isRequest(tag): return relay(frame)
        default:
            return disconnect(.protocolError, "a client sent a response PDU (\(BERTag(rawValue: frame.operationTag)))")
        }
    }

    mutating func bind(_ frame: LDAPFrame) -> [SessionAction] {
        let message: LDAPMessage
        do { message = try frame.decode() } catch { return decodingFailed(error) }
        guard case .bindRequest(let request) = message.protocolOp else {
            return disconnect(.protocolError, "malformed BindRequest")
        }
        var actions: [SessionAction] = []
        if case .none = upstream {} else { actions.append(.closeUpstream) }
        upstream = .none
        outstanding = [:]
        identity = nil
        let id = frame.messageID
        func answer(_ code: ResultCode, _ text: String, rule: String) -> [SessionAction] {
            actions + [
                .auditRefusedBind(name: request.name, rule: rule, result: code),
                .send(
                    LDAPMessage(
                        messageID: id,
                        protocolOp: .bindResponse(
                            BindResponse(result: LDAPResult(resultCode: code, diagnosticMessage: text))))),
            ]
        }
        guard request.version == 3 else {
            return answer(
                .protocolError, "only LDAP version 3 is supported (RFC 4511 §4.2.1)", rule: "unsupported-version")
        }
        switch request.authentication {
        case .sasl(let mechanism, _):
            return answer(
                .authMethodNotSupported,
                "SASL (\(mechanism)) binds are not supported by this proxy; use a simple bind over TLS",
                rule: "sasl-refused")
        case .simple(let password):
            if password.isEmpty && !request.name.isEmpty {
                // An unauthenticated bind (RFC 4513 §5.1.2) must never pass as a success.
                return answer(
                    .invalidCredentials, "a bind with a name and an empty password is not allowed (RFC 4513 §5.1.2)",
                    rule: "unauthenticated-bind")
            }
            if password.isEmpty && !configuration.relayAnonymousBinds {
                return answer(
                    .inappropriateAuthentication, "anonymous binds are not allowed (RFC 4513 §5.1.1)",
                    rule: "anonymous-refused")
            }
            if !password.isEmpty && request.name.isEmpty {
                return answer(.invalidCredentials, "invalid credentials", rule: "password-without-name")
            }
        }
        bindInProgress = id
        return actions + [.startGate(messageID: id, request: request, controls: message.controls)]
    }

    mutating func abandon(_ frame: LDAPFrame) -> [SessionAction] {
        guard let message = try? frame.decode(), case .abandonRequest(let target) = message.protocolOp else {
            return disconnect(.protocolError, "malformed AbandonRequest")
        }
        // RFC 4511 §4.11: no response; unknown or finished IDs are ignored.
        guard outstanding.removeValue(forKey: target) != nil else { return [] }
        switch upstream {
        case .open: return [.relayToUpstream(frame)]
        case .opening(var queued):
            queued.append(frame)
            upstream = .opening(queued: queued)
            return []
        case .none: return []
        }
    }

    mutating func extended(_ frame: LDAPFrame) -> [SessionAction] {
        guard let message = try? frame.decode(), case .extendedRequest(let request) = message.protocolOp else {
            return disconnect(.protocolError, "malformed ExtendedRequest")
        }
        guard request.requestName == ExtendedRequest.startTLSOID else { return relay(frame) }
        let id = frame.messageID
        func answer(_ code: ResultCode, _ text: String) -> [SessionAction] {
            [
                .send(
                    LDAPMessage(
                        messageID: id,
                        protocolOp: .extendedResponse(
                            ExtendedResponse(
                                result: LDAPResult(resultCode: code, diagnosticMessage: text),
                                responseName: ExtendedRequest.startTLSOID))))
            ]
        }
        // RFC 4511 §4.14.1 and RFC 4513 §3.1.1.
        if tlsActive { return answer(.operationsError, "TLS is already established on this connection") }
        if !configuration.startTLSAvailable {
            return answer(.protocolError, "StartTLS is not configured on this listener")
        }
        if !outstanding.isEmpty { return answer(.operationsError, "StartTLS refused: operations are outstanding") }
        // Held PDUs behind the StartTLS request were sent after it, in the clear (RFC 4511 §4.14.1).
        if !held.isEmpty { return injectedBeforeTLS() }
        tlsActive = true
        awaitingTLSHandshake = true
        let response = LDAPMessage(
            messageID: id,
            protocolOp: .extendedResponse(
                ExtendedResponse(result: LDAPResult(resultCode: .success), responseName: ExtendedRequest.startTLSOID)))
        return [.startTLS(response: response)]
    }

    mutating func relay(_ frame: LDAPFrame) -> [SessionAction] {
        // A bound on what one connection can make the proxy hold for the directory (robustness
        // finding 3): the excess request is answered, not queued. Abandon and Unbind have no response.
        if outstanding.count >= configuration.maxOutstanding, outstanding[frame.messageID] == nil {
            let busy = LDAPResult(
                resultCode: .busy,
                diagnosticMessage:
                    "too many operations outstanding on this connection (\(configuration.maxOutstanding))")
            return LDAPMessage.result(for: frame.operationTag, messageID: frame.messageID, busy).map { [.send($0)] }
                ?? []
        }
        outstanding[frame.messageID] = frame.operationTag
        switch upstream {
        case .open:
            return [.relayToUpstream(frame)]
        case .opening(var queued):
            queued.append(frame)
            upstream = .opening(queued: queued)
            return []
        case .none:
            upstream = .opening(queued: [frame])
            return [.openUpstream(bind: identity)]
        }
    }

    mutating func close() -> [SessionAction] {
        closed = true
        var actions: [SessionAction] = []
        if case .none = upstream {} else { actions.append(.closeUpstream) }
        upstream = .none
        return actions + [.disconnect(notice: nil)]
    }

    /// A PDU sent in the clear after a StartTLS request. The connection is closed without a Notice of
    /// Disconnection: the TLS layer may already be in the pipeline, and the PDU is never processed.
    mutating func injectedBeforeTLS() -> [SessionAction] {
        held = []
        return close()
    }

    mutating func disconnect(_ code: ResultCode, _ text: String) -> [SessionAction] {
        closed = true
        var actions: [SessionAction] = []
        if case .none = upstream {} else { actions.append(.closeUpstream) }
        upstream = .none
        return actions + [.disconnect(notice: .noticeOfDisconnection(code, text))]
    }
}
