import Crypto
import DirectorySync
import Foundation
import LDAPCore
import Logging
import NIOCore
import UserStore

/// Users, items and settings for the unit tests: an OpenLDAP-like schema (entryUUID as a String identifier, uid as
/// the username) unless a test says otherwise.
enum Fixtures {
    static let base = try! DistinguishedName(parsing: "dc=example,dc=test")
    static let people = try! DistinguishedName(parsing: "ou=people,dc=example,dc=test")
    static let staff = try! DistinguishedName(parsing: "ou=staff,dc=example,dc=test")
    static let vpn = try! DistinguishedName(parsing: "cn=vpn,ou=groups,dc=example,dc=test")
    static let parent = try! DistinguishedName(parsing: "cn=parent,ou=groups,dc=example,dc=test")

    static var attributes: AttributeMap {
        var map = AttributeMap()
        map.uniqueIdentifier = "entryUUID"
        map.uniqueIdentifierType = .string
        map.distinguishedName = "entryDN"
        map.username = ["uid"]
        return map
    }

    static let filters = SyncFilters(
        container: try! Filter(parsing: "(objectClass=organizationalUnit)"),
        securityGroup: try! Filter(parsing: "(objectClass=groupOfNames)"),
        user: try! Filter(parsing: "(objectClass=inetOrgPerson)"))

    static func settings(
        _ items: [SyncItem], threshold: Int = 5, removeUsers: Bool = false, alwaysFull: Bool = false,
        pageSize: Int = 1000
    ) -> SyncSettings {
        SyncSettings(
            baseDN: base, attributes: attributes, filters: filters, querySizeLimit: pageSize, items: items,
            interval: .seconds(60), alwaysFull: alwaysFull, removeUsers: removeUsers, approvalThreshold: threshold)
    }

    static func dn(_ uid: String, in container: DistinguishedName = people) -> String { "uid=\(uid),\(container)" }

    /// A directory user as the mapper would produce it.
    static func user(_ uid: String, in container: DistinguishedName = people, mail: String? = nil) -> DirectoryUser {
        var profile = DirectoryProfile(dn: dn(uid, in: container))
        profile.email = mail ?? "\(uid)@example.test"
        return DirectoryUser(
            uniqueID: "id-\(uid)", username: uid,
            entryName: EntryName(try! DistinguishedName(parsing: dn(uid, in: container))), profile: profile)
    }

    /// A stored row of a synchronised user.
    static func row(_ user: DirectoryUser, item: SyncItem, enabled: Bool = true) -> StoredSyncUser {
        StoredSyncUser(
            usernameKey: user.username.lowercased(), username: user.username, uniqueID: user.uniqueID,
            profile: user.profile, enabled: enabled, syncItem: item.key, enrolled: true)
    }

    /// Adds the organisational units and groups, and users to `directory`.
    static func populate(
        _ directory: FakeDirectory, users: [String], staff: [String] = [], groups: [String: [String]] = [:]
    ) {
        directory.add("dc=example,dc=test", ["objectClass": ["domain"], "entryUUID": ["id-root"]])
        for ou in ["people", "staff", "groups"] {
            directory.add(
                "ou=\(ou),dc=example,dc=test",
                ["objectClass": ["organizationalUnit"], "ou": [ou], "entryUUID": ["id-\(ou)"]])
        }
        for uid in users { addUser(directory, uid) }
        for uid in staff { addUser(directory, uid, in: Self.staff) }
        for (group, members) in groups {
            directory.add(
                "cn=\(group),ou=groups,dc=example,dc=test",
                ["objectClass": ["groupOfNames"], "cn": [group], "entryUUID": ["id-group-\(group)"], "member": members])
        }
    }

    static func addUser(
        _ directory: FakeDirectory, _ uid: String, in container: DistinguishedName = people,
        extra: [String: [String]] = [:]
    ) {
        var attributes: [String: [String]] = [
            "objectClass": ["inetOrgPerson"], "uid": [uid], "entryUUID": ["id-\(uid)"],
            "entryDN": [dn(uid, in: container)],
            "mail": ["\(uid)@example.test"], "sn": [uid.capitalized], "givenName": ["Given"],
        ]
        for (key, value) in extra { attributes[key] = value }
        directory.add(dn(uid, in: container), attributes)
    }
}

/// A fresh store in a temporary directory, removed afterwards.
func withTemporaryStore<T>(_ body: (SQLiteUserStore, String) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sync-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let store = try SQLiteUserStore(
        path: directory.appendingPathComponent("users.sqlite").path, key: SymmetricKey(size: .bits256))
    return try await body(store, directory.path)
}

extension Logger {
    static let quiet: Logger = {
        var logger = Logger(label: "sync-tests")
        logger.logLevel = .critical
        return logger
    }()
}

/// A clock the tests move by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_750_000_000)

    var now: Date { lock.withLock { current } }

    func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
}
