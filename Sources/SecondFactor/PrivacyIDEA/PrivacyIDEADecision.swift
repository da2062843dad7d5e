import Foundation

/// What one `/validate/check` answer means for the bind.
enum PrivacyIDEADecision: Sendable, Equatable {
    /// `result.value == true`.
    case accepted
    /// privacyIDEA checked and said no (wrong code, no token, no such user, locked token, a policy).
    case rejected(reason: String)
    /// privacyIDEA opened a challenge. `outOfBand` is true when one of the challenges is answered on
    /// another device (a push token: `client_mode` `poll`), which is what a push request waits for.
    case challenge(transactionID: String, outOfBand: Bool)
    /// privacyIDEA could not decide (`result.status == false` with a server-side error): the fail mode applies.
    case failed(reason: String)
}

/// What one `/validate/polltransaction` answer says about a pending push.
enum PrivacyIDEAPollState: Sendable, Equatable {
    /// The phone approved: finalise with `/validate/check`.
    case answered
    /// Not answered yet (or privacyIDEA does not know the transaction).
    case pending
    /// The user refused on the phone (`declined`: "this was not me"; `cancelled`: aborted).
    case refused(status: String)
    /// privacyIDEA could not answer the poll.
    case failed(reason: String)
}

extension PrivacyIDEAResponse {
    /// Error codes that are privacyIDEA's verdict on this user rather than a failure to decide:
    /// 904 no such user, 1007 token locked or revoked, 303 a policy refused the authentication.
    static let verdictErrorCodes: Set<Int> = [904, 1007, 303]

    /// The meaning of a `/validate/check` answer. `code` is what the user typed; it is cut out of any
    /// text taken from the answer, so a reason can never carry it even if the server echoed it.
    func validateDecision(redacting code: String) -> PrivacyIDEADecision {
        guard status else {
            let text = Self.clean(errorMessage ?? "error without a message", redacting: code)
            if let errorCode, Self.verdictErrorCodes.contains(errorCode) {
                return .rejected(reason: "privacyIDEA: \(text)")
            }
            return .failed(reason: "privacyIDEA error \(errorCode.map(String.init) ?? "?"): \(text)")
        }
        if value == true { return .accepted }
        if let transactionID, !transactionID.isEmpty {
            let outOfBand = challenges.contains { $0.clientMode == "poll" || $0.tokenType == "push" }
            return .challenge(transactionID: transactionID, outOfBand: outOfBand)
        }
        let text = message.map { Self.clean($0, redacting: code) } ?? authentication ?? "rejected"
        return .rejected(reason: "privacyIDEA: \(text)")
    }

    /// The meaning of a `/validate/polltransaction` answer.
    func pollState() -> PrivacyIDEAPollState {
        guard status else {
            let text = Self.clean(errorMessage ?? "error without a message", redacting: "")
            return .failed(reason: "privacyIDEA error \(errorCode.map(String.init) ?? "?"): \(text)")
        }
        if value == true { return .answered }
        switch challengeStatus {
        case "declined", "cancelled": return .refused(status: challengeStatus ?? "declined")
        default: return .pending
        }
    }

    /// Text from the server made safe for a reason: the code replaced, control characters dropped,
    /// at most 200 characters.
    static func clean(_ text: String, redacting code: String) -> String {
        var result = text
        if code.count >= 3 {
            result = result.replacingOccurrences(of: code, with: "<redacted>")
        }
        result = String(result.unicodeScalars.filter { $0.properties.generalCategory != .control }.map(Character.init))
        if result.count > 200 {
            result = String(result.prefix(200)) + "..."
        }
        return result
    }
}
