import DirectorySync
import Foundation
import LDAPCore
import Testing
import Upstream
import UserStore

/// Against a real OpenLDAP (scripts/slapd/start.sh): 204 users below ou=people (alice, bob, carol, dave,
/// user0001...user0200); cn=mfa-users (alice, bob, carol), cn=vpn-users (alice, bob), cn=admins (carol),
/// cn=nested-parent (holds cn=vpn-users).
@Suite("Synchronisation from a real slapd", .serialized)
struct SlapdIntegrationTests {
    static let people = SyncItem(.container(try! DistinguishedName(parsing: "ou=people,dc=example,dc=test")))
    static func group(_ name: String, nested: Bool = false, onRemoval: RemovalAction = .disable) -> SyncItem {
        SyncItem(
            .group(try! DistinguishedName(parsing: "cn=\(name),ou=groups,dc=example,dc=test"), nested: nested),
            onRemoval: onRemoval)
    }

    func settings(_ items: [SyncItem], pageSize: Int = 1000, threshold: Int = 5, removeUsers: Bool = false)
        -> SyncSettings
    {
        Fixtures.settings(items, threshold: threshold, removeUsers: removeUsers, pageSize: pageSize)
    }

    /// Runs one `sync now` cycle against `slapd` (through `directory` when given, to hide controls).
    @discardableResult
    func sync(
        _ slapd: SlapdInstance, _ store: SQLiteUserStore, _ settings: SyncSettings,
        through directory: (any SyncDirectory)? = nil
    ) async throws -> SyncCycleRecord {
        let upstream = try slapd.upstream()
        let service = SyncService(
            settings: settings, directory: directory ?? upstream, store: store, logger: .quiet, holder: "it/1")
        let outcome = await service.runCycle(.manual)
        await upstream.shutdown()
        guard case .completed(let record) = outcome else {
            throw SlapdInstance.Failure(description: "the cycle was skipped")
        }
        #expect(record.outcome != .failed, "\(record.errors)")
        return record
    }

    /// Runs `body` with a fresh slapd, stopped afterwards whatever happens.
    func withSlapd(_ body: (SlapdInstance) async throws -> Void) async throws {
        let slapd = try await SlapdInstance.start()
        do {
            try await body(slapd)
        } catch {
            await slapd.stop()
            throw error
        }
        await slapd.stop()
    }

    func users(_ store: SQLiteUserStore) async throws -> [String: StoredSyncUser] {
        Dictionary(uniqueKeysWithValues: try await store.syncSnapshot().map { ($0.username, $0) })
    }

    @Test("a full synchronisation reads every user with its attributes, in small pages")
    func fullSyncPaged() async throws {
        try await withSlapd { slapd in
            try await withTemporaryStore { store, _ in
                let record = try await sync(slapd, store, settings([Self.people], pageSize: 25))
                #expect(record.added == 204 && record.errors.isEmpty)
                let alice = try #require(try await users(store)["alice"])
                #expect(alice.uniqueID?.count == 36)  // entryUUID, as a String identifier
                #expect(alice.profile?.dn == "uid=alice,ou=people,dc=example,dc=test")
                #expect(alice.profile?.firstName == "Alice" && alice.profile?.lastName == "Liddell")
                #expect(alice.profile?.email == "alice@example.test")
                #expect(alice.profile?.businessPhone == "+1 555 0100" && alice.profile?.mobilePhone == "+1 555 0101")
                #expect(alice.syncItem == Self.people.key && alice.enabled)
                let again = try await sync(slapd, store, settings([Self.people], pageSize: 25))
                #expect(again.unchanged == 204 && again.added + again.updated == 0)
            }
        }
    }

    @Test("where paging is missing, batches stay under directory.query_size_limit")
    func batchesWithoutPaging() async throws {
        try await withSlapd { slapd in
            try await withTemporaryStore { store, _ in
                let hidden = WithoutPaging(inner: try slapd.upstream())
                let record = try await sync(slapd, store, settings([Self.people], pageSize: 30), through: hidden)
                #expect(record.added == 204)
                #expect(hidden.largestAnswer.value <= 30)
            }
        }
    }

    @Test("a user in several items takes the first; nested groups are followed")
    func itemPriority() async throws {
        try await withSlapd { slapd in
            try await withTemporaryStore { store, _ in
                let nested = Self.group("nested-parent", nested: true)
                try await sync(slapd, store, settings([nested, Self.group("admins"), Self.people]))
                let found = try await users(store)
                #expect(found.count == 204)
                #expect(found["alice"]?.syncItem == nested.key && found["bob"]?.syncItem == nested.key)
                #expect(found["carol"]?.syncItem == Self.group("admins").key)
                #expect(found["dave"]?.syncItem == Self.people.key)
            }
        }
    }

    @Test("users who leave a group are disabled or removed as the item says; deleted ones too")
    func removal() async throws {
        try await withSlapd { slapd in
            try await withTemporaryStore { store, _ in
                let mfa = Self.group("mfa-users", onRemoval: .remove)
                let vpn = Self.group("vpn-users", onRemoval: .disable)
                try await sync(slapd, store, settings([vpn, mfa]))
                #expect(Set(try await users(store).keys) == ["alice", "bob", "carol"])
                try await store.enrolTOTP(username: "bob", secret: [1, 2])
                try await slapd.modify(
                    """
                    dn: cn=vpn-users,ou=groups,dc=example,dc=test
                    changetype: modify
                    delete: member
                    member: uid=bob,ou=people,dc=example,dc=test

                    dn: cn=mfa-users,ou=groups,dc=example,dc=test
                    changetype: modify
                    delete: member
                    member: uid=bob,ou=people,dc=example,dc=test
                    member: uid=carol,ou=people,dc=example,dc=test

                    dn: uid=alice,ou=people,dc=example,dc=test
                    changetype: delete
                    """)
                let record = try await sync(slapd, store, settings([vpn, mfa]))
                let found = try await users(store)
                // alice was deleted (her item, vpn-users, disables); bob left vpn-users (disable, MFA data kept);
                // carol left mfa-users (remove).
                #expect(record.disabled == 2 && record.removed == 1)
                #expect(found["alice"]?.enabled == false && found["bob"]?.enabled == false && found["carol"] == nil)
                #expect(try await store.totpSecret(for: "bob") == [1, 2])
                // remove_users removes deleted users whatever the item says.
                let removing = try await sync(slapd, store, settings([vpn, mfa], removeUsers: true))
                #expect(removing.removed == 1)
                #expect(try await users(store)["alice"] == nil)
            }
        }
    }

    @Test("more removals than the threshold are staged until approved")
    func thresholdAndApprove() async throws {
        try await withSlapd { slapd in
            try await withTemporaryStore { store, _ in
                try await sync(slapd, store, settings([Self.people]))
                // The item becomes a group of three: 201 users would be disabled.
                let record = try await sync(slapd, store, settings([Self.group("mfa-users")], threshold: 5))
                #expect(record.outcome == .staged && record.staged == 201 && record.disabled == 0)
                #expect(try await store.syncSnapshot().allSatisfy(\.enabled))
                let batch = try #require(try await store.pendingBatch())
                #expect(batch.removals.count == 201 && batch.removals.allSatisfy { $0.action == .disable })
                guard case .applied(_, let report) = try await store.approvePending(batch: batch.id) else {
                    Issue.record("nothing was applied")
                    return
                }
                #expect(report.disabled == 201)
                let enabled = try await store.syncSnapshot().filter(\.enabled).map(\.username)
                #expect(Set(enabled) == ["alice", "bob", "carol"])
                let settled = try await sync(slapd, store, settings([Self.group("mfa-users")], threshold: 5))
                #expect(settled.outcome == .applied && settled.staged == 0)
            }
        }
    }

    @Test("an extension after an x is parsed from the phone number")
    func extensionParsing() async throws {
        try await withSlapd { slapd in
            try await slapd.modify(
                """
                dn: uid=dave,ou=people,dc=example,dc=test
                changetype: modify
                replace: telephoneNumber
                telephoneNumber: 555-123-4567 x890
                """)
            try await withTemporaryStore { store, _ in
                try await sync(slapd, store, settings([Self.people]))
                let dave = try #require(try await users(store)["dave"])
                #expect(dave.profile?.businessPhone == "555-123-4567")
                #expect(dave.profile?.phoneExtension == "890")
                #expect(dave.profile?.mobilePhone == "+1 555 0131")
            }
        }
    }
}

/// The directory with Simple Paged Results hidden (as a server without it): the root DSE loses the control and
/// a critical paging request is refused; records the largest answer.
final class WithoutPaging: SyncDirectory, @unchecked Sendable {
    let inner: UpstreamDirectory
    let largestAnswer = Box(0)

    final class Box: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Int
        init(_ value: Int) { stored = value }
        var value: Int { lock.withLock { stored } }
        func max(_ other: Int) { lock.withLock { stored = Swift.max(stored, other) } }
    }

    init(inner: UpstreamDirectory) { self.inner = inner }

    func pagedQuery(
        _ request: SearchRequest, pageSize: Int?, controls: [LDAPControl], onPage: (SearchPage) async throws -> Void
    ) async throws -> LDAPResult {
        if pageSize != nil {
            let refusal = LDAPResult(resultCode: .unavailableCriticalExtension, diagnosticMessage: "no paging")
            try await onPage(SearchPage(entries: [], references: [], result: refusal, controls: []))
            return refusal
        }
        let box = largestAnswer
        return try await inner.pagedQuery(request, pageSize: nil, controls: controls) { page in
            var page = page
            if request.baseObject.isEmpty {
                page.entries = page.entries.map { entry in
                    var entry = entry
                    entry.attributes = entry.attributes.map { attribute in
                        var attribute = attribute
                        attribute.values.removeAll { String(buffer: $0) == PagedResultsControl.oid }
                        return attribute
                    }
                    return entry
                }
            } else {
                box.max(page.entries.count)
            }
            try await onPage(page)
        }
    }
}
