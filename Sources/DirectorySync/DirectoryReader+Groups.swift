import LDAPCore
import NIOCore

/// The members of a group item: with an attribute scoped query (ASQ, MS-ADTS §3.1.1.3.4.1.19) when
/// `directory.use_attribute_scoped_queries` is on and the root DSE lists the control, else from the group's
/// `member` attribute (read in ranges where Active Directory cuts it). Nested groups are followed when the item
/// says so, each group once, so a membership cycle ends.
extension DirectoryReader {
    /// The attribute that lists a group's members (`groupOfNames`, Active Directory groups).
    static let memberAttribute = "member"

    struct GroupMembers: Sendable {
        /// Members known to be users (by `isKnownUser`, or because ASQ with the user filter returned them).
        var users = Set<EntryName>()
        /// Members that are neither known users nor (followed) groups: maybe users the caller has not read yet.
        var unknown: [DistinguishedName] = []
    }

    var usesAttributeScopedQueries: Bool {
        settings.useAttributeScopedQueries && capabilities.attributeScopedQuery
    }

    func groupMembers(
        _ group: DistinguishedName, nested: Bool, isKnownUser: (EntryName) -> Bool
    ) async throws -> GroupMembers {
        var members = GroupMembers()
        var visited: Set<EntryName> = [EntryName(group)]
        var queue = [group]
        while let next = queue.popLast() {
            if usesAttributeScopedQueries {
                for user in try await scopedQuery(next, filter: settings.filters.user) { members.users.insert(user) }
                guard nested else { continue }
                for inner in try await scopedQuery(next, filter: settings.filters.securityGroup)
                where visited.insert(inner).inserted {
                    if let dn = inner.distinguishedName { queue.append(dn) }
                }
                continue
            }
            for value in try await memberValues(of: next) {
                guard let dn = try? DistinguishedName(parsing: value) else { continue }
                let name = EntryName(dn)
                if isKnownUser(name) {
                    members.users.insert(name)
                } else if nested, !visited.contains(name),
                    try await readEntry(dn, filter: settings.filters.securityGroup, attributes: []) != nil
                {
                    visited.insert(name)
                    queue.append(dn)
                } else if !visited.contains(name) {
                    members.unknown.append(dn)
                }
            }
        }
        return members
    }

    /// The entries named in `group`'s member attribute that match `filter`, by ASQ.
    private func scopedQuery(_ group: DistinguishedName, filter: Filter) async throws -> [EntryName] {
        let request = SearchRequest(
            baseObject: group.description, scope: .baseObject, filter: filter, attributes: ["1.1"])
        let asq = AttributeScopedQueryControl(sourceAttribute: Self.memberAttribute).control(criticality: true)
        var names: [EntryName] = []
        var refusal: LDAPResult?
        let result = try await directory.pagedQuery(
            request, pageSize: capabilities.paging ? settings.querySizeLimit : nil, controls: [asq]
        ) { page in
            if let answer = page.control(AttributeScopedQueryResponseControl.self), answer.searchResult != .success {
                refusal = LDAPResult(resultCode: answer.searchResult, diagnosticMessage: "the ASQ result")
            }
            for entry in page.entries {
                if let name = EntryName(parsing: entry.objectName) { names.append(name) }
            }
        }
        guard result.resultCode == .success else {
            throw SyncError.searchFailed("the attribute scoped query for the members of \(group)", result)
        }
        if let refusal {
            throw SyncError.searchFailed("the attribute scoped query for the members of \(group)", refusal)
        }
        return names
    }

    /// Every value of `group`'s member attribute, following Active Directory's ranged retrieval
    /// (`member;range=0-1499`, then `member;range=1500-*`, ...).
    func memberValues(of group: DistinguishedName) async throws -> [String] {
        var values: [String] = []
        var requested = Self.memberAttribute
        while true {
            let request = SearchRequest(
                baseObject: group.description, scope: .baseObject, filter: .present("objectClass"),
                attributes: [requested])
            var entry: SearchResultEntry?
            let result = try await directory.pagedQuery(request, pageSize: nil, controls: []) {
                entry = $0.entries.first
            }
            guard result.resultCode == .success else {
                throw SyncError.searchFailed("reading the members of \(group)", result)
            }
            guard let attribute = entry?.attributes.first(where: { Self.isMemberAttribute($0.type) }) else {
                return values
            }
            values += attribute.values.map { String(decoding: $0.readableBytesView, as: UTF8.self) }
            guard let end = Self.rangeEnd(of: attribute.type) else { return values }
            requested = "\(Self.memberAttribute);range=\(end + 1)-*"
        }
    }

    static func isMemberAttribute(_ type: String) -> Bool {
        let lowered = type.lowercased()
        return lowered == memberAttribute || lowered.hasPrefix(memberAttribute + ";range=")
    }

    /// The last index of a ranged attribute's values (`member;range=0-1499` -> 1499); nil for the last range
    /// (`-*`) or an attribute without a range.
    static func rangeEnd(of type: String) -> Int? {
        guard let range = type.lowercased().split(separator: ";").first(where: { $0.hasPrefix("range=") }),
            let dash = range.lastIndex(of: "-")
        else { return nil }
        return Int(range[range.index(after: dash)...])
    }
}
