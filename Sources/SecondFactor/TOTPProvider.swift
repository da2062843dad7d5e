import Foundation

/// The TOTP second factor (RFC 6238): checks the code against the user's stored secret within the
/// configured window and refuses any code whose step is not newer than the last one accepted for that
/// user (RFC 6238 §5.2: "the verifier MUST NOT accept the second attempt of the OTP").
///
/// The outcome's reasons are fixed phrases; they never contain the code or the secret.
public final class TOTPProvider: SecondFactorProvider {
    public let name = "totp"
    /// How codes are computed and how much clock drift is tolerated.
    public let parameters: TOTPParameters
    private let store: any TOTPStateStore
    private let clock: @Sendable () -> Date

    /// - Parameters:
    ///   - store: secrets and replay state.
    ///   - parameters: digits, period, algorithm and window.
    ///   - clock: the current time; tests pass a fixed one.
    public init(
        store: any TOTPStateStore, parameters: TOTPParameters = .standard,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.parameters = parameters
        self.clock = clock
    }

    public func verify(_ request: FactorRequest) async -> FactorOutcome {
        let secret: [UInt8]?
        do {
            secret = try await store.totpSecret(for: request.username)
        } catch {
            return .unavailable(reason: "TOTP store unavailable: \(error)")
        }
        guard let secret, !secret.isEmpty else { return .rejected(reason: "no TOTP enrolment") }
        guard TOTP.isWellFormed(code: request.code, digits: parameters.digits) else {
            return .rejected(reason: "code is not \(parameters.digits) digits")
        }
        let now = clock()
        guard let step = TOTP.matchingStep(code: request.code, secret: secret, time: now, parameters: parameters)
        else {
            return .rejected(reason: "code does not match")
        }
        do {
            guard try await store.recordAcceptedStep(step, for: request.username) else {
                return .rejected(reason: "code already used")
            }
        } catch {
            return .unavailable(reason: "TOTP store unavailable: \(error)")
        }
        return .accepted
    }
}
