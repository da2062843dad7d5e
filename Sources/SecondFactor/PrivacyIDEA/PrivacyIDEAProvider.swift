import AsyncHTTPClient
import Logging

/// The second factor checked by a privacyIDEA server (`mfa.provider: privacyidea`) through its REST API.
///
/// **A code** (what the user typed after the password) goes to `POST /validate/check` as `user`, `pass` and,
/// when configured, `realm`. privacyIDEA checks PIN and OTP in that one request, so a user who typed the
/// code up front is accepted in one bind even where `challenge_response` policies are active: those only
/// open a challenge when `pass` matches a token PIN alone. If privacyIDEA nevertheless answers with a
/// challenge (`result.value == false` with a `transaction_id`), the provider answers that transaction once
/// with the same code and takes the second verdict as final; the bind never needs a second round trip
/// from the client. An empty code is refused without asking the server (it would trigger challenges).
///
/// **The keyword `push`** (`password,push`) starts an out-of-band confirmation; see `push(for:)`.
///
/// **Outcomes**: `result.value == true` is `.accepted`; a `false` verdict, an unknown user (error 904), a
/// locked token (1007) or a refusing policy (303) is `.rejected` with privacyIDEA's message; any other
/// server-side error (`result.status == false`, e.g. 907 resolver down), a network failure, a TLS failure
/// or no answer within `requestTimeout` is `.unavailable`, for the fail mode to decide. Reasons never
/// contain the code, and nothing here logs it.
///
/// The provider owns one `HTTPClient`: call `shutdown()` once when it is no longer used (AsyncHTTPClient
/// refuses to be deinitialised while running).
public final class PrivacyIDEAProvider: SecondFactorProvider {
    /// The code that asks for a push instead of carrying an OTP (compared case-insensitively).
    public static let pushKeyword = "push"

    public let name = "privacyidea"
    /// The settings the provider was created with.
    public let settings: PrivacyIDEASettings
    let http: PrivacyIDEAHTTP
    let logger: Logger

    /// Checks the settings, loads the CA file and creates the HTTP client.
    ///
    /// - Throws: `PrivacyIDEAError` with code `invalidSettings` for a URL that is not `http(s)://host...`,
    ///   an unreadable or empty CA file, or a duration that is not positive.
    public init(
        settings: PrivacyIDEASettings, logger: Logger = Logger(label: "ldap-mfa-proxy.privacyidea")
    ) throws(PrivacyIDEAError) {
        let setup = try PrivacyIDEAClientSetup(settings: settings)
        self.settings = settings
        self.logger = logger
        self.http = PrivacyIDEAHTTP(
            client: HTTPClient(eventLoopGroupProvider: .singleton, configuration: setup.configuration),
            baseURL: setup.baseURL, requestTimeout: settings.requestTimeout, caFile: settings.caFile)
    }

    public func verify(_ request: FactorRequest) async -> FactorOutcome {
        let started = ContinuousClock.now
        let outcome: FactorOutcome
        if request.code.lowercased() == Self.pushKeyword {
            outcome = await push(for: request.username)
        } else if request.code.isEmpty {
            outcome = .rejected(reason: "no code given")
        } else {
            outcome = await check(user: request.username, code: request.code)
        }
        logger.debug(
            "privacyIDEA verification finished",
            metadata: [
                "user": "\(request.username)", "outcome": "\(outcome)",
                "elapsed": "\(ContinuousClock.now - started)",
            ])
        return outcome
    }

    /// Shuts the HTTP client down (``SecondFactorProvider/shutdown()``: the runtime calls it on reload and
    /// exit); verifications after this answer `.unavailable`. A second call only logs, at debug level.
    public func shutdown() async {
        do {
            try await http.client.shutdown()
        } catch {
            logger.debug("privacyIDEA HTTP client was already shut down", metadata: ["error": "\(error)"])
        }
    }

    /// The code flow: one check, and one answer to a challenge if privacyIDEA opens one.
    func check(user: String, code: String) async -> FactorOutcome {
        let first: PrivacyIDEADecision
        do {
            first = try await validate(user: user, pass: code, transactionID: nil)
        } catch {
            return .unavailable(reason: error.description)
        }
        guard case .challenge(let transactionID, _) = first else { return outcome(of: first) }
        logger.debug("privacyIDEA opened a challenge; answering it with the code", metadata: ["user": "\(user)"])
        do {
            let second = try await validate(user: user, pass: code, transactionID: transactionID)
            if case .challenge = second {
                return .rejected(reason: "privacyIDEA asked for yet another challenge")
            }
            return outcome(of: second)
        } catch {
            return .unavailable(reason: error.description)
        }
    }

    /// `POST /validate/check` for `user` with `pass` (and `transaction_id` when answering a challenge).
    func validate(
        user: String, pass: String, transactionID: String?
    ) async throws(PrivacyIDEAError) -> PrivacyIDEADecision {
        var form = [("user", user), ("pass", pass)]
        if let realm = settings.realm { form.append(("realm", realm)) }
        if let transactionID { form.append(("transaction_id", transactionID)) }
        let response = try await http.post("/validate/check", form: form)
        return response.validateDecision(redacting: pass)
    }

    /// The outcome of a final (non-challenge) decision.
    func outcome(of decision: PrivacyIDEADecision) -> FactorOutcome {
        switch decision {
        case .accepted: .accepted
        case .rejected(let reason): .rejected(reason: reason)
        case .failed(let reason): .unavailable(reason: reason)
        case .challenge: .rejected(reason: "privacyIDEA opened a challenge that cannot be answered here")
        }
    }
}
