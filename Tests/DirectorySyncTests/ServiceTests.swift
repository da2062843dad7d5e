import Crypto
import DirectorySync
import Foundation
import LDAPCore
import Logging
import Testing
import UserStore

@Suite("Cycles against a fake directory and a real store")
struct ServiceTests {
    let people = SyncItem(.container(Fixtures.people), onRemoval: .disable)

    func service(
        _ directory: FakeDirectory, _ store: SQLiteUserStore, _ settings: SyncSettings, holder: String = "test/1",
        notifier: any SyncNotifier = LogOnlyNotifier(), clock: TestClock = TestClock()
    ) -> SyncService {
        SyncService(
            settings: settings, directory: directory, store: store, notifier: notifier, logger: .quiet, holder: holder,
            now: { clock.now })
    }

    @discardableResult
    func run(_ service: SyncService, _ trigger: SyncEngine.Trigger = .manual) async throws -> SyncCycleRecord {
        let outcome = await service.runCycle(trigger)
        guard case .completed(let record) = outcome else {
            Issue.record("cycle skipped: \(outcome)")
            throw CancellationError()
        }
        if record.outcome == .failed { Issue.record("cycle failed: \(record.errors)") }
        return record
    }

    func byName(_ store: SQLiteUserStore) async throws -> [String: StoredSyncUser] {
        Dictionary(uniqueKeysWithValues: try await store.syncSnapshot().map { ($0.username, $0) })
    }

    @Test("a full synchronisation pages through the users and never touches MFA data")
    func fullSyncKeepsSecrets() async throws {
        let directory = FakeDirectory()
        Fixtures.populate(directory, users: (1...30).map { "user\($0)" } + ["alice"], staff: ["olga"])
        try await withTemporaryStore { store, _ in
            try await store.enrolTOTP(username: "alice", secret: [1, 2, 3])
            let record = try await run(service(directory, store, Fixtures.settings([people], pageSize: 7)))
            #expect(record.added == 30 && record.updated == 1)  // alice was enrolled by hand: adopted
            let users = try await byName(store)
            #expect(users.count == 31 && users["olga"] == nil)
            #expect(users["alice"]?.uniqueID == "id-alice" && users["alice"]?.enrolled == true)
            // The directory changes alice's mail: the row follows, the secret stays.
            directory.modify(Fixtures.dn("alice"), "mail", ["a.liddell@example.test"])
            let again = try await run(service(directory, store, Fixtures.settings([people], pageSize: 7)))
            #expect(again.updated == 1 && again.unchanged == 30)
            #expect(try await byName(store)["alice"]?.profile?.email == "a.liddell@example.test")
            #expect(try await store.totpSecret(for: "alice") == [1, 2, 3])
        }
    }

    @Test("without paging the users are read in batches that respect the query size limit")
    func batches() async throws {
        let directory = FakeDirectory()
        directory.supportsPaging = false
        let names = (1...40).map { String(format: "user%02d", $0) } + ["alice", "Bob", "7even", "-dash"]
        Fixtures.populate(directory, users: names)
        try await withTemporaryStore { store, _ in
            let record = try await run(service(directory, store, Fixtures.settings([people], pageSize: 5)))
            #expect(record.added == names.count)
            #expect(Set(try await store.syncSnapshot().map(\.username)) == Set(names))
        }
    }

    @Test("a search that overflows the directory's page limit fails the cycle and changes nothing")
    func sizeLimitFails() async throws {
        let directory = FakeDirectory()
        directory.supportsPaging = false
        directory.serverSizeLimit = 3
        Fixtures.populate(directory, users: ["aa", "ab", "ac", "ad", "ae"])
        try await withTemporaryStore { store, _ in
            // Every user starts with 'a', then every split by the second letter still holds one user: it works.
            let record = try await run(service(directory, store, Fixtures.settings([people], pageSize: 10)))
            #expect(record.added == 5)
        }
        let crowded = FakeDirectory()
        crowded.supportsPaging = false
        Fixtures.populate(crowded, users: (1...5).map { "same\(String(repeating: "x", count: 12))\($0)" })
        try await withTemporaryStore { store, _ async throws in
            let outcome = await service(crowded, store, Fixtures.settings([people], pageSize: 2)).runCycle(.manual)
            guard case .completed(let record) = outcome else { return }
            #expect(record.outcome == .failed)
            #expect(record.errors.first?.contains("directory.query_size_limit") == true)
            #expect(try await store.syncSnapshot().isEmpty)
        }
    }

    @Test("group items: member attribute, nested groups with a cycle, and attribute scoped queries")
    func groups() async throws {
        for asq in [false, true] {
            let directory = FakeDirectory()
            directory.supportsASQ = asq
            Fixtures.populate(
                directory, users: ["alice", "bob", "carol", "dave"],
                groups: [
                    "vpn": [Fixtures.dn("alice"), "cn=parent,ou=groups,dc=example,dc=test"],
                    "parent": [Fixtures.dn("bob"), "cn=vpn,ou=groups,dc=example,dc=test"],
                    "other": [Fixtures.dn("carol")],
                ])
            try await withTemporaryStore { store, _ in
                let nested = SyncItem(.group(Fixtures.vpn, nested: true), onRemoval: .remove)
                try await run(service(directory, store, Fixtures.settings([nested])))
                #expect(Set(try await store.syncSnapshot().map(\.username)) == ["alice", "bob"], "asq: \(asq)")
                let flat = SyncItem(.group(Fixtures.vpn, nested: false), onRemoval: .remove)
                let record = try await run(service(directory, store, Fixtures.settings([flat])))
                #expect(record.removed == 1, "asq: \(asq)")
                #expect(Set(try await store.syncSnapshot().map(\.username)) == ["alice"], "asq: \(asq)")
            }
        }
    }

    @Test("a long member list is read in ranges, as Active Directory hands it out")
    func rangedMembers() async throws {
        let directory = FakeDirectory()
        directory.memberRangeSize = 3
        let names = (1...10).map { "m\($0)" }
        Fixtures.populate(directory, users: names + ["outsider"], groups: ["vpn": names.map { Fixtures.dn($0) }])
        try await withTemporaryStore { store, _ in
            try await run(service(directory, store, Fixtures.settings([SyncItem(.group(Fixtures.vpn, nested: false))])))
            #expect(Set(try await store.syncSnapshot().map(\.username)) == Set(names))
        }
    }

    @Test("a missing item fails the cycle instead of disabling its users")
    func missingItem() async throws {
        let directory = FakeDirectory()
        Fixtures.populate(directory, users: ["alice"])
        try await withTemporaryStore { store, _ in
            try await run(service(directory, store, Fixtures.settings([people])))
            let typo = SyncItem(.container(try DistinguishedName(parsing: "ou=peeple,dc=example,dc=test")))
            let outcome = await service(directory, store, Fixtures.settings([typo])).runCycle(.manual)
            guard case .completed(let record) = outcome else { return }
            #expect(record.outcome == .failed)
            #expect(record.errors.first?.contains("sync item 1 (container ou=peeple") == true)
            #expect(try await byName(store)["alice"]?.enabled == true)
        }
    }

    @Test("DirSync: after a full sync, adds, modifies, deletes and group changes come incrementally")
    func dirSyncIncremental() async throws {
        let directory = FakeDirectory()
        directory.supportsDirSync = true
        Fixtures.populate(directory, users: ["alice", "bob", "carol"], groups: ["vpn": [Fixtures.dn("alice")]])
        let vpn = SyncItem(.group(Fixtures.vpn, nested: false), onRemoval: .disable)
        let settings = Fixtures.settings([vpn, people], removeUsers: true)
        try await withTemporaryStore { store, _ in
            let clock = TestClock()
            let first = try await run(service(directory, store, settings, clock: clock), .scheduled)
            #expect(first.mode == "full" && first.added == 3)
            #expect(try await store.syncState().dirSyncCookie != nil)
            #expect(try await byName(store)["alice"]?.syncItem == vpn.key)

            Fixtures.addUser(directory, "dave")
            directory.modify(Fixtures.dn("bob"), "mail", ["robert@example.test"])
            directory.delete(Fixtures.dn("carol"), uniqueAttribute: "entryUUID")
            directory.modify("cn=vpn,ou=groups,dc=example,dc=test", "member", [Fixtures.dn("bob")])
            let before = directory.requests
            clock.advance(60)
            let second = try await run(service(directory, store, settings, clock: clock), .scheduled)
            #expect(second.mode == "incremental")
            #expect(second.added == 1 && second.removed == 1)
            let users = try await byName(store)
            #expect(users["dave"] != nil && users["carol"] == nil)
            #expect(users["bob"]?.profile?.email == "robert@example.test" && users["bob"]?.syncItem == vpn.key)
            #expect(users["alice"]?.syncItem == people.key)  // left the group, still in the container
            #expect(directory.requests - before < 30)

            // Nothing changed: nothing is read but the changes.
            let third = try await run(service(directory, store, settings, clock: clock), .scheduled)
            #expect(third.mode == "incremental" && third.added + third.updated + third.removed == 0)
        }
    }

    @Test("DirSync refused for the account: every cycle is full, and the status says why")
    func dirSyncRefused() async throws {
        let directory = FakeDirectory()
        directory.supportsDirSync = true
        directory.refuseDirSync = true
        Fixtures.populate(directory, users: ["alice"])
        try await withTemporaryStore { store, _ in
            try await run(service(directory, store, Fixtures.settings([people])), .scheduled)
            let second = try await run(service(directory, store, Fixtures.settings([people])), .scheduled)
            #expect(second.mode == "full")
            let state = try await store.syncState()
            #expect(state.dirSyncCookie == nil)
            #expect(state.dirSyncNote?.contains("insufficientAccessRights") == true)
        }
    }

    @Test("a rename re-seals the secret under the new name")
    func renameKeepsSecret() async throws {
        let directory = FakeDirectory()
        Fixtures.populate(directory, users: ["alice"])
        try await withTemporaryStore { store, _ in
            try await run(service(directory, store, Fixtures.settings([people])))
            try await store.enrolTOTP(username: "alice", secret: [9, 8, 7])
            directory.modify(Fixtures.dn("alice"), "uid", ["alice.liddell"])
            let record = try await run(service(directory, store, Fixtures.settings([people])))
            #expect(record.updated == 1)
            #expect(try await store.totpSecret(for: "alice.liddell") == [9, 8, 7])
            #expect(try await store.user(named: "alice") == nil)
        }
    }

    @Test("staged removals wait, are listed, notified by command, and applied by approval")
    func thresholdAndApproval() async throws {
        let directory = FakeDirectory()
        Fixtures.populate(directory, users: (1...8).map { "u\($0)" })
        try await withTemporaryStore { store, folder in
            try await run(service(directory, store, Fixtures.settings([people], threshold: 5)))
            for index in 1...6 { directory.delete(Fixtures.dn("u\(index)"), uniqueAttribute: "entryUUID") }
            let script = folder + "/notify.sh"
            let marker = folder + "/notified"
            try
                "#!/bin/sh\necho \"$LDAP_MFA_PROXY_SYNC_BATCH $LDAP_MFA_PROXY_SYNC_PENDING\" > \(marker)\ncp \"$LDAP_MFA_PROXY_SYNC_FILE\" \(marker).json\n"
                .write(toFile: script, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
            // Through /bin/sh, not exec of the fresh file: a test running in parallel that forks while the
            // file is still open for writing makes exec fail with ETXTBSY ("text file busy").
            let notifier = CommandNotifier(arguments: ["/bin/sh", script])
            let record = try await run(
                service(directory, store, Fixtures.settings([people], threshold: 5), notifier: notifier))
            #expect(record.outcome == .staged && record.staged == 6 && record.disabled == 0)
            #expect(try await store.syncSnapshot().allSatisfy(\.enabled))
            let batch = try #require(try await store.pendingBatch())
            #expect(batch.removals.count == 6)
            #expect(try String(contentsOfFile: marker, encoding: .utf8) == "\(batch.id) 6\n")
            #expect(try String(contentsOfFile: marker + ".json", encoding: .utf8).contains("\"u1\""))

            guard case .otherBatchStaged = try await store.approvePending(batch: "B0") else {
                Issue.record("a wrong batch id was approved")
                return
            }
            guard case .applied(_, let report) = try await store.approvePending(batch: batch.id) else {
                Issue.record("nothing applied")
                return
            }
            #expect(report.disabled == 6)
            #expect(try await store.syncSnapshot().filter { !$0.enabled }.count == 6)
            #expect(try await store.pendingBatch() == nil)
        }
    }

    @Test("a store of migration v1 gains the directory columns; its users stay enabled and are adopted")
    func migratesV1Store() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sync-v1-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("users.sqlite").path
        // The schema of migration "v1" as GRDB left it, with one user enrolled by hand (no secret).
        let v1 = """
            CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
            INSERT INTO grdb_migrations VALUES ('v1');
            CREATE TABLE store_meta (name TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL);
            CREATE TABLE users (username_key TEXT PRIMARY KEY NOT NULL, username TEXT NOT NULL, totp_secret BLOB,
              totp_last_step INTEGER, created_at DATETIME NOT NULL, last_used_at DATETIME);
            INSERT INTO users VALUES ('alice', 'Alice', NULL, NULL, '2025-01-01 00:00:00.000', NULL);
            """
        let (status, output) = try await SlapdInstance.run("/usr/bin/sqlite3", [path, v1])
        try #require(status == 0, "sqlite3: \(output)")
        let store = try SQLiteUserStore(path: path, key: SymmetricKey(size: .bits256))
        let before = try #require(try await store.syncSnapshot().first)
        #expect(before.username == "Alice" && before.enabled && before.uniqueID == nil && before.profile == nil)
        let directory = FakeDirectory()
        Fixtures.populate(directory, users: ["alice"])
        let record = try await run(service(directory, store, Fixtures.settings([people])))
        #expect(record.updated == 1 && record.added == 0)
        #expect(try await store.syncSnapshot().first?.uniqueID == "id-alice")
    }

    @Test("only the lease holder synchronises")
    func lease() async throws {
        let directory = FakeDirectory()
        Fixtures.populate(directory, users: ["alice"])
        try await withTemporaryStore { store, _ in
            _ = try await store.acquireSyncLease(holder: "other/2", duration: 60)
            let outcome = await service(directory, store, Fixtures.settings([people])).runCycle(.manual)
            guard case .skipped(let reason) = outcome else {
                Issue.record("the cycle ran while another instance held the lease")
                return
            }
            #expect(reason.contains("other/2"))
            try await store.releaseSyncLease(holder: "other/2")
            try await run(service(directory, store, Fixtures.settings([people])))
            #expect(try await store.syncLease() == nil)  // given back
        }
    }
}
