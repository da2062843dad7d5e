import LDAPCore
import Upstream

/// The directory as the synchroniser reads it: ``UpstreamDirectory`` in production (the proxy's query identity,
/// failover), an in-memory directory in tests.
public protocol SyncDirectory: Sendable {
    /// A search handed over page by page; with a `pageSize`, Simple Paged Results (RFC 2696) on one connection,
    /// without, one request. Returns the last result (the caller judges a refusal).
    @discardableResult
    func pagedQuery(
        _ request: SearchRequest, pageSize: Int?, controls: [LDAPControl], onPage: (SearchPage) async throws -> Void
    ) async throws -> LDAPResult
}

extension UpstreamDirectory: SyncDirectory {}

/// What the server says it can do (its root DSE, RFC 4512 §5.1).
public struct DirectoryCapabilities: Sendable, Hashable {
    public var supportedControls: Set<String>
    public var namingContexts: [String]
    public var defaultNamingContext: String?

    public init(supportedControls: Set<String>, namingContexts: [String] = [], defaultNamingContext: String? = nil) {
        self.supportedControls = supportedControls
        self.namingContexts = namingContexts
        self.defaultNamingContext = defaultNamingContext
    }

    public var paging: Bool { supportedControls.contains(PagedResultsControl.oid) }
    public var dirSync: Bool { supportedControls.contains(DirSyncRequestControl.oid) }
    public var attributeScopedQuery: Bool { supportedControls.contains(AttributeScopedQueryControl.oid) }

    /// The naming context holding `base` (DirSync must start at one), the longest that contains it.
    public func namingContext(containing base: DistinguishedName) -> DistinguishedName? {
        let candidates = (namingContexts + [defaultNamingContext].compactMap { $0 })
            .compactMap { try? DistinguishedName(parsing: $0) }
            .filter { base.isWithin(subtree: $0) && !$0.isRoot }
        return candidates.max { $0.rdns.count < $1.rdns.count }
    }

    /// Reads the root DSE.
    public static func read(from directory: any SyncDirectory) async throws -> DirectoryCapabilities {
        let request = SearchRequest(
            baseObject: "", scope: .baseObject, filter: .present("objectClass"),
            attributes: ["supportedControl", "namingContexts", "defaultNamingContext"])
        var entry: SearchResultEntry?
        try await directory.pagedQuery(request, pageSize: nil, controls: []) { page in entry = page.entries.first }
        func texts(_ name: String) -> [String] {
            (entry?.values(of: name) ?? []).map { String(decoding: $0.readableBytesView, as: UTF8.self) }
        }
        return DirectoryCapabilities(
            supportedControls: Set(texts("supportedControl")), namingContexts: texts("namingContexts"),
            defaultNamingContext: texts("defaultNamingContext").first)
    }
}
