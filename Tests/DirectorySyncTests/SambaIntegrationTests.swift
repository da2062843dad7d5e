import DirectorySync
import Foundation
import LDAPCore
import Testing
import Upstream
import UserStore

/// Against a real Samba AD DC (scripts/samba/start.sh): Active Directory's defaults (objectGUID as a GUID,
/// distinguishedName, the reference's filters), then DirSync incremental cycles after adds, modifies, deletes
/// and group changes.
@Suite("Synchronisation from a Samba AD DC", .serialized)
struct SambaIntegrationTests {
    static let users = try! DistinguishedName(parsing: "CN=Users,DC=example,DC=test")
    static let vpn = try! DistinguishedName(parsing: "CN=vpn-users,CN=Users,DC=example,DC=test")

    func settings(_ items: [SyncItem]) -> SyncSettings {
        var attributes = AttributeMap()  // the reference's defaults: objectGUID (GUID), distinguishedName, ...
        attributes.username = ["sAMAccountName"]
        return SyncSettings(
            baseDN: try! DistinguishedName(parsing: SambaInstance.baseDN), attributes: attributes, items: items,
            removeUsers: true, approvalThreshold: 5)
    }

    func cycle(_ samba: SambaInstance, _ store: SQLiteUserStore, _ settings: SyncSettings, now: Date) async throws
        -> SyncCycleRecord
    {
        let upstream = try samba.upstream()
        let service = SyncService(
            settings: settings, directory: upstream, store: store, logger: .quiet, holder: "samba-it", now: { now })
        let outcome = await service.runCycle(.scheduled)
        await upstream.shutdown()
        guard case .completed(let record) = outcome else {
            throw SlapdInstance.Failure(description: "the cycle was skipped: \(outcome)")
        }
        #expect(record.outcome != .failed, "\(record.errors)")
        return record
    }

    func byName(_ store: SQLiteUserStore) async throws -> [String: StoredSyncUser] {
        Dictionary(uniqueKeysWithValues: try await store.syncSnapshot().map { ($0.username, $0) })
    }

    @Test("GUIDs in canonical form, then DirSync after adds, modifies, deletes and group changes")
    func dirSync() async throws {
        try await SambaInstance.with { samba in
            try await withTemporaryStore { store, _ in
                let group = SyncItem(.group(Self.vpn, nested: true), onRemoval: .remove)
                let container = SyncItem(.container(Self.users), onRemoval: .disable)
                let settings = settings([group, container])
                let start = Date()
                let first = try await cycle(samba, store, settings, now: start)
                #expect(first.mode == "full" && first.errors.isEmpty)
                let users = try await byName(store)
                #expect(Set(["alice", "bob", "carol", "dave", "Administrator"]).isSubset(of: Set(users.keys)))
                #expect(users["svc-proxy"] == nil)  // OU=service is in no item
                #expect(users["alice"]?.syncItem == group.key && users["bob"]?.syncItem == group.key)
                #expect(users["carol"]?.syncItem == container.key)
                #expect(users["alice"]?.profile?.dn == "CN=alice,CN=Users,DC=example,DC=test")
                let state = try await store.syncState()
                #expect(state.dirSyncCookie != nil, "\(state.dirSyncNote ?? "")")

                // The canonical GUID finds alice again: Samba reads <GUID=...> with the same byte order.
                let guid = try #require(users["alice"]?.uniqueID)
                #expect(guid.count == 36 && guid == guid.lowercased())
                let upstream = try samba.upstream()
                let found = try await upstream.readEntry("<GUID=\(guid)>", attributes: ["sAMAccountName"])
                await upstream.shutdown()
                #expect(found.flatMap { $0.values(of: "sAMAccountName")?.first.map { String(buffer: $0) } } == "alice")

                try await samba.modify(
                    """
                    dn: CN=eve,CN=Users,DC=example,DC=test
                    changetype: add
                    objectClass: user
                    sAMAccountName: eve
                    givenName: Eve
                    telephoneNumber: 555-123-4567 x42

                    dn: CN=bob,CN=Users,DC=example,DC=test
                    changetype: modify
                    replace: mail
                    mail: robert@example.test

                    dn: CN=carol,CN=Users,DC=example,DC=test
                    changetype: delete

                    dn: CN=vpn-users,CN=Users,DC=example,DC=test
                    changetype: modify
                    add: member
                    member: CN=dave,CN=Users,DC=example,DC=test
                    """)
                let second = try await cycle(samba, store, settings, now: start.addingTimeInterval(60))
                #expect(second.mode == "incremental", "\(second)")
                #expect(second.added == 1 && second.removed == 1 && second.updated == 2, "\(second)")
                let after = try await byName(store)
                #expect(after["eve"]?.profile?.businessPhone == "555-123-4567")
                #expect(after["eve"]?.profile?.phoneExtension == "42")
                #expect(after["bob"]?.profile?.email == "robert@example.test")
                #expect(after["carol"] == nil)
                #expect(after["dave"]?.syncItem == group.key)

                let third = try await cycle(samba, store, settings, now: start.addingTimeInterval(120))
                #expect(third.mode == "incremental")
                #expect(third.added + third.updated + third.removed + third.disabled == 0, "\(third)")
            }
        }
    }
}
