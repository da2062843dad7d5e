import Foundation
import NIOConcurrencyHelpers

/// A scripted privacyIDEA behind `PrivacyIDEAFakeServer`: `/validate/check` accepts `goodCode`, opens a push
/// transaction for an empty `pass` when `pushUsers` contains the user, and answers polls from the state the
/// test sets. JSON shapes follow the captured answers in `PrivacyIDEAFixtures`.
final class PrivacyIDEAFakeScript: Sendable {
    enum Transaction: Sendable, Equatable {
        case pending, approved, declined
    }

    struct State: Sendable {
        var goodCode = "246810"
        var pushUsers: Set<String> = []
        /// When set, a first check with this `pass` opens an interactive challenge (a PIN match).
        var challengeOnPass: String?
        /// Push transactions approve themselves after this many polls (nil: never).
        var approveAfterPolls: Int?
        var declineAfterPolls: Int?
        var transactions: [String: Transaction] = [:]
        var polls: [String: Int] = [:]
        var nextID = 1
    }

    let state = NIOLockedValueBox(State())

    func handle(_ request: PrivacyIDEAFakeServer.Request) -> PrivacyIDEAFakeServer.Reply {
        state.withLockedValue { state in
            switch request.path {
            case "/validate/check": Self.check(request.fields, &state)
            case "/validate/polltransaction": Self.poll(request.fields["transaction_id"] ?? "", &state)
            default:
                .json(#"{"result": {"status": false, "error": {"code": 601, "message": "not found"}}}"#, status: 404)
            }
        }
    }

    private static func check(_ fields: [String: String], _ state: inout State) -> PrivacyIDEAFakeServer.Reply {
        let user = fields["user"] ?? ""
        let pass = fields["pass"] ?? ""
        if let id = fields["transaction_id"] {
            let approved =
                state.transactions[id] == .approved || (state.transactions[id] != nil && pass == state.goodCode)
            return approved
                ? verdict(true, "Found matching challenge") : verdict(false, "Response did not match the challenge.")
        }
        if pass.isEmpty, state.pushUsers.contains(user) {
            return challenge(&state, mode: "poll", type: "push")
        }
        if let trigger = state.challengeOnPass, pass == trigger {
            return challenge(&state, mode: "interactive", type: "totp")
        }
        if pass.isEmpty { return verdict(false, "wrong otp pin") }
        return pass == state.goodCode ? verdict(true, "matching 1 tokens") : verdict(false, "wrong otp value")
    }

    private static func poll(_ id: String, _ state: inout State) -> PrivacyIDEAFakeServer.Reply {
        state.polls[id, default: 0] += 1
        let count = state.polls[id] ?? 0
        if state.transactions[id] == .pending {
            if let after = state.approveAfterPolls, count >= after { state.transactions[id] = .approved }
            if let after = state.declineAfterPolls, count >= after { state.transactions[id] = .declined }
        }
        switch state.transactions[id] {
        case .approved: return pollAnswer(true, "accept")
        case .declined: return pollAnswer(false, "declined")
        case .pending, nil: return pollAnswer(false, "pending")
        }
    }

    private static func verdict(_ value: Bool, _ message: String) -> PrivacyIDEAFakeServer.Reply {
        .json(#"{"result": {"status": true, "value": \#(value)}, "detail": {"message": "\#(message)"}}"#)
    }

    private static func pollAnswer(_ value: Bool, _ status: String) -> PrivacyIDEAFakeServer.Reply {
        .json(#"{"result": {"status": true, "value": \#(value)}, "detail": {"challenge_status": "\#(status)"}}"#)
    }

    private static func challenge(_ state: inout State, mode: String, type: String) -> PrivacyIDEAFakeServer.Reply {
        let id = String(format: "%020d", state.nextID)
        state.nextID += 1
        state.transactions[id] = .pending
        return .json(
            #"{"result": {"status": true, "value": false, "authentication": "CHALLENGE"}, "detail": "#
                + #"{"transaction_id": "\#(id)", "multi_challenge": [{"client_mode": "\#(mode)", "type": "\#(type)", "#
                + #""transaction_id": "\#(id)"}]}}"#)
    }
}
