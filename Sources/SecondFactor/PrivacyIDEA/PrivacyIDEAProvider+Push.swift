extension PrivacyIDEAProvider {
    /// The push flow, for the code `push`:
    ///
    /// 1. Trigger: `POST /validate/check` with `user` and an empty `pass`. privacyIDEA opens a challenge for
    ///    every challenge-response token whose PIN the empty pass matches, so push tokens must have no PIN
    ///    (or the `otppin=none` policy must apply): the proxy never has a privacyIDEA PIN to send. A push
    ///    token sends its notification (or, in "poll only" mode, waits for the app to fetch it) and the
    ///    answer carries a `transaction_id`. An answer without an out-of-band (`poll`) challenge is refused
    ///    at once: the user has no push token, and nobody would ever approve.
    /// 2. Wait: every `pollInterval`, `GET /validate/polltransaction?transaction_id=...` until `result.value`
    ///    is true (approved), `detail.challenge_status` is `declined` or `cancelled` (refused on the phone:
    ///    `.rejected`), or `pushTimeout` has passed. Waiting is `Task.sleep`: a parked push holds no thread
    ///    and no event loop, so any number can wait while other binds complete.
    /// 3. Finalise: `POST /validate/check` with `user`, the `transaction_id` and an empty `pass`; its verdict
    ///    is the outcome.
    ///
    /// A user who does not answer in time is `.rejected(reason: "push timed out")`, never `.unavailable`:
    /// the fail mode is for an unreachable server, and silence on the phone must not become a safe-mode
    /// pass. Polls that fail on the network are retried until the deadline; when the last one failed, the
    /// outcome is `.unavailable` (privacyIDEA went away while the user may have approved). Do not enable
    /// privacyIDEA's `push_wait` policy: it makes the trigger request itself wait, bounded by `requestTimeout`.
    func push(for user: String) async -> FactorOutcome {
        let transactionID: String
        do {
            switch try await validate(user: user, pass: "", transactionID: nil) {
            case .challenge(let id, outOfBand: true):
                transactionID = id
            case .challenge(_, outOfBand: false):
                return .rejected(reason: "no push token: privacyIDEA opened no out-of-band challenge")
            case let decision:
                return outcome(of: decision)
            }
        } catch {
            return .unavailable(reason: error.description)
        }
        logger.debug("privacyIDEA push triggered; waiting for the phone", metadata: ["user": "\(user)"])

        switch await waitForAnswer(transactionID: transactionID) {
        case .answered:
            do {
                return outcome(of: try await validate(user: user, pass: "", transactionID: transactionID))
            } catch {
                return .unavailable(reason: error.description)
            }
        case .refused(let status):
            return .rejected(reason: status == "cancelled" ? "push cancelled on the phone" : "push declined")
        case .pending:
            return .rejected(reason: Task.isCancelled ? "push wait cancelled" : "push timed out")
        case .failed(let reason):
            return .unavailable(reason: reason)
        }
    }

    /// Polls the transaction until it is answered or refused, or `pushTimeout` has passed (`.pending`, or
    /// `.failed` when the last poll could not reach privacyIDEA). Cancellation of the calling task ends the
    /// wait as `.pending`.
    func waitForAnswer(transactionID: String) async -> PrivacyIDEAPollState {
        let clock = ContinuousClock()
        let deadline = clock.now + settings.pushTimeout
        var last = PrivacyIDEAPollState.pending
        while true {
            let remaining = deadline - clock.now
            guard remaining > .zero else { return last }
            do {
                try await Task.sleep(for: min(settings.pollInterval, remaining))
            } catch {
                return .pending
            }
            do {
                let response = try await http.get(
                    "/validate/polltransaction", query: [("transaction_id", transactionID)])
                last = response.pollState()
            } catch {
                last = .failed(reason: error.description)
            }
            switch last {
            case .answered, .refused: return last
            case .pending, .failed: continue
            }
        }
    }
}
