import LDAPCore
import NIOCore
import UserStore

/// How far a cycle got, for `sync now`'s progress line and the log.
public enum SyncProgress: Sendable, Hashable {
    /// A new step began.
    case step(String)
    /// So many user entries were read so far.
    case usersRead(Int)
}

/// Reads the directory for a cycle: resolves the sync items, reads every user below the base DN (paged, or in
/// batches where paging is missing), expands group items, and follows DirSync changes (DirectoryReader+DirSync).
public struct DirectoryReader: Sendable {
    public let directory: any SyncDirectory
    public let settings: SyncSettings
    public let capabilities: DirectoryCapabilities
    let mapper: AttributeMapper
    let progress: @Sendable (SyncProgress) -> Void

    public init(
        directory: any SyncDirectory, settings: SyncSettings, capabilities: DirectoryCapabilities,
        progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) {
        self.directory = directory
        self.settings = settings
        self.capabilities = capabilities
        self.mapper = AttributeMapper(settings.attributes)
        self.progress = progress
    }

    /// The characters a batch is split by (the first letters of the naming attribute), when paging is missing.
    static let batchAlphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
    /// The longest prefix a batch is split to before giving up.
    static let maximumBatchPrefix = 12

    // MARK: Full read

    /// Reads everything a full synchronisation needs. With `startDirSync`, first takes a DirSync cookie (before
    /// reading, so that changes made during the read come again in the next incremental cycle).
    public func readFull(startDirSync: Bool) async throws -> DirectoryView {
        try await resolveItems()
        var cookie: [UInt8]?
        var note: String?
        if startDirSync {
            if capabilities.dirSync { progress(.step("taking a DirSync starting point")) }
            switch try await dirSyncStart() {
            case .success(let value): cookie = value
            case .failure(let refusal): note = refusal.message
            }
        }
        progress(.step("reading users below \(settings.baseDN)"))
        var users: [DirectoryUser] = []
        var present = Set<String>()
        var skipped: [String] = []
        try await searchUsers(settings.filters.user) { entry in
            switch mapper.user(from: entry) {
            case .success(let user):
                guard present.insert(user.uniqueID).inserted else { return }
                users.append(user)
            case .failure(let failure):
                skipped.append(failure.description)
            }
            if (users.count + skipped.count) % 1000 == 0 { progress(.usersRead(users.count + skipped.count)) }
        }
        progress(.usersRead(users.count + skipped.count))
        var membership = ItemMembership(items: settings.items)
        let hasGroups = settings.items.contains { if case .group = $0.source { true } else { false } }
        let names = hasGroups && !usesAttributeScopedQueries ? Set(users.map(\.entryName)) : []
        for (index, item) in settings.items.enumerated() {
            guard case .group(let dn, let nested) = item.source else { continue }
            progress(.step("reading the members of \(dn)"))
            membership.groupMembers[index] = try await groupMembers(dn, nested: nested) { names.contains($0) }.users
        }
        return DirectoryView(
            members: membership.members(users), scope: .complete(present: present), skipped: skipped,
            dirSyncCookie: cookie, dirSyncNote: note)
    }

    /// Checks that every item's container or group exists and matches its filter; returns their display names.
    @discardableResult
    public func resolveItems() async throws -> [String] {
        var names: [String] = []
        for (index, item) in settings.items.enumerated() {
            let (filter, attributes): (Filter, [String]) =
                switch item.source {
                case .container: (settings.filters.container, settings.attributes.containerName)
                case .group: (settings.filters.securityGroup, [settings.attributes.securityGroupName])
                }
            let entry: SearchResultEntry?
            do {
                entry = try await readEntry(item.dn, filter: filter, attributes: attributes)
            } catch let error as SyncError {
                throw SyncError.itemNotFound(index, item, error.message)
            }
            guard let entry else {
                throw SyncError.itemNotFound(index, item, "no such entry matches the filter")
            }
            switch item.source {
            case .container: names.append(mapper.containerName(entry))
            case .group: names.append(mapper.groupName(entry))
            }
        }
        return names
    }

    /// The entry `dn` when it matches `filter`; nil when it does not exist or does not match.
    func readEntry(_ dn: DistinguishedName, filter: Filter, attributes: [String]) async throws -> SearchResultEntry? {
        let request = SearchRequest(
            baseObject: dn.description, scope: .baseObject, sizeLimit: 1, filter: filter,
            attributes: attributes.isEmpty ? ["1.1"] : attributes)
        var entry: SearchResultEntry?
        let result = try await directory.pagedQuery(request, pageSize: nil, controls: []) { entry = $0.entries.first }
        guard result.resultCode == .success || result.resultCode == .noSuchObject else {
            throw SyncError.searchFailed("reading \(dn)", result)
        }
        return entry
    }

    /// The user `dn` when it matches the user filter, mapped; nil when it does not exist or is not a user.
    func readUser(_ dn: DistinguishedName) async throws -> Result<DirectoryUser, MappingFailure>? {
        try await readEntry(dn, filter: settings.filters.user, attributes: settings.attributes.userAttributes)
            .map(mapper.user(from:))
    }

    // MARK: Searching users

    /// Every entry below the base DN matching `filter`, handed to `onEntry`: paged with the query size limit as
    /// page size; where the server does not page, in batches small enough for the limit.
    func searchUsers(_ filter: Filter, onEntry: (SearchResultEntry) throws -> Void) async throws {
        let attributes = settings.attributes.userAttributes
        if capabilities.paging {
            let request = SearchRequest(baseObject: settings.baseDN.description, filter: filter, attributes: attributes)
            let result = try await directory.pagedQuery(
                request, pageSize: settings.querySizeLimit, controls: []
            ) { page in
                guard page.result.resultCode == .success else { return }
                for entry in page.entries { try onEntry(entry) }
            }
            if result.resultCode == .success { return }
            guard result.resultCode == .unavailableCriticalExtension else {
                throw Self.refusal("the paged search for users", result, limit: settings.querySizeLimit)
            }
        }
        try await searchInBatches(filter, prefix: "", attributes: attributes, onEntry: onEntry)
    }

    /// One search limited to the query size limit; when the directory has more, the batch is split by the next
    /// character of the naming attribute (the first username attribute), plus one batch for every other value.
    private func searchInBatches(
        _ filter: Filter, prefix: String, attributes: [String], onEntry: (SearchResultEntry) throws -> Void
    ) async throws {
        let naming = settings.attributes.username.first ?? "cn"
        let scoped = prefix.isEmpty ? filter : .and([filter, Self.startsWith(naming, prefix)])
        guard let entries = try await limitedSearch(scoped, attributes: attributes) else {
            guard prefix.count < Self.maximumBatchPrefix else {
                throw SyncError(
                    .sizeLimit,
                    "more than directory.query_size_limit (\(settings.querySizeLimit)) users have a \(naming) "
                        + "starting with '\(prefix)', and the directory does not page: raise the limit")
            }
            for character in Self.batchAlphabet {
                try await searchInBatches(
                    filter, prefix: prefix + String(character), attributes: attributes, onEntry: onEntry)
            }
            let others = Filter.not(.or(Self.batchAlphabet.map { Self.startsWith(naming, prefix + String($0)) }))
            let rest = Filter.and([filter] + (prefix.isEmpty ? [] : [Self.startsWith(naming, prefix)]) + [others])
            guard let remaining = try await limitedSearch(rest, attributes: attributes) else {
                throw SyncError(
                    .sizeLimit,
                    "more than directory.query_size_limit (\(settings.querySizeLimit)) users have a \(naming) "
                        + "starting with '\(prefix)' followed by another character, and the directory does not "
                        + "page: raise the limit")
            }
            for entry in remaining { try onEntry(entry) }
            return
        }
        for entry in entries { try onEntry(entry) }
    }

    /// The entries, or nil when there are more than the query size limit.
    private func limitedSearch(_ filter: Filter, attributes: [String]) async throws -> [SearchResultEntry]? {
        let request = SearchRequest(
            baseObject: settings.baseDN.description, sizeLimit: settings.querySizeLimit, filter: filter,
            attributes: attributes)
        var entries: [SearchResultEntry] = []
        let result = try await directory.pagedQuery(request, pageSize: nil, controls: []) { entries = $0.entries }
        switch result.resultCode {
        case .success: return entries
        case .sizeLimitExceeded, .adminLimitExceeded: return nil
        default: throw SyncError.searchFailed("the search for users", result)
        }
    }

    static func startsWith(_ attribute: String, _ prefix: String) -> Filter {
        .substrings(SubstringFilter(attributeDescription: attribute, initial: ByteBuffer(string: prefix)))
    }

    static func refusal(_ what: String, _ result: LDAPResult, limit: Int) -> SyncError {
        guard result.resultCode == .sizeLimitExceeded || result.resultCode == .adminLimitExceeded else {
            return .searchFailed(what, result)
        }
        return SyncError(
            .sizeLimit,
            "\(what) hit the directory's size limit (\(result.resultCode)): directory.query_size_limit "
                + "(\(limit)) is larger than the directory allows per page; lower it so that no user is missed")
    }
}
