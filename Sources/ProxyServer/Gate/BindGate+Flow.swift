import LDAPCore
import NIOCore
import SecondFactor
import Upstream

extension BindGate {
    /// The gated path: user, record, cache, code, primary bind, second factor.
    func gated(_ context: Context, secret: SensitiveBytes, event: inout AuditEvent) async -> GateDecision {
        let request = context.request
        let username: String
        switch await lookUpUsername(request.name, key: context.lockKey, event: &event) {
        case .found(let name): username = name
        case .denied(let decision): return decision
        }
        event.user = username
        if let records {
            do {
                switch try await records.state(username: username) {
                case .enabled:
                    break
                case .disabled:
                    // Whatever require_user_match says: the record exists, and synchronisation turned it off.
                    event.rule = "user-disabled"
                    event.reason = "the user store record is disabled (directory synchronisation)"
                    return .deny(Self.denied)
                case .missing:
                    guard settings.policy.requireUserMatch else {
                        event.rule = "no-user-record"
                        event.provider = nil
                        return await relay(request, controls: context.controls, event: &event, context: context)
                    }
                    event.rule = "no-user-match"
                    event.reason = "the user store has no record of this user"
                    return .deny(Self.denied)
                }
            } catch {
                event.rule = "user-store-unavailable"
                event.outcome = .error
                event.reason = "\(error)"
                return .deny(Self.denied)
            }
        }
        let split = settings.otpSplitter.split(secret)
        if await cache.contains(dn: request.name, secret: secret.bytes), let (password, _) = split {
            event.rule = "bind-cache"
            let primary = BindRequest(version: request.version, name: request.name, authentication: .simple(password))
            return await relay(primary, controls: context.controls, event: &event, context: context)
        }
        guard let (password, typed) = split else {
            event.rule = "no-code"
            event.reason = "the password carries no one-time code"
            return .deny(Self.denied)
        }
        let code = asciiCaseInsensitiveEquals(typed, settings.policy.pushKeyword) ? "push" : typed
        let primary = BindRequest(version: request.version, name: request.name, authentication: .simple(password))
        let response: LDAPMessage
        switch await primaryBind(primary, context: context, event: &event) {
        case .accepted(let answer): response = answer
        case .denied(let decision): return decision
        }
        return await secondFactor(
            username: username, code: code, response: response, primary: primary, secret: secret, context: context,
            event: &event)
    }

    enum Lookup {
        case found(String)
        case denied(GateDecision)
    }

    private func lookUpUsername(_ dn: String, key: String, event: inout AuditEvent) async -> Lookup {
        if let name = usernames.username(for: key) { return .found(name) }
        do {
            guard
                let entry = try await AccountNameResolver(directory: directory).entry(
                    for: dn, attributes: settings.usernameAttributes),
                let name = Self.username(in: entry, attributes: settings.usernameAttributes)
            else {
                event.rule = "user-not-found"
                event.reason = "no entry, or no \(settings.usernameAttributes.joined(separator: "/")) on it"
                return .denied(.deny(Self.denied))
            }
            usernames.insert(name, for: key)
            return .found(name)
        } catch let error as UpstreamError where error.kind == .noServerAvailable {
            event.rule = "directory-unavailable"
            event.outcome = .error
            event.reason = error.message
            return .denied(.deny(Self.unavailable))
        } catch {
            event.rule = "user-lookup-failed"
            event.outcome = .error
            event.reason = "\(error)"
            return .denied(.deny(Self.denied))
        }
    }

    enum Primary {
        case accepted(LDAPMessage)
        case denied(GateDecision)
    }

    private func primaryBind(_ primary: BindRequest, context: Context, event: inout AuditEvent) async -> Primary {
        let started = ContinuousClock.now
        let outcome = await directory.authenticate(primary, controls: context.controls)
        event.primaryBindSeconds = Self.seconds(since: started)
        switch outcome {
        case .unavailable(let reason):
            event.rule = "directory-unavailable"
            event.outcome = .error
            event.reason = reason
            return .denied(.deny(Self.unavailable))
        case .answered(let answer, let server):
            event.server = server.description
            guard case .bindResponse(let bind) = answer.protocolOp, bind.result.resultCode == .success else {
                event.rule = "directory-rejected"
                await lockout.recordFailure(user: context.lockKey, address: context.clientAddress)
                guard case .bindResponse(let bind) = answer.protocolOp else { return .denied(.deny(Self.denied)) }
                event.reason = "directory answered \(bind.result.resultCode)"
                return .denied(.deny(bind.result.resultCode == .invalidCredentials ? Self.denied : bind.result))
            }
            return .accepted(answer)
        }
    }

    private func secondFactor(
        username: String, code: String, response: LDAPMessage, primary: BindRequest, secret: SensitiveBytes,
        context: Context, event: inout AuditEvent
    ) async -> GateDecision {
        var password: [UInt8]?
        if case .simple(let bytes) = primary.authentication {
            password = Array(bytes.bytes.readableBytesView)
        }
        let request = FactorRequest(
            username: username, dn: primary.name, code: code, clientAddress: context.clientAddress,
            password: password)
        let started = ContinuousClock.now
        let verdict = await provider.verify(request)
        event.secondFactorSeconds = Self.seconds(since: started)
        switch verdict {
        case .accepted:
            event.outcome = .allowed
            await lockout.recordSuccess(user: context.lockKey)
            await cache.insert(dn: primary.name, secret: secret.bytes)
            return .allow(response: response, identity: primary)
        case .rejected(let reason):
            event.reason = reason
            await lockout.recordFailure(user: context.lockKey, address: context.clientAddress)
            await directory.scrubIdentity(primary.name)
            return .deny(Self.denied)
        case .unavailable(let reason):
            event.reason = reason
            guard settings.policy.failMode == .safe else {
                event.rule = "provider-unavailable"
                event.outcome = .error
                await directory.scrubIdentity(primary.name)
                return .deny(Self.denied)
            }
            event.rule = "fail-safe"
            event.outcome = .allowed
            return .allow(response: response, identity: primary)
        }
    }

    /// Sends `request` to the directory and relays its answer: for anonymous and exempt binds and
    /// for users let in on the primary bind alone.
    func relay(
        _ request: BindRequest, controls: [LDAPControl]?, event: inout AuditEvent, context: Context? = nil,
        countFailures: Bool = true
    ) async -> GateDecision {
        switch await directory.authenticate(request, controls: controls) {
        case .unavailable(let reason):
            event.outcome = .error
            event.reason = reason
            return .deny(Self.unavailable)
        case .answered(let response, let server):
            event.server = server.description
            guard case .bindResponse(let bind) = response.protocolOp else { return .deny(Self.denied) }
            guard bind.result.resultCode == .success else {
                event.reason = "directory answered \(bind.result.resultCode)"
                if countFailures, let context {
                    await lockout.recordFailure(user: context.lockKey, address: context.clientAddress)
                }
                return .deny(bind.result.resultCode == .invalidCredentials ? Self.denied : bind.result)
            }
            event.outcome = .allowed
            if let context { await lockout.recordSuccess(user: context.lockKey) }
            return .allow(response: response, identity: request.name.isEmpty ? nil : request)
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

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
