import LDAPCore
import NIOCore

extension SessionStateMachine {
    /// The bind gate finished for the bind with `messageID`.
    public mutating func gateCompleted(messageID: Int32, decision: GateDecision, now: NIODeadline) -> [SessionAction] {
        guard !closed, bindInProgress == messageID else { return [] }
        bindInProgress = nil
        lastActivity = now
        var actions: [SessionAction]
        switch decision {
        case .allow(var response, let identity):
            response.messageID = messageID
            self.identity = identity
            actions = [.send(response)]
        case .deny(let result):
            identity = nil
            actions = [
                .send(LDAPMessage(messageID: messageID, protocolOp: .bindResponse(BindResponse(result: result))))
            ]
        }
        // Process what arrived during the bind, in order, until another bind starts.
        while bindInProgress == nil, !closed, !held.isEmpty {
            actions += process(held.removeFirst())
        }
        return actions
    }

    /// The dedicated upstream connection is open and bound: send what waited for it.
    public mutating func upstreamOpened() -> [SessionAction] {
        guard !closed, case .opening(let queued) = upstream else { return [.closeUpstream] }
        upstream = .open
        return queued.map { .relayToUpstream($0) }
    }

    /// The dedicated upstream connection could not be opened: every operation waiting for it is
    /// answered with `result` (unavailable, or the directory's refusal of the client's bind).
    public mutating func upstreamOpenFailed(_ result: LDAPResult) -> [SessionAction] {
        guard !closed, case .opening(let queued) = upstream else { return [] }
        upstream = .none
        return queued.compactMap { frame in
            guard outstanding.removeValue(forKey: frame.messageID) != nil else { return nil }
            return LDAPMessage.result(for: frame.operationTag, messageID: frame.messageID, result).map { .send($0) }
        }
    }

    /// The directory sent a frame on the dedicated connection.
    public mutating func upstreamFrame(_ frame: LDAPFrame, now: NIODeadline) -> [SessionAction] {
        guard !closed, case .open = upstream else { return [] }
        lastActivity = now
        // The directory's own Notice of Disconnection is about that connection, not the client's.
        if frame.messageID == 0 { return [] }
        if OperationTag.isFinalResponse(frame.operationTag) {
            guard outstanding.removeValue(forKey: frame.messageID) != nil else { return [] }  // abandoned
        } else if outstanding[frame.messageID] == nil {
            return []
        }
        return [.relayToClient(frame)]
    }

    /// The dedicated upstream connection closed: outstanding operations get unavailable (52).
    public mutating func upstreamClosed() -> [SessionAction] {
        guard !closed else { return [] }
        switch upstream {
        case .none, .opening: return []
        case .open: break
        }
        upstream = .none
        let result = LDAPResult(resultCode: .unavailable, diagnosticMessage: "the connection to the directory was lost")
        let pending = outstanding.sorted { $0.key < $1.key }
        outstanding = [:]
        return pending.compactMap { id, tag in LDAPMessage.result(for: tag, messageID: id, result).map { .send($0) } }
    }

    /// Time passed: close a connection that has been idle too long with nothing pending.
    public mutating func tick(now: NIODeadline) -> [SessionAction] {
        guard !closed, bindInProgress == nil, outstanding.isEmpty else { return [] }
        guard now - lastActivity >= configuration.idleTimeout else { return [] }
        closed = true
        var actions: [SessionAction] = []
        if case .none = upstream {} else { actions.append(.closeUpstream) }
        upstream = .none
        return actions + [.disconnect(notice: .noticeOfDisconnection(.unavailable, "idle timeout"))]
    }
}
