import Foundation
import Testing

@testable import UserStore

@Suite("TOTP secrets and replay state")
struct StoreTOTPTests {
    static let secret = Array("12345678901234567890".utf8)

    @Test("an enrolled secret reads back unchanged")
    func enrolAndRead() async throws {
        try await withStore { store, _ in
            try await store.enrolTOTP(username: "alice", secret: Self.secret)
            #expect(try await store.totpSecret(for: "alice") == Self.secret)
            #expect(try await store.totpSecret(for: "bob") == nil)
        }
    }

    @Test("one gate read gives the enabled state and the secret, as the two separate reads do")
    func gateRead() async throws {
        try await withStore { store, _ in
            try await store.enrolTOTP(username: "Alice", secret: Self.secret)
            let alice = try await store.gateRead(username: "ALICE")
            #expect(alice.enabled == true)
            #expect(alice.totpSecret == Self.secret)
            let nobody = try await store.gateRead(username: "bob")
            #expect(nobody.enabled == nil)
            #expect(nobody.totpSecret == nil)
            #expect(try await store.reset(username: "alice"))
            let reset = try await store.gateRead(username: "alice")
            #expect(reset.enabled == true)
            #expect(reset.totpSecret == nil)
        }
    }

    @Test("usernames match case-insensitively and keep their display form")
    func caseInsensitive() async throws {
        try await withStore { store, _ in
            try await store.enrolTOTP(username: "Alice.Smith", secret: Self.secret)
            #expect(try await store.totpSecret(for: "alice.smith") == Self.secret)
            #expect(try await store.totpSecret(for: "ALICE.SMITH") == Self.secret)
            #expect(try await store.user(named: "aLiCe.SmItH")?.username == "Alice.Smith")
            #expect(try await store.recordAcceptedStep(5, for: "ALICE.smith"))
            #expect(try await !store.recordAcceptedStep(5, for: "alice.smith"))
            // Decomposed and precomposed é are the same name.
            try await store.enrolTOTP(username: "Jos\u{E9}", secret: [1, 2, 3])
            #expect(try await store.totpSecret(for: "JOSE\u{301}") == [1, 2, 3])
            #expect(try await store.listUsers().count == 2)
        }
    }

    @Test("refuses a replayed step and any older one")
    func replay() async throws {
        try await withStore { store, _ in
            try await store.enrolTOTP(username: "alice", secret: Self.secret)
            #expect(try await store.recordAcceptedStep(100, for: "alice"))
            #expect(try await !store.recordAcceptedStep(100, for: "alice"))
            #expect(try await !store.recordAcceptedStep(99, for: "alice"))
            #expect(try await store.recordAcceptedStep(101, for: "alice"))
            #expect(try await !store.recordAcceptedStep(100, for: "alice"))
        }
    }

    @Test("replay state is per user")
    func perUser() async throws {
        try await withStore { store, _ in
            try await store.enrolTOTP(username: "alice", secret: Self.secret)
            try await store.enrolTOTP(username: "bob", secret: Self.secret)
            #expect(try await store.recordAcceptedStep(100, for: "alice"))
            #expect(try await store.recordAcceptedStep(100, for: "bob"))
        }
    }

    @Test("a user without enrolment records nothing")
    func notEnrolled() async throws {
        try await withStore { store, _ in
            let recorded = try await store.recordAcceptedStep(1, for: "nobody")
            #expect(!recorded)
            #expect(try await store.user(named: "nobody") == nil)
        }
    }

    @Test("re-enrolling replaces the secret and forgets the last step")
    func reEnrol() async throws {
        try await withStore { store, _ in
            try await store.enrolTOTP(username: "alice", secret: Self.secret)
            #expect(try await store.recordAcceptedStep(100, for: "alice"))
            try await store.enrolTOTP(username: "alice", secret: [9, 9, 9])
            #expect(try await store.totpSecret(for: "alice") == [9, 9, 9])
            #expect(try await store.recordAcceptedStep(50, for: "alice"))
        }
    }

    @Test("20 concurrent binds with the same step: exactly one is recorded")
    func concurrentSameStep() async throws {
        try await withStore { store, _ in
            try await store.enrolTOTP(username: "alice", secret: Self.secret)
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 { group.addTask { try await store.recordAcceptedStep(4242, for: "alice") } }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.count == 20)
            #expect(results.filter { $0 }.count == 1)
        }
    }

    @Test("two stores on the same file share replay state")
    func twoConnections() async throws {
        let key = StoreKey.generate()
        try await withStore(key: key) { store, _ in
            let other = try SQLiteUserStore(path: store.path, key: key)
            try await store.enrolTOTP(username: "alice", secret: Self.secret)
            let results = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<10 {
                    let target = index.isMultiple(of: 2) ? store : other
                    group.addTask { try await target.recordAcceptedStep(7, for: "alice") }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
        }
    }

    @Test("empty usernames and empty secrets are refused")
    func invalidInput() async throws {
        try await withStore { store, _ in
            await #expect(throws: UserStoreError.self) { try await store.enrolTOTP(username: "", secret: Self.secret) }
            await #expect(throws: UserStoreError.self) { try await store.enrolTOTP(username: "alice", secret: []) }
            await #expect(throws: UserStoreError.self) { try await store.totpSecret(for: "") }
        }
    }
}
