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
    public var policy: MFAPolicy

    public init(otpSplitter: OTPSplitter, usernameAttributes: [String], policy: MFAPolicy = MFAPolicy()) {
        self.otpSplitter = otpSplitter
        self.usernameAttributes = usernameAttributes
        self.policy = policy
    }
}

/// Decides a simple bind: the directory must accept the password and, unless a rule exempts the
/// user, the second factor must pass; then the directory's own BindResponse is relayed.
///
/// Order of the checks, each a rule named in the audit event:
/// 1. `locked-out`: too many recent failures for this user or client address; refused without
///    contacting the directory.
/// 2. `exempt-network`, `exempt-dn`, `exempt-subtree`; then, when groups matter, `exempt-group`
///    and `not-in-required-group` (membership read with the query identity): the whole password
///    goes to the directory and its answer is final.
/// 3. `user-not-found`: the entry or its username attribute is missing (a name found within
///    `mfa.username_cache_ttl` is not searched for again).
/// 4. `user-disabled`: the store's record of the user was disabled by directory synchronisation
///    (deny, whatever `require_user_match` says). Exempt users (step 2) never reach this check: an
///    exemption needs no record, so it is not undone by a disabled one.
///    `no-user-match`: the store has no record of the user and `require_user_match` is on (deny);
///    with it off, `no-user-record` lets the user in on the primary bind alone.
/// 5. `bind-cache`: the same DN and full secret passed within the cache's time to live.
/// 6. `no-code`: no code could be split off the password.
/// 7. `directory-rejected`: the directory refused the password.
/// 8. `second-factor`: the provider's verdict; `fail-safe` when it was unreachable and
///    `fail_mode` is safe, `provider-unavailable` when it was unreachable and secure.
///
/// A denial is invalidCredentials (49) with a diagnostic that never says which factor failed;
/// only "the directory is unreachable" (52) and the directory's non-49 answers (e.g.
/// strongerAuthRequired, unwillingToPerform) are passed on as they are.
public final class BindGate: Sendable {
    let directory: UpstreamDirectory
    let provider: any SecondFactorProvider
    let settings: GateSettings
    let audit: any AuditSink
    let records: (any UserRecords)?
    let groups: GroupResolver?
    let lockout: LockoutTracker
    let cache: BindCache
    let usernames: UsernameCache

    public static let deniedText = "invalid credentials"
    static let denied = LDAPResult(resultCode: .invalidCredentials, diagnosticMessage: deniedText)
    static let unavailable = LDAPResult(
        resultCode: .unavailable, diagnosticMessage: "the directory is unavailable; try again later")

    public init(
        directory: UpstreamDirectory, provider: any SecondFactorProvider, settings: GateSettings, audit: any AuditSink,
        records: (any UserRecords)? = nil, groups: GroupResolver? = nil,
        lockout: LockoutTracker = LockoutTracker(rules: LockoutRules(maxFailures: 0, maxFailuresPerAddress: 0)),
        cache: BindCache = BindCache(timeToLive: .zero), usernames: UsernameCache = UsernameCache(timeToLive: .zero)
    ) {
        self.directory = directory
        self.provider = provider
        self.settings = settings
        self.audit = audit
        self.records = records
        self.groups = groups
        self.lockout = lockout
        self.cache = cache
        self.usernames = usernames
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
            return await relay(request, controls: controls, event: &event, countFailures: false)
        }
        let dn = await AccountNameResolver(directory: directory).distinguishedName(for: request.name)
        let lockKey = dn.map { $0.normalized.description } ?? asciiLowercased(request.name)
        let context = Context(request: request, controls: controls, clientAddress: clientAddress, lockKey: lockKey)
        if await lockout.isLocked(user: lockKey, address: clientAddress) {
            event.rule = "locked-out"
            event.reason = "too many failed binds recently"
            return .deny(Self.denied)
        }
        if let rule = await exemption(dn: dn, clientAddress: clientAddress, event: &event) {
            event.rule = rule
            event.provider = nil
            return await relay(request, controls: controls, event: &event, context: context)
        }
        return await gated(context, secret: secret, event: &event)
    }

    /// Records the audit event of a bind the session refused before any gate ran.
    public func recordRefusal(name: String, rule: String, result: ResultCode, clientAddress: String?) {
        var event = AuditEvent(
            user: name, clientAddress: clientAddress, rule: rule, provider: nil, outcome: .denied,
            latencyMilliseconds: 0)
        event.reason = "answered \(result) by the proxy"
        audit.record(event)
    }

    struct Context {
        let request: BindRequest
        let controls: [LDAPControl]?
        let clientAddress: String?
        let lockKey: String
    }

    /// The exempting rule, if any. A group lookup that fails exempts nobody.
    private func exemption(dn: DistinguishedName?, clientAddress: String?, event: inout AuditEvent) async -> String? {
        let policy = settings.policy
        if let rule = policy.exemption(dn: dn, clientAddress: clientAddress) { return rule }
        guard policy.needsGroups, let dn, let groups else { return nil }
        do {
            return policy.exemption(groups: try await groups.groups(of: dn))
        } catch {
            event.reason = "group lookup failed, second factor required: \(error)"
            return nil
        }
    }
}
