import Glibc
import LDAPCore
import NIOCore
import ProxyServer

/// Plays `ClientSessionHandler`, the bind gate, the directory and the client around one
/// `SessionStateMachine`, and checks every action the machine returns against what the client,
/// the gate and the directory did so far.
///
/// Invariants (a violation is a `fatalError`):
/// - Nothing is relayed, no directory connection is opened and nothing reaches the client while a
///   bind decision is pending (RFC 4511 §4.2.1); only the connection may end.
/// - A successful BindResponse reaches the client only as the gate's `allow` for the pending bind,
///   with the bind's message ID; the session's own answers to binds are never success.
/// - The dedicated connection is opened bound as the identity of the last allowed bind, and as
///   anonymous after a refused or denied one; frames are relayed to it only once it is open (the
///   handler drops them otherwise) and are untouched client requests (never Bind, Unbind or
///   StartTLS).
/// - Every response the client receives answers a request it has in flight, not abandoned, and
///   not superseded by a later bind whose response it already has (RFC 4511 §4.11, §4.2.1); a
///   well-behaved client's message IDs are never reused towards the directory while in flight.
/// - At most `maxHeldWhileBinding` PDUs are held behind a bind; one more ends the connection with a
///   Notice of Disconnection (protocolError).
/// - Response PDUs and malformed PDUs from the client, and decoding failures, end the connection with
///   a Notice of Disconnection (protocolError, message ID 0, RFC 4511 §4.4.1); Unbind ends it
///   without one; after the connection ends, the machine does nothing.
/// - StartTLS succeeds at most once, only when the listener offers it and TLS is off.
/// - The idle timeout never closes a connection with a pending bind or, for a well-behaved client,
///   with a request in flight, nor before the timeout has passed since the last activity.
/// - After `drain()`, a well-behaved client whose connection is still open has an answer to every
///   request that was neither abandoned nor superseded by a bind.
struct SessionHarness {
    let configuration: SessionConfiguration
    let wellBehaved: Bool
    private var machine: SessionStateMachine
    private var now = NIODeadline.uptimeNanoseconds(1_000_000_000)
    private var lastActivity: NIODeadline
    private var tlsActive: Bool

    // What the client sent and awaits.
    private var inFlight: [ClientRequest] = []
    private var lastID: Int32 = 0
    private var bindsSent = 0
    private var sent = 0
    private var sentWhileGatePending = 0

    // What the handler holds.
    private var gatePending: (id: Int32, request: BindRequest)?
    private var identity: BindRequest?
    private var upstream = UpstreamState.none
    /// Requests relayed on the open dedicated connection and not finally answered by the directory.
    private var upstreamInFlight: [(id: Int32, tag: UInt8)] = []
    private var closed = false

    enum UpstreamState { case none, opening, open }

    struct ClientRequest {
        enum Kind: Equatable {
            case bind(BindRequest)
            case startTLS
            case relayed(UInt8)
        }
        var id: Int32
        var kind: Kind
        /// The order in which the client sent it.
        var sequence: Int
        var abandoned = false
        /// The number of the first bind the client sent after this request (RFC 4511 §4.2.1 lets
        /// the proxy abandon the request then).
        var supersededBy: Int?
        /// The number of this bind, for binds.
        var bindNumber = 0
    }

    init(settings: UInt8) {
        wellBehaved = settings & 1 == 0
        configuration = SessionConfiguration(
            idleTimeout: .milliseconds(1000 + Int64(settings >> 5) * 1000),
            maxHeldWhileBinding: 1 + Int(settings >> 1 & 3) * 3,
            relayAnonymousBinds: settings & 8 == 0,
            startTLSAvailable: settings & 16 == 0)
        tlsActive = settings & 0x60 == 0x60
        lastActivity = now
        machine = SessionStateMachine(configuration: configuration, tlsActive: tlsActive, now: now)
    }

    // MARK: Helpers for the script

    func freshID(step: UInt8) -> Int32 { lastID &+ 1 &+ Int32(step % 3) }

    func someClientID(_ choice: UInt8) -> Int32 {
        inFlight.isEmpty ? Int32(choice) : inFlight[Int(choice) % inFlight.count].id
    }

    func someUpstreamID(_ choice: UInt8) -> Int32 {
        upstreamInFlight.isEmpty ? Int32(choice) : upstreamInFlight[Int(choice) % upstreamInFlight.count].id
    }

    // MARK: Steps

    /// FUZZ_SESSION_TRACE=1 prints every step (to read a reproducer).
    static let trace = getenv("FUZZ_SESSION_TRACE").map { String(cString: $0) == "1" } ?? false

    mutating func perform(_ step: Step) {
        if Self.trace { traceLine("step: \(step)") }
        switch step {
        case .client(let pdu): sendFromClient(pdu)
        case .decodingFailed:
            let actions = machine.decodingFailed(Self.someDecodingError)
            if closed { return expectNothing(actions, "a decoding failure after the end") }
            check(actions)
            expectDisconnect(actions, .protocolError, "a decoding failure")
        case .gate(let verdict): completeGate(verdict)
        case .upstreamOpen(let success): openUpstream(success)
        case .upstream(let pdu): receiveFromDirectory(pdu)
        case .upstreamClosed:
            guard upstream == .open else { return }
            upstream = .none
            upstreamInFlight = []
            check(machine.upstreamClosed())
        case .tick(let milliseconds):
            now = now + .milliseconds(milliseconds)
            tick()
        }
    }

    private mutating func tick() {
        let wasClosed = closed
        let actions = machine.tick(now: now)
        if wasClosed { return expectNothing(actions, "a tick after the end") }
        check(actions)
        guard closed else { return }
        guard case .disconnect(let notice?)? = actions.last, Self.result(of: notice)?.resultCode == .unavailable else {
            fail("the idle timeout closed without a Notice of Disconnection (unavailable): \(actions)")
        }
        if now - lastActivity < configuration.idleTimeout { fail("the idle timeout closed a connection too early") }
        if gatePending != nil { fail("the idle timeout closed a connection with a bind pending") }
        if wellBehaved, inFlight.contains(where: { $0.isRelayed && $0.isLive }) {
            fail("the idle timeout closed a connection with a request in flight")
        }
    }

    private mutating func sendFromClient(_ pdu: ClientPDU) {
        // RFC 4511 §4.14.1: a client sends nothing after a StartTLS request until its response.
        if wellBehaved, inFlight.contains(where: { $0.kind == .startTLS }) { return }
        let frame = Self.frame(for: pdu)
        if wellBehaved, frame.messageID > lastID { lastID = frame.messageID }
        let wasClosed = closed
        let pendingBefore = gatePending != nil
        if !wasClosed {
            lastActivity = now
            record(pdu)
            if pendingBefore { sentWhileGatePending += 1 }
        }
        let actions = machine.frameReceived(frame, now: now)
        if wasClosed { return expectNothing(actions, "a client PDU after the end") }
        check(actions)
        switch pdu {
        case .unbind:
            guard case .disconnect(nil)? = actions.last else { fail("an Unbind did not close silently: \(actions)") }
            return
        case .response, .malformed:
            if !pendingBefore { expectDisconnect(actions, .protocolError, "a response or malformed PDU") }
        default: break
        }
        guard pendingBefore else { return }
        // The session holds at least what was sent since this bind started (and perhaps PDUs left
        // over from the previous bind), so more than the limit must have ended the connection.
        if sentWhileGatePending > configuration.maxHeldWhileBinding, !closed {
            fail("\(sentWhileGatePending) PDUs are held behind a bind (limit \(configuration.maxHeldWhileBinding))")
        }
        if closed { expectDisconnect(actions, .protocolError, "too many PDUs held behind a bind") }
    }

    /// Records what the client now awaits.
    private mutating func record(_ pdu: ClientPDU) {
        sent += 1
        switch pdu {
        case .bind(_, let id, _):
            bindsSent += 1
            for index in inFlight.indices where inFlight[index].supersededBy == nil && inFlight[index].isRelayed {
                inFlight[index].supersededBy = bindsSent
            }
            guard case .bindRequest(let request) = try? Self.frame(for: pdu).decode().protocolOp else {
                fail("the harness built a bind that does not decode")
            }
            inFlight.append(ClientRequest(id: id, kind: .bind(request), sequence: sent, bindNumber: bindsSent))
        case .relayed(let tag, let id): inFlight.append(ClientRequest(id: id, kind: .relayed(tag), sequence: sent))
        case .extended(_, let id):
            inFlight.append(ClientRequest(id: id, kind: .relayed(OperationTag.extendedRequest), sequence: sent))
        case .startTLS(let id): inFlight.append(ClientRequest(id: id, kind: .startTLS, sequence: sent))
        case .abandon(_, let target):
            // RFC 4511 §4.11: Bind and StartTLS cannot be abandoned.
            for index in inFlight.indices where inFlight[index].id == target && inFlight[index].isRelayed {
                inFlight[index].abandoned = true
            }
        case .unbind, .response, .malformed: break
        }
    }

    private mutating func completeGate(_ verdict: Verdict) {
        guard let pending = gatePending else { return }
        gatePending = nil
        sentWhileGatePending = 0
        let decision: GateDecision
        let expected: LDAPMessage
        switch verdict {
        case .allow:
            // The directory's response carries the gate's own message ID; the session must put the
            // client's back.
            let response = LDAPMessage(
                messageID: 4242, protocolOp: .bindResponse(BindResponse(result: LDAPResult(resultCode: .success))))
            let anonymous: Bool
            if case .simple(let password) = pending.request.authentication {
                anonymous = password.isEmpty
            } else {
                anonymous = false
            }
            let granted = anonymous ? nil : pending.request
            decision = .allow(response: response, identity: granted)
            expected = LDAPMessage(messageID: pending.id, protocolOp: response.protocolOp)
        case .deny(let code):
            let result = LDAPResult(resultCode: code, diagnosticMessage: "denied")
            decision = .deny(result)
            expected = LDAPMessage(messageID: pending.id, protocolOp: .bindResponse(BindResponse(result: result)))
        }
        let wasClosed = closed
        if !wasClosed { lastActivity = now }
        let actions = machine.gateCompleted(messageID: pending.id, decision: decision, now: now)
        if wasClosed { return expectNothing(actions, "a gate completion after the end") }
        guard case .send(let first)? = actions.first, first == expected else {
            fail("the gate's decision was not sent first, as \(expected): \(actions)")
        }
        if case .allow(_, let granted) = decision { identity = granted } else { identity = nil }
        // The gate's answer itself is checked as a client response, allowed to be a success.
        deliver(first, gateAnswer: true)
        check(Array(actions.dropFirst()))
    }

    private mutating func openUpstream(_ success: Bool) {
        guard upstream == .opening else { return }
        if success {
            upstream = .open
            check(machine.upstreamOpened())
        } else {
            upstream = .none
            check(
                machine.upstreamOpenFailed(
                    LDAPResult(resultCode: .unavailable, diagnosticMessage: "the directory is unavailable")))
        }
    }

    private mutating func receiveFromDirectory(_ pdu: UpstreamPDU) {
        guard upstream == .open else { return }
        let message: LDAPFrame
        switch pdu {
        case .final(let index, let code):
            guard !upstreamInFlight.isEmpty else { return }
            let request = upstreamInFlight.remove(at: index % upstreamInFlight.count)
            guard
                let response = LDAPMessage.result(
                    for: request.tag, messageID: request.id, LDAPResult(resultCode: code))
            else { return }
            message = LDAPFrame(response)
        case .partial(let index, let tag):
            guard !upstreamInFlight.isEmpty else { return }
            let request = upstreamInFlight[index % upstreamInFlight.count]
            message = Self.rawFrame(tag: tag, id: request.id)
        case .hostile(let tag, let id):
            message = Self.rawFrame(tag: tag, id: id)
        }
        if !closed { lastActivity = now }
        let wasClosed = closed
        let actions = machine.upstreamFrame(message, now: now)
        if wasClosed { return expectNothing(actions, "a directory frame after the end") }
        check(actions)
        for case .relayToClient(let relayed) in actions where relayed != message {
            fail("a directory frame was changed on its way to the client")
        }
    }

    // MARK: Checking actions

    /// Checks the actions of one event, in order, and updates the handler's state as the handler would.
    private mutating func check(_ actions: [SessionAction]) {
        if Self.trace { for action in actions { traceLine("  -> \(action)") } }
        for (position, action) in actions.enumerated() {
            if closed { fail("an action after the connection ended: \(actions)") }
            if gatePending != nil {
                switch action {
                case .closeUpstream, .disconnect: break
                default: fail("\(action) while a bind decision is pending")
                }
            }
            switch action {
            case .send(let message): deliver(message, gateAnswer: false)
            case .relayToClient(let frame): deliverRelayed(frame)
            case .startGate(let id, let request, _):
                guard
                    let index = inFlight.firstIndex(where: {
                        $0.id == id && $0.isLive && $0.kind == .bind(request)
                    })
                else { fail("a gate started for a bind the client did not send: \(id)") }
                _ = index
                if case .simple(let password) = request.authentication, password.isEmpty,
                    !configuration.relayAnonymousBinds
                {
                    fail("an anonymous bind reached the gate although anonymous binds are refused")
                }
                gatePending = (id, request)
                sentWhileGatePending = 0
                identity = nil
            case .auditRefusedBind:
                identity = nil
                guard position + 1 < actions.count, case .send(let next) = actions[position + 1],
                    case .bindResponse = next.protocolOp
                else { fail("a refused bind was not answered at once: \(actions)") }
            case .openUpstream(let bind):
                if bind != identity {
                    fail(
                        "the directory connection opened as \(String(describing: bind?.name)), not as the client's identity \(String(describing: identity?.name))"
                    )
                }
                upstream = .opening
                upstreamInFlight = []
            case .relayToUpstream(let frame): relayUpstream(frame)
            case .closeUpstream:
                upstream = .none
                upstreamInFlight = []
            case .startTLS(let response):
                if tlsActive || !configuration.startTLSAvailable { fail("StartTLS started when it must be refused") }
                guard let index = inFlight.firstIndex(where: { $0.id == response.messageID && $0.kind == .startTLS })
                else { fail("a StartTLS response for no StartTLS request") }
                guard case .extendedResponse(let extended) = response.protocolOp, extended.result.resultCode == .success
                else { fail("StartTLS started with \(response)") }
                let request = inFlight[index]
                if wellBehaved,
                    inFlight.contains(where: { $0.isRelayed && $0.isLive && $0.sequence < request.sequence })
                {
                    fail("StartTLS started with operations outstanding (RFC 4511 §4.14.1)")
                }
                // PDUs sent in the clear after a StartTLS request must end the connection, never be
                // processed once TLS is on (finding 2 in docs/robustness.md, fixed).
                if sent > request.sequence {
                    fail("PDUs sent in the clear after a StartTLS request will be processed as if protected by TLS")
                }
                inFlight.remove(at: index)
                tlsActive = true
                // The handler reports the handshake before any PDU that came through TLS.
                machine.tlsHandshakeCompleted()
            case .disconnect(let notice):
                if position != actions.count - 1 { fail("actions after a disconnect: \(actions)") }
                if let notice {
                    guard notice.messageID == 0, case .extendedResponse(let extended) = notice.protocolOp,
                        extended.responseName == ExtendedResponse.noticeOfDisconnectionOID
                    else { fail("a disconnect with something other than a Notice of Disconnection: \(notice)") }
                }
                closed = true
                upstream = .none
                upstreamInFlight = []
            }
        }
    }

    private mutating func relayUpstream(_ frame: LDAPFrame) {
        if upstream != .open {
            fail("a frame relayed while the directory connection is \(upstream): the handler drops it")
        }
        switch frame.operationTag {
        case OperationTag.bindRequest, OperationTag.unbindRequest: fail("a \(frame.operationTag) was relayed")
        case OperationTag.abandonRequest: return
        case OperationTag.extendedRequest:
            if case .extendedRequest(let request) = try? frame.decode().protocolOp,
                request.requestName == ExtendedRequest.startTLSOID
            {
                fail("StartTLS was relayed")
            }
        case let tag where !OperationTag.isRequest(tag): fail("a response PDU was relayed to the directory")
        default: break
        }
        if wellBehaved, upstreamInFlight.contains(where: { $0.id == frame.messageID }) {
            fail("message ID \(frame.messageID) reused towards the directory while in flight")
        }
        upstreamInFlight.append((frame.messageID, frame.operationTag))
    }

    /// A message the session built reached the client.
    private mutating func deliver(_ message: LDAPMessage, gateAnswer: Bool) {
        if case .bindResponse(let response) = message.protocolOp {
            guard let index = inFlight.firstIndex(where: { $0.id == message.messageID && $0.isBind }) else {
                fail("a BindResponse for no bind in flight: \(message)")
            }
            if response.result.resultCode == .success && !gateAnswer {
                fail("a successful BindResponse the gate did not allow: \(message)")
            }
            let number = inFlight[index].bindNumber
            inFlight.remove(at: index)
            // What the bind superseded is abandoned for good now.
            inFlight.removeAll { ($0.supersededBy ?? Int.max) <= number }
            return
        }
        // The request this answers: a StartTLS for a StartTLS response, else a relayed request of
        // the matching type (a hostile client may have several requests with the same ID).
        var answersStartTLS = false
        if case .extendedResponse(let extended) = message.protocolOp,
            extended.responseName == ExtendedRequest.startTLSOID
        {
            answersStartTLS = true
        }
        let matching = inFlight.firstIndex {
            guard $0.id == message.messageID, $0.isLive else { return false }
            if answersStartTLS { return $0.kind == .startTLS }
            guard case .relayed(let tag) = $0.kind else { return false }
            return LDAPMessage.result(for: tag, messageID: 0, LDAPResult(resultCode: .success))?.protocolOp.tag
                == message.protocolOp.tag
        }
        // A client that reuses a message ID in flight (RFC 4511 §4.1.1.1 forbids it) may get the
        // answer typed for the other request with that ID; it must still be one it sent.
        let index =
            matching
            ?? (wellBehaved ? nil : inFlight.firstIndex { $0.id == message.messageID && $0.isLive && $0.isRelayed })
        guard let index else { fail("a response for no request in flight: \(message)") }
        if inFlight[index].kind == .startTLS {
            guard case .extendedResponse(let extended) = message.protocolOp, extended.result.resultCode != .success
            else { fail("a StartTLS answered with \(message) outside a startTLS action") }
        }
        inFlight.remove(at: index)
    }

    /// A directory frame reached the client.
    private mutating func deliverRelayed(_ frame: LDAPFrame) {
        guard
            let index = inFlight.firstIndex(where: { $0.id == frame.messageID && $0.isRelayed && $0.isLive })
        else { fail("a directory frame for no request in flight: id \(frame.messageID) tag \(frame.operationTag)") }
        if OperationTag.isFinalResponse(frame.operationTag) { inFlight.remove(at: index) }
    }

    private func expectNothing(_ actions: [SessionAction], _ what: String) {
        if !actions.isEmpty { fail("\(what) produced \(actions)") }
    }

    private func expectDisconnect(_ actions: [SessionAction], _ code: ResultCode, _ what: String) {
        guard case .disconnect(let notice?)? = actions.last, Self.result(of: notice)?.resultCode == code else {
            fail("\(what) did not end the connection with a Notice of Disconnection (\(code)): \(actions)")
        }
    }

    // MARK: Draining

    /// Lets every pending gate, connection and request finish, then checks that a well-behaved
    /// client got an answer to everything it still awaits.
    mutating func drain() {
        for _ in 0..<4096 {
            if closed { return }
            if gatePending != nil {
                completeGate(.allow)
            } else if upstream == .opening {
                openUpstream(true)
            } else if upstream == .open, !upstreamInFlight.isEmpty {
                receiveFromDirectory(.final(index: 0, code: .success))
            } else {
                break
            }
        }
        guard wellBehaved, !closed else { return }
        let unanswered = inFlight.filter { $0.isLive && $0.supersededBy == nil }
        if !unanswered.isEmpty {
            fail("requests never answered: \(unanswered.map { "\($0.id) \($0.kind)" })")
        }
    }

    // MARK: Frames

    static func frame(for pdu: ClientPDU) -> LDAPFrame {
        switch pdu {
        case .bind(let kind, let id, let seed):
            let name = "uid=user\(seed % 4),ou=people,dc=example,dc=test"
            let password = SensitiveBytes("password\(seed % 3),\(100_000 + Int(seed))")
            let request: BindRequest
            switch kind {
            case .simple: request = BindRequest(name: name, authentication: .simple(password))
            case .anonymous: request = BindRequest(name: "", authentication: .simple(SensitiveBytes("")))
            case .unauthenticated: request = BindRequest(name: name, authentication: .simple(SensitiveBytes("")))
            case .passwordWithoutName: request = BindRequest(name: "", authentication: .simple(password))
            case .sasl:
                let mechanism = ["EXTERNAL", "GSSAPI", "PLAIN"][Int(seed) % 3]
                request = BindRequest(name: "", authentication: .sasl(mechanism: mechanism, credentials: nil))
            case .versionTwo: request = BindRequest(version: 2, name: name, authentication: .simple(password))
            }
            let controls = seed & 0x80 != 0 ? [LDAPControl(oid: "1.3.6.1.4.1.42.2.27.8.5.1")] : nil
            return LDAPFrame(LDAPMessage(messageID: id, protocolOp: .bindRequest(request), controls: controls))
        case .relayed(let tag, let id):
            if tag == OperationTag.searchRequest {
                let search = SearchRequest(baseObject: "dc=example,dc=test", filter: .present("objectClass"))
                return LDAPFrame(LDAPMessage(messageID: id, protocolOp: .searchRequest(search)))
            }
            return rawFrame(tag: tag, id: id)
        case .extended(let oid, let id):
            return LDAPFrame(
                LDAPMessage(messageID: id, protocolOp: .extendedRequest(ExtendedRequest(requestName: oid))))
        case .startTLS(let id):
            return LDAPFrame(
                LDAPMessage(
                    messageID: id,
                    protocolOp: .extendedRequest(ExtendedRequest(requestName: ExtendedRequest.startTLSOID))))
        case .abandon(let id, let target):
            return LDAPFrame(LDAPMessage(messageID: id, protocolOp: .abandonRequest(target)))
        case .unbind(let id): return LDAPFrame(LDAPMessage(messageID: id, protocolOp: .unbindRequest))
        case .response(let tag, let id): return rawFrame(tag: tag, id: id)
        case .malformed(let tag, let id, let body):
            // SEQUENCE { messageID, [tag] body }, the body made undecodable: an empty INTEGER for an
            // Abandon, a NULL where a Bind's version or an ExtendedRequest's name must come first.
            let content: [UInt8] = tag == OperationTag.abandonRequest ? [] : [0x05, 0x00] + body
            var integer = withUnsafeBytes(of: id.bigEndian, Array.init)
            while integer.count > 1, integer[0] == 0, integer[1] < 0x80 { integer.removeFirst() }
            let inner = [0x02, UInt8(integer.count)] + integer + [tag, UInt8(content.count)] + content
            let bytes = ByteBuffer(bytes: [0x30, UInt8(inner.count)] + inner)
            return LDAPFrame(messageID: id, operationTag: tag, bytes: bytes)
        }
    }

    /// A frame with this tag and ID whose body only the tag describes (the session decodes only
    /// binds, abandons and extended requests, and relays everything else untouched).
    static func rawFrame(tag: UInt8, id: Int32) -> LDAPFrame {
        let message: LDAPMessage
        switch tag {
        case OperationTag.searchResultEntry:
            message = LDAPMessage(
                messageID: id, protocolOp: .searchResultEntry(SearchResultEntry(objectName: "cn=x", attributes: [])))
        case OperationTag.searchResultReference:
            message = LDAPMessage(messageID: id, protocolOp: .searchResultReference(["ldap://example.test/"]))
        case OperationTag.intermediateResponse:
            message = LDAPMessage(messageID: id, protocolOp: .intermediateResponse(IntermediateResponse()))
        case OperationTag.bindRequest:
            message = LDAPMessage(
                messageID: id,
                protocolOp: .bindRequest(BindRequest(name: "", authentication: .simple(SensitiveBytes("")))))
        case OperationTag.unbindRequest: message = LDAPMessage(messageID: id, protocolOp: .unbindRequest)
        case OperationTag.abandonRequest: message = LDAPMessage(messageID: id, protocolOp: .abandonRequest(1))
        case OperationTag.extendedRequest:
            message = LDAPMessage(messageID: id, protocolOp: .extendedRequest(ExtendedRequest(requestName: "1.2.3")))
        case OperationTag.bindResponse:
            message = LDAPMessage(
                messageID: id, protocolOp: .bindResponse(BindResponse(result: LDAPResult(resultCode: .success))))
        case OperationTag.extendedResponse:
            message = LDAPMessage(
                messageID: id, protocolOp: .extendedResponse(ExtendedResponse(result: LDAPResult(resultCode: .success)))
            )
        default:
            if let result = LDAPMessage.result(
                for: tag - 1, messageID: id, LDAPResult(resultCode: .success)), result.protocolOp.tag == tag
            {
                message = result
            } else {
                // A request whose body the session never reads: a delete of "cn=x" under this tag.
                var frame = LDAPFrame(LDAPMessage(messageID: id, protocolOp: .delRequest("cn=x")))
                frame.operationTag = tag
                return frame
            }
        }
        return LDAPFrame(message)
    }

    static func result(of notice: LDAPMessage) -> LDAPResult? {
        guard case .extendedResponse(let response) = notice.protocolOp else { return nil }
        return response.result
    }

    static let someDecodingError: LDAPDecodingError = {
        do throws(LDAPDecodingError) {
            _ = try LDAPMessage(decoding: ByteBuffer(bytes: [0x30, 0x80]))
        } catch {
            return error
        }
        fatalError("the harness's malformed PDU decoded")
    }()
}

extension SessionHarness.ClientRequest {
    var isRelayed: Bool { if case .relayed = kind { true } else { false } }
    var isBind: Bool { if case .bind = kind { true } else { false } }
    /// Still expected to be answered: not abandoned by the client.
    var isLive: Bool { !abandoned }
}

/// Writes a line to standard error, unbuffered (so it is there when the run stops).
func traceLine(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
}

/// Stops the run: libFuzzer saves the input that led here.
func fail(_ message: String) -> Never {
    fatalError("session invariant broken: \(message)")
}
