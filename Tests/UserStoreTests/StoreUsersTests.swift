import Foundation
import Testing

@testable import UserStore

@Suite("Listing, showing and resetting users")
struct StoreUsersTests {
    @Test("lists users in name order with enrolment state and no secret")
    func list() async throws {
        try await withStore { store, _ in
            #expect(try await store.listUsers().isEmpty)
            let before = Date().addingTimeInterval(-1)
            try await store.enrolTOTP(username: "carol", secret: [3])
            try await store.enrolTOTP(username: "Bob", secret: [2])
            try await store.enrolTOTP(username: "alice", secret: [1])
            let users = try await store.listUsers()
            #expect(users.map(\.username) == ["alice", "Bob", "carol"])
            #expect(users.allSatisfy { $0.enrolled && $0.lastUsedAt == nil && $0.createdAt >= before })
            #expect(users.allSatisfy { $0.createdAt <= Date().addingTimeInterval(1) })
        }
    }

    @Test("an accepted step sets the last use")
    func lastUsed() async throws {
        try await withStore { store, _ in
            try await store.enrolTOTP(username: "alice", secret: [1])
            #expect(try await store.user(named: "alice")?.lastUsedAt == nil)
            #expect(try await store.recordAcceptedStep(1, for: "alice"))
            let used = try #require(try await store.user(named: "ALICE")?.lastUsedAt)
            #expect(abs(used.timeIntervalSinceNow) < 5)
        }
    }

    @Test("reset removes the enrolment once and keeps the user listed as not enrolled")
    func reset() async throws {
        try await withStore { store, _ in
            try await store.enrolTOTP(username: "alice", secret: [1, 2, 3])
            try await store.enrolTOTP(username: "bob", secret: [4])
            #expect(try await store.reset(username: "Alice"))
            #expect(try await !store.reset(username: "alice"))
            #expect(try await !store.reset(username: "nobody"))
            #expect(try await store.totpSecret(for: "alice") == nil)
            #expect(try await !store.recordAcceptedStep(1, for: "alice"))
            #expect(try await store.user(named: "alice")?.enrolled == false)
            #expect(try await store.user(named: "bob")?.enrolled == true)
            try await store.enrolTOTP(username: "alice", secret: [5])
            #expect(try await store.totpSecret(for: "alice") == [5])
        }
    }

    @Test("re-enrolment keeps the creation date and takes the new display name")
    func reEnrolKeepsCreation() async throws {
        try await withStore { store, _ in
            try await store.enrolTOTP(username: "alice", secret: [1])
            let created = try #require(try await store.user(named: "alice")).createdAt
            try await Task.sleep(for: .milliseconds(20))
            try await store.enrolTOTP(username: "ALICE", secret: [2])
            let record = try #require(try await store.user(named: "alice"))
            #expect(record.createdAt == created)
            #expect(record.username == "ALICE")
        }
    }
}
