import LDAPCore
import NIOCore
import SecondFactor
import Upstream

/// Settings of the gate.
public struct GateSettings: Sendable {
    public var otpSplitter: OTPSplitter
    /// Attributes tried in order to find the user's name for the second factor (e.g. `uid`, or
    /// `userPrincipalName` then `sAMAccountName`).
    public var usernameAttributes: [String]

    public init(otpSplitter: OTPSplitter, usernameAttributes: [String]) {
        self.otpSplitter = otpSplitter
        self.usernameAttributes = usernameAttributes
    }
}

/// Decides a simple bind: the directory must accept the password and the second factor must
/// pass; then the directory's own BindResponse is relayed.
///
/// A denial is invalidCredentials (49) with a diagnostic that never says which factor failed;
/// only "the directory is unreachable" (52) and the directory's non-49 answers (e.g.
/// strongerAuthRequired, unwillingToPerform) are passed on as they are.
public final class BindGate: Sendable {
    let directory: UpstreamDirectory
    let provider: any SecondFactorProvider
    let settings: GateSettings
    let audit: any AuditSink

    public static let deniedText = "invalid credentials"

    public init(
        directory: UpstreamDirectory, provider: any SecondFactorProvider, settings: GateSettings, audit: any AuditSink
    ) {
        self.directory = directory
        self.provider = provider
        self.settings = settings
        self.audit = audit
    }

    /// Runs the gate for one bind request (already screened by the session: simple, version 3,
    /// not unauthenticated).
    public func authenticate(_ request: BindRequest, controls: [LDAPControl]?, clientAddress: String?) async
        -> GateDecision
    {
        let started = ContinuousClock.now
        var event = AuditEvent(
            user: request.name, clientAddress: clientAddress, rule: "second-factor", provider: provider.name,
            outcome: .denied, latencyMilliseconds: 0)
        let decision = await decide(request, controls: controls, clientAddress: clientAddress, event: &event)
        let elapsed = ContinuousClock.now - started
        event.latencyMilliseconds =
            Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        audit.record(event)
        return decision
    }

    private func decide(
        _ request: BindRequest, controls: [LDAPControl]?, clientAddress: String?, event: inout AuditEvent
    ) async -> GateDecision {
        guard case .simple(let secret) = request.authentication else {
            event.rule = "sasl-refused"
            return .deny(
                LDAPResult(resultCode: .authMethodNotSupported, diagnosticMessage: "SASL binds are not supported"))
        }
        if secret.isEmpty && request.name.isEmpty {
            event.rule = "anonymous-bind"
            event.provider = nil
            return await relayAnonymous(request, controls: controls, event: &event)
        }
        guard let (password, code) = settings.otpSplitter.split(secret) else {
            event.rule = "no-code"
            event.reason = "the password carries no one-time code"
            return .deny(Self.denied)
        }
        let primary = BindRequest(version: request.version, name: request.name, authentication: .simple(password))
        let response: LDAPMessage
        switch await directory.authenticate(primary, controls: controls) {
        case .unavailable(let reason):
            event.rule = "directory-unavailable"
            event.outcome = .error
            event.reason = reason
            return .deny(
                LDAPResult(resultCode: .unavailable, diagnosticMessage: "the directory is unavailable; try again later")
            )
        case .answered(let answer, let server):
            event.server = server.description
            response = answer
        }
        guard case .bindResponse(let bindResponse) = response.protocolOp else {
            event.rule = "directory-rejected"
            return .deny(Self.denied)
        }
        guard bindResponse.result.resultCode == .success else {
            event.rule = "directory-rejected"
            event.reason = "directory answered \(bindResponse.result.resultCode)"
            if bindResponse.result.resultCode == .invalidCredentials { return .deny(Self.denied) }
            return .deny(bindResponse.result)
        }
        let outcome = await secondFactor(request.name, code: code, clientAddress: clientAddress, event: &event)
        guard outcome == .accepted else {
            await directory.scrubIdentity(request.name)
            return .deny(Self.denied)
        }
        event.outcome = .allowed
        return .allow(response: response, identity: primary)
    }

    private func secondFactor(_ dn: String, code: String, clientAddress: String?, event: inout AuditEvent) async
        -> FactorOutcome
    {
        let username: String
        do {
            guard let entry = try await directory.readEntry(dn, attributes: settings.usernameAttributes),
                let name = Self.username(in: entry, attributes: settings.usernameAttributes)
            else {
                event.rule = "user-not-found"
                event.reason = "no \(settings.usernameAttributes.joined(separator: "/")) on the bound entry"
                return .rejected(reason: "user not found")
            }
            username = name
        } catch {
            event.rule = "user-lookup-failed"
            event.outcome = .error
            event.reason = "\(error)"
            return .unavailable(reason: "\(error)")
        }
        event.user = username
        let outcome = await provider.verify(
            FactorRequest(username: username, dn: dn, code: code, clientAddress: clientAddress))
        switch outcome {
        case .accepted: break
        case .rejected(let reason): event.reason = reason
        case .unavailable(let reason):
            event.outcome = .error
            event.reason = reason
        }
        return outcome
    }

    private func relayAnonymous(_ request: BindRequest, controls: [LDAPControl]?, event: inout AuditEvent) async
        -> GateDecision
    {
        switch await directory.authenticate(request, controls: controls) {
        case .unavailable(let reason):
            event.outcome = .error
            event.reason = reason
            return .deny(
                LDAPResult(resultCode: .unavailable, diagnosticMessage: "the directory is unavailable; try again later")
            )
        case .answered(let response, let server):
            event.server = server.description
            guard case .bindResponse(let bind) = response.protocolOp, bind.result.resultCode == .success else {
                if case .bindResponse(let bind) = response.protocolOp { return .deny(bind.result) }
                return .deny(Self.denied)
            }
            event.outcome = .allowed
            return .allow(response: response, identity: nil)
        }
    }

    static let denied = LDAPResult(resultCode: .invalidCredentials, diagnosticMessage: deniedText)

    /// The first value of the first attribute in `attributes` the entry has.
    static func username(in entry: SearchResultEntry, attributes: [String]) -> String? {
        for attribute in attributes {
            if let value = entry.values(of: attribute)?.first,
                let text = value.getString(at: value.readerIndex, length: value.readableBytes), !text.isEmpty
            {
                return text
            }
        }
        return nil
    }
}
