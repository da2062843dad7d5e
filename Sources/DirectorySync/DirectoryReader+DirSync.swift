import LDAPCore
import NIOCore
import UserStore

/// Incremental synchronisation with Active Directory's DirSync control (MS-ADTS §3.1.1.3.4.1.3): the cookie says
/// where the last cycle stopped; the server returns the objects changed since, and deleted ones as tombstones
/// (`isDeleted: TRUE`). Changed objects are read again in full (DirSync returns only the changed attributes).
extension DirectoryReader {
    /// DirSync was not usable: the cycle does a full synchronisation instead.
    public struct DirSyncRefusal: Error, Sendable, Hashable {
        public var message: String
    }

    /// `names` without repeats (attribute names compare without regard to case).
    static func unique(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0.lowercased()).inserted }
    }

    /// A filter that matches nothing, for taking a cookie without reading objects.
    static let matchesNothing = Filter.and([.present("objectClass"), .not(.present("objectClass"))])

    /// A cookie from which the next incremental cycle starts: now.
    func dirSyncStart() async throws -> Result<[UInt8], DirSyncRefusal> {
        try await dirSync(from: [], filter: Self.matchesNothing, attributes: ["1.1"]) { _ in }
    }

    /// The changes since `cookie`, as a partial view, or why DirSync cannot be used.
    public func readChanges(since cookie: [UInt8], store: [StoredSyncUser]) async throws -> Result<
        DirectoryView, DirSyncRefusal
    > {
        try await resolveItems()
        progress(.step("reading the changes since the last cycle (DirSync)"))
        var tombstones = Set<String>()
        var changed: [(name: DistinguishedName, uniqueID: String?)] = []
        // DirSync returns an object only when one of the requested attributes changed: every mapped attribute,
        // the member lists (group changes), and the name and DN (renames and moves).
        let attributes = DirectoryReader.unique(
            settings.attributes.userAttributes + ["isDeleted", "objectClass", Self.memberAttribute, "name"])
        let outcome = try await dirSync(from: cookie, filter: .present("objectClass"), attributes: attributes) {
            entry in
            let uniqueID = entry.values(of: settings.attributes.uniqueIdentifier)?.first.flatMap {
                UniqueIdentifier.text(of: $0, as: settings.attributes.uniqueIdentifierType)
            }
            let deleted = entry.values(of: "isDeleted")?.contains { String(buffer: $0).uppercased() == "TRUE" }
            if deleted == true {
                if let uniqueID { tombstones.insert(uniqueID) }
            } else if let name = try? DistinguishedName(parsing: entry.objectName),
                name.isWithin(subtree: settings.baseDN)
            {
                changed.append((name, uniqueID))
            }
        }
        let next: [UInt8]
        switch outcome {
        case .success(let cookie): next = cookie
        case .failure(let refusal): return .failure(refusal)
        }
        var changes = IncrementalChanges(store: store)
        for (name, uniqueID) in changed {
            if try await changes.read(name, with: self) { continue }
            // Not a user (a group, perhaps), or no longer one: then it left its items.
            changes.otherObjectsChanged = true
            if let uniqueID, changes.storeByID[uniqueID] != nil { changes.examined.insert(uniqueID) }
        }
        progress(.usersRead(changes.candidates.count))
        var membership = ItemMembership(items: settings.items)
        let hasGroups = settings.items.contains { if case .group = $0.source { true } else { false } }
        if hasGroups && (changes.otherObjectsChanged || !changes.candidates.isEmpty) {
            try await changes.expandGroups(into: &membership, with: self)
        }
        return .success(
            DirectoryView(
                members: membership.members(changes.candidates),
                scope: .partial(examined: changes.examined, deleted: tombstones), skipped: changes.skipped,
                dirSyncCookie: next))
    }

    /// Runs DirSync requests from `cookie` until the server has no more, handing every entry to `onEntry`;
    /// returns the last cookie, or the refusal.
    private func dirSync(
        from cookie: [UInt8], filter: Filter, attributes: [String], onEntry: (SearchResultEntry) throws -> Void
    ) async throws -> Result<[UInt8], DirSyncRefusal> {
        guard capabilities.dirSync else {
            return .failure(DirSyncRefusal(message: "the directory does not offer DirSync (not in its root DSE)"))
        }
        guard let context = capabilities.namingContext(containing: settings.baseDN) else {
            return .failure(DirSyncRefusal(message: "no naming context of the directory holds \(settings.baseDN)"))
        }
        var current = ByteBuffer(bytes: cookie)
        while true {
            let control = DirSyncRequestControl(flags: 0, maxBytes: Int32.max, cookie: current).control(
                criticality: true)
            let request = SearchRequest(baseObject: context.description, filter: filter, attributes: attributes)
            var response: DirSyncResponseControl?
            let result = try await directory.pagedQuery(request, pageSize: nil, controls: [control]) { page in
                response = page.control(DirSyncResponseControl.self)
                guard page.result.resultCode == .success else { return }
                for entry in page.entries { try onEntry(entry) }
            }
            guard result.resultCode == .success else {
                let text = result.diagnosticMessage.isEmpty ? "" : ": \(result.diagnosticMessage)"
                return .failure(
                    DirSyncRefusal(message: "the directory refused DirSync with \(result.resultCode)\(text)"))
            }
            guard let response else {
                return .failure(DirSyncRefusal(message: "the directory answered DirSync without a DirSync control"))
            }
            current = response.cookie
            if !response.moreResults { return .success(Array(current.readableBytesView)) }
        }
    }
}

/// What an incremental cycle found out, collected step by step.
struct IncrementalChanges {
    let storeByID: [String: StoredSyncUser]
    var candidates: [DirectoryUser] = []
    var candidateIDs = Set<String>()
    var examined = Set<String>()
    var deleted = Set<String>()
    var skipped: [String] = []
    /// Something that is not a user changed (a group, perhaps): group memberships are read again.
    var otherObjectsChanged = false

    init(store: [StoredSyncUser]) {
        var byID: [String: StoredSyncUser] = [:]
        for row in store { if let id = row.uniqueID { byID[id] = row } }
        storeByID = byID
    }

    /// Reads `name` as a user and takes it as a candidate; false when it is not a user.
    mutating func read(_ name: DistinguishedName, with reader: DirectoryReader) async throws -> Bool {
        guard let result = try await reader.readUser(name) else { return false }
        switch result {
        case .success(let user):
            guard user.entryName.isWithin(subtree: EntryName(reader.settings.baseDN)) else { return false }
            if candidateIDs.insert(user.uniqueID).inserted { candidates.append(user) }
            examined.insert(user.uniqueID)
        case .failure(let failure):
            skipped.append(failure.description)
        }
        return true
    }

    /// Reads every group item's members again; reads members not known yet, and stored users whose item may have
    /// changed.
    mutating func expandGroups(into membership: inout ItemMembership, with reader: DirectoryReader) async throws {
        var storeByName: [EntryName: StoredSyncUser] = [:]
        for row in storeByID.values {
            if let dn = row.profile?.dn, let name = try? DistinguishedName(parsing: dn) {
                storeByName[EntryName(name)] = row
            }
        }
        for (index, item) in reader.settings.items.enumerated() {
            guard case .group(let dn, let nested) = item.source else { continue }
            let known = Set(candidates.map(\.entryName))
            let found = try await reader.groupMembers(dn, nested: nested) {
                storeByName[$0] != nil || known.contains($0)
            }
            var users = found.users
            let unread = found.users.filter { storeByName[$0] == nil && !known.contains($0) }.compactMap(
                \.distinguishedName)
            for name in found.unknown + unread {
                if try await read(name, with: reader) { users.insert(EntryName(name)) }
            }
            membership.groupMembers[index] = users
        }
        guard otherObjectsChanged else { return }
        // A group changed: stored users whose first item is no longer the one recorded are read again.
        for (name, row) in storeByName where !examined.contains(row.uniqueID ?? "") {
            let now = membership.itemIndex(of: name)
            let recorded = reader.settings.items.firstIndex { $0.key == row.syncItem }
            guard now != recorded || (now != nil && !row.enabled) else { continue }
            guard let dn = name.distinguishedName else { continue }
            if try await !read(dn, with: reader), let id = row.uniqueID {
                examined.insert(id)
            }
        }
    }
}
