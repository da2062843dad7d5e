import Foundation
import Testing

@testable import SecondFactor

/// An in-memory `TOTPStateStore` with the contract's replay rule, and a switch to make it fail.
actor MemoryStateStore: TOTPStateStore {
    struct Down: Error, CustomStringConvertible {
        var description: String { "database is locked" }
    }

    var secrets: [String: [UInt8]] = [:]
    var lastSteps: [String: Int64] = [:]
    var failing = false

    init(secrets: [String: [UInt8]] = [:]) { self.secrets = secrets }

    func setFailing(_ value: Bool) { failing = value }

    func totpSecret(for username: String) async throws -> [UInt8]? {
        if failing { throw Down() }
        return secrets[username]
    }

    func recordAcceptedStep(_ step: Int64, for username: String) async throws -> Bool {
        if failing { throw Down() }
        if let last = lastSteps[username], step <= last { return false }
        lastSteps[username] = step
        return true
    }
}

@Suite("TOTP provider")
struct TOTPProviderTests {
    static let secret = Array("12345678901234567890".utf8)
    static let now = Date(timeIntervalSince1970: 1_234_567_890)
    static let step = TOTP.step(at: 1_234_567_890, period: 30)

    func code(_ step: Int64) -> String { TOTP.code(secret: Self.secret, counter: UInt64(step)) }

    func provider(_ store: MemoryStateStore, at time: Date = now) -> TOTPProvider {
        TOTPProvider(store: store, clock: { time })
    }

    func request(_ code: String, user: String = "alice") -> FactorRequest {
        FactorRequest(username: user, dn: "uid=\(user),dc=example,dc=org", code: code, clientAddress: "192.0.2.7")
    }

    @Test("accepts the current code")
    func accepts() async {
        let store = MemoryStateStore(secrets: ["alice": Self.secret])
        #expect(await provider(store).verify(request(code(Self.step))) == .accepted)
        #expect(await store.lastSteps["alice"] == Self.step)
        #expect(provider(store).name == "totp")
    }

    @Test("refuses a replayed code")
    func replay() async {
        let store = MemoryStateStore(secrets: ["alice": Self.secret])
        let totp = provider(store)
        #expect(await totp.verify(request(code(Self.step))) == .accepted)
        #expect(await totp.verify(request(code(Self.step))) == .rejected(reason: "code already used"))
    }

    @Test("refuses an older code once a newer one was accepted")
    func olderAfterNewer() async {
        let store = MemoryStateStore(secrets: ["alice": Self.secret])
        let totp = provider(store)
        #expect(await totp.verify(request(code(Self.step + 1))) == .accepted)
        #expect(await totp.verify(request(code(Self.step))) == .rejected(reason: "code already used"))
        #expect(await totp.verify(request(code(Self.step - 1))) == .rejected(reason: "code already used"))
    }

    @Test("a newer code is accepted after an older one")
    func newerAfterOlder() async {
        let store = MemoryStateStore(secrets: ["alice": Self.secret])
        let totp = provider(store)
        #expect(await totp.verify(request(code(Self.step - 1))) == .accepted)
        #expect(await totp.verify(request(code(Self.step))) == .accepted)
    }

    @Test("refuses a user without enrolment")
    func notEnrolled() async {
        let store = MemoryStateStore(secrets: ["alice": Self.secret, "empty": []])
        #expect(
            await provider(store).verify(request(code(Self.step), user: "bob"))
                == .rejected(reason: "no TOTP enrolment"))
        #expect(
            await provider(store).verify(request(code(Self.step), user: "empty"))
                == .rejected(reason: "no TOTP enrolment"))
    }

    @Test("refuses a code that does not match, outside the window, or malformed, without recording a step")
    func mismatches() async {
        let store = MemoryStateStore(secrets: ["alice": Self.secret])
        let totp = provider(store)
        let wrong = code(Self.step) == "000000" ? "111111" : "000000"
        #expect(await totp.verify(request(wrong)) == .rejected(reason: "code does not match"))
        #expect(await totp.verify(request(code(Self.step - 2))) == .rejected(reason: "code does not match"))
        #expect(await totp.verify(request("12345")) == .rejected(reason: "code is not 6 digits"))
        #expect(await totp.verify(request("12a456")) == .rejected(reason: "code is not 6 digits"))
        #expect(await store.lastSteps.isEmpty)
    }

    @Test("a failing store makes the factor unavailable, not rejected")
    func unavailable() async {
        let store = MemoryStateStore(secrets: ["alice": Self.secret])
        await store.setFailing(true)
        let outcome = await provider(store).verify(request(code(Self.step)))
        guard case .unavailable(let reason) = outcome else {
            Issue.record("expected unavailable, got \(outcome)")
            return
        }
        #expect(reason.contains("database is locked"))
    }

    @Test("no reason ever contains the code")
    func reasonsHideCode() async {
        let store = MemoryStateStore(secrets: ["alice": Self.secret])
        let totp = provider(store)
        let typed = code(Self.step)
        var outcomes = [await totp.verify(request(typed)), await totp.verify(request(typed))]
        outcomes.append(await totp.verify(request(code(Self.step + 5))))
        outcomes.append(await totp.verify(request(typed, user: "bob")))
        await store.setFailing(true)
        outcomes.append(await totp.verify(request(typed)))
        for outcome in outcomes {
            switch outcome {
            case .accepted: continue
            case .rejected(let reason), .unavailable(let reason):
                #expect(!reason.contains(typed))
                #expect(!reason.contains(code(Self.step + 5)))
            }
        }
    }

    @Test("the request's code is redacted in description, debugDescription and dump")
    func requestRedaction() {
        let typed = "428913"
        let value = request(typed)
        var dumped = ""
        dump(value, to: &dumped)
        for text in [String(describing: value), String(reflecting: value), "\(value)", dumped] {
            #expect(!text.contains(typed))
            #expect(text.contains("alice"))
        }
    }

    @Test("the directory password a request carries is redacted too")
    func passwordRedaction() {
        let password = "hunter2-directory-password"
        var value = request("428913")
        value.password = Array(password.utf8)
        var dumped = ""
        dump(value, to: &dumped)
        for text in [String(describing: value), String(reflecting: value), "\(value)", dumped] {
            #expect(!text.contains(password))
            #expect(text.contains("<redacted>"))
        }
    }

    @Test("uses the injected clock and parameters")
    func clockAndParameters() async throws {
        let parameters = try TOTPParameters(digits: 8, period: 60, algorithm: .sha512, window: 0)
        let store = MemoryStateStore(secrets: ["alice": Self.secret])
        let later = Date(timeIntervalSince1970: 2_000_000_000)
        let totp = TOTPProvider(store: store, parameters: parameters, clock: { later })
        let good = TOTP.code(secret: Self.secret, time: later, parameters: parameters)
        let stale = TOTP.code(secret: Self.secret, time: later.addingTimeInterval(-60), parameters: parameters)
        #expect(await totp.verify(request(stale)) == .rejected(reason: "code does not match"))
        #expect(await totp.verify(request(good)) == .accepted)
    }
}
