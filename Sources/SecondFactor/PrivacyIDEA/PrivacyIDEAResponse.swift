import Foundation

/// The parts of a privacyIDEA JSON answer (`/validate/check`, `/validate/polltransaction`) the provider
/// reads. Everything else in the answer (the signature, the audit id, token details) is ignored.
///
///     {"result": {"status": true, "value": false, "authentication": "CHALLENGE"},
///      "detail": {"message": "...", "transaction_id": "0447...",
///                 "multi_challenge": [{"type": "push", "client_mode": "poll", ...}]}}
///     {"result": {"status": false, "error": {"code": 904, "message": "ERR904: User <x@realm> does not exist."}}}
struct PrivacyIDEAResponse: Sendable, Equatable {
    /// One challenge privacyIDEA opened for the user (`detail.multi_challenge[]`).
    struct Challenge: Sendable, Equatable {
        /// The token type, e.g. `totp`, `push`, `email`.
        var tokenType: String?
        /// How the client should answer: `interactive` (type a code), `poll` (out of band, e.g. push),
        /// `webauthn`, `u2f`.
        var clientMode: String?
    }

    /// The HTTP status code (privacyIDEA answers errors with 400 and a JSON body).
    var httpStatus: UInt
    /// `result.status`: false when privacyIDEA could not process the request (see `errorCode`).
    var status: Bool
    /// `result.value` when it is a boolean: the authentication verdict, or "answered" for a poll.
    var value: Bool?
    /// `result.authentication`: `ACCEPT`, `REJECT`, `CHALLENGE`, `DECLINED`.
    var authentication: String?
    /// `result.error.code`, e.g. 904 (no such user), 907 (resolver failure).
    var errorCode: Int?
    /// `result.error.message`.
    var errorMessage: String?
    /// `detail.message`, a human-readable explanation.
    var message: String?
    /// `detail.transaction_id` of an opened challenge.
    var transactionID: String?
    /// `detail.challenge_status` from a poll: `accept`, `pending`, `declined`, `cancelled`.
    var challengeStatus: String?
    /// `detail.multi_challenge`.
    var challenges: [Challenge]

    /// Parses a body; throws `badResponse` when it is not a privacyIDEA JSON answer.
    init(httpStatus: UInt, body: some Collection<UInt8>) throws(PrivacyIDEAError) {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(body))
        } catch {
            throw PrivacyIDEAError(.badResponse, "HTTP \(httpStatus) with a body that is not a privacyIDEA answer")
        }
        self.httpStatus = httpStatus
        self.status = wire.result.status
        self.value = wire.result.value
        self.authentication = wire.result.authentication
        self.errorCode = wire.result.error?.code
        self.errorMessage = wire.result.error?.message
        self.message = wire.detail?.message
        self.transactionID = wire.detail?.transactionID
        self.challengeStatus = wire.detail?.challengeStatus
        self.challenges = (wire.detail?.multiChallenge ?? []).map {
            Challenge(tokenType: $0.type, clientMode: $0.clientMode)
        }
    }
}

extension PrivacyIDEAResponse {
    /// The JSON as privacyIDEA writes it. Fields whose type varies between endpoints (`result.value` is a
    /// boolean here, an object or list elsewhere) decode to `nil` when they are not what is expected.
    fileprivate struct Wire: Decodable {
        struct Result: Decodable {
            var status: Bool
            var value: Bool?
            var authentication: String?
            var error: ErrorBody?

            enum CodingKeys: String, CodingKey { case status, value, authentication, error }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                status = try container.decode(Bool.self, forKey: .status)
                value = try? container.decodeIfPresent(Bool.self, forKey: .value)
                authentication = try? container.decodeIfPresent(String.self, forKey: .authentication)
                error = try? container.decodeIfPresent(ErrorBody.self, forKey: .error)
            }
        }

        struct ErrorBody: Decodable {
            var code: Int?
            var message: String?
        }

        struct Detail: Decodable {
            var message: String?
            var transactionID: String?
            var challengeStatus: String?
            var multiChallenge: [ChallengeBody]?

            enum CodingKeys: String, CodingKey {
                case message
                case transactionID = "transaction_id"
                case challengeStatus = "challenge_status"
                case multiChallenge = "multi_challenge"
            }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                message = try? container.decodeIfPresent(String.self, forKey: .message)
                transactionID = try? container.decodeIfPresent(String.self, forKey: .transactionID)
                challengeStatus = try? container.decodeIfPresent(String.self, forKey: .challengeStatus)
                multiChallenge = try? container.decodeIfPresent([ChallengeBody].self, forKey: .multiChallenge)
            }
        }

        struct ChallengeBody: Decodable {
            var type: String?
            var clientMode: String?

            enum CodingKeys: String, CodingKey {
                case type
                case clientMode = "client_mode"
            }
        }

        var result: Result
        var detail: Detail?
    }
}
