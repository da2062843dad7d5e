import Crypto
import Foundation
import Testing

@testable import UserStore

/// Directory synchronisation's writes on PostgreSQL: one transaction per cycle, renames re-seal secrets, staged
/// removals wait for approval.
@Suite("PostgreSQL store synchronisation")
struct PostgresSyncTests {
    func user(_ id: String, _ name: String, mail: String? = nil) -> SyncedUser {
        var profile = DirectoryProfile(dn: "uid=\(name),ou=people,dc=example,dc=test")
        profile.email = mail
        return SyncedUser(uniqueID: id, username: name, profile: profile, syncItem: "item-1")
    }

    @Test("adds, adopts, renames (re-sealing the secret), disables and removes, and keeps the state")
    func cycle() async throws {
        try await withPostgresStore { store, _ in
            try await store.enrolTOTP(username: "carol", secret: [4, 5, 6])
            try await store.enrolTOTP(username: "dave", secret: [7, 7])
            let state = SyncStateRecord(
                itemsFingerprint: "items", settingsFingerprint: "settings", dirSyncCookie: [1, 2, 3],
                dirSyncNote: nil, lastFullSyncAt: Date(timeIntervalSince1970: 1_800_000_000),
                lastCycle: SyncCycleRecord(
                    mode: "full", startedAt: Date(timeIntervalSince1970: 1_800_000_000),
                    finishedAt: Date(timeIntervalSince1970: 1_800_000_010), outcome: .applied, added: 2))
            let first = try await store.applySync(
                [
                    .add(user("id-a", "alice", mail: "a@example.test")), .add(user("id-b", "bob")),
                    .adopt(usernameKey: "carol", user("id-c", "carol")), .add(user("id-x", "Alice")),
                ], pending: .clear, state: state)
            #expect(first.added == 2 && first.updated == 1 && first.errors.count == 1)
            #expect(try await store.syncState() == state)
            let snapshot = try await store.syncSnapshot()
            #expect(snapshot.map(\.usernameKey) == ["alice", "bob", "carol", "dave"])
            #expect(snapshot.first?.profile?.email == "a@example.test")
            #expect(snapshot.map(\.enrolled) == [false, false, true, true])

            let second = try await store.applySync(
                [.update(user("id-c", "Caroline")), .disable(uniqueID: "id-b"), .remove(uniqueID: "id-a")],
                pending: .clear, state: state)
            #expect(second.renamed == 1 && second.updated == 1 && second.disabled == 1 && second.removed == 1)
            #expect(try await store.totpSecret(for: "caroline") == [4, 5, 6])
            #expect(try await store.user(named: "carol") == nil)
            #expect(try await store.isEnabled(username: "bob") == false)
            #expect(try await store.user(named: "alice") == nil)
        }
    }

    @Test("a staged batch survives until approved, and approval of another batch applies nothing")
    func approval() async throws {
        try await withPostgresStore { store, _ in
            _ = try await store.applySync(
                [.add(user("id-a", "alice")), .add(user("id-b", "bob"))], pending: .clear, state: SyncStateRecord())
            let batch = PendingBatch(
                id: "batch-1", stagedAt: Date(timeIntervalSince1970: 1_800_000_000),
                removals: [
                    PendingRemoval(
                        uniqueID: "id-a", username: "alice", action: .disable, reason: "gone", syncItem: "item-1"),
                    PendingRemoval(uniqueID: "id-b", username: "bob", action: .remove, reason: "gone", syncItem: nil),
                ])
            _ = try await store.applySync([], pending: .replace(batch), state: SyncStateRecord())
            #expect(try await store.pendingBatch() == batch)
            #expect(try await store.approvePending(batch: "other") == .otherBatchStaged(batch))
            #expect(try await store.isEnabled(username: "alice") == true)
            guard case .applied(let applied, let report) = try await store.approvePending(batch: "batch-1") else {
                Issue.record("the batch was not applied")
                return
            }
            #expect(applied == batch && report.disabled == 1 && report.removed == 1)
            #expect(try await store.isEnabled(username: "alice") == false)
            #expect(try await store.user(named: "bob") == nil)
            #expect(try await store.pendingBatch() == nil)
            #expect(try await store.approvePending() == .nothingStaged)
        }
    }

    @Test("a cycle that fails midway writes nothing")
    func atomic() async throws {
        try await withPostgresStore { store, server in
            _ = try await store.applySync([.add(user("id-a", "alice"))], pending: .clear, state: SyncStateRecord())
            // A trigger that makes the second insert fail stands for a failure in the middle of a cycle.
            _ = try await server.psql(
                """
                CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN
                  IF NEW.username = 'zed' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
                CREATE TRIGGER refuse BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION refuse();
                """)
            await #expect(throws: UserStoreError.self) {
                _ = try await store.applySync(
                    [.disable(uniqueID: "id-a"), .add(user("id-y", "yan")), .add(user("id-z", "zed"))],
                    pending: .clear, state: SyncStateRecord(itemsFingerprint: "changed"))
            }
            #expect(try await store.isEnabled(username: "alice") == true)
            #expect(try await store.user(named: "yan") == nil)
            #expect(try await store.syncState().itemsFingerprint == nil)
        }
    }
}
