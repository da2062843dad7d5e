/// A second factor: TOTP, privacyIDEA or RADIUS (DESIGN.md decision 5), chosen by `mfa.provider`.
///
/// `verify` may take as long as the factor needs (a push can take a minute), so it is `async` and
/// never blocks an event loop. It does not throw: a provider that cannot decide answers
/// `.unavailable`, and the gate's fail mode decides what that means.
public protocol SecondFactorProvider: Sendable {
    /// A short stable name for logs, metrics and audit events (`"totp"`).
    var name: String { get }

    /// Checks one request. Reasons in the outcome never include the code or any secret.
    func verify(_ request: FactorRequest) async -> FactorOutcome

    /// Releases what the provider holds (HTTP clients, sockets). Called once, when the runtime
    /// that built it is replaced or the process stops; the default does nothing.
    func shutdown() async
}

extension SecondFactorProvider {
    public func shutdown() async {}
}
