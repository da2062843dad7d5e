import DirectorySync
import Foundation
import LDAPCore
import NIOCore
import Upstream

/// An in-memory directory for the synchroniser: base/one/subtree searches with the filters the synchroniser
/// writes, size limits, Simple Paged Results, attribute scoped queries and DirSync (cookie = change number,
/// deletions as tombstones), each switchable, and a count of requests.
final class FakeDirectory: SyncDirectory, @unchecked Sendable {
    struct Entry {
        var dn: String
        var attributes: [String: [[UInt8]]]

        var name: NormalizedDN { (try? DistinguishedName(parsing: dn))?.normalized ?? NormalizedDN.root }
    }

    private let lock = NSLock()
    private var entries: [NormalizedDN: Entry] = [:]
    private var order: [NormalizedDN] = []
    private var changes: [(sequence: Int, name: NormalizedDN, attribute: String?, tombstone: Entry?)] = []
    private var sequence = 0
    private var pagingCursors: [String: [SearchResultEntry]] = [:]

    var supportsPaging = true
    var supportsASQ = false
    var supportsDirSync = false
    /// The server's own size limit (per page when paging).
    var serverSizeLimit = Int.max
    /// Hand out `member` in ranges of this many values, as Active Directory does past 1500.
    var memberRangeSize: Int?
    /// Refuse DirSync with insufficientAccessRights (an account without the replication right).
    var refuseDirSync = false
    private(set) var requests = 0
    let namingContext = "dc=example,dc=test"

    // MARK: Content

    func add(_ dn: String, _ attributes: [String: [String]]) {
        lock.withLock {
            var entry = Entry(dn: dn, attributes: [:])
            for (key, values) in attributes { entry.attributes[key.lowercased()] = values.map { Array($0.utf8) } }
            let name = entry.name
            if entries[name] == nil { order.append(name) }
            entries[name] = entry
            record(name)
        }
    }

    func setBinary(_ dn: String, _ attribute: String, _ value: [UInt8]) {
        lock.withLock {
            let name = (try! DistinguishedName(parsing: dn)).normalized
            entries[name]?.attributes[attribute.lowercased()] = [value]
            record(name, attribute)
        }
    }

    func modify(_ dn: String, _ attribute: String, _ values: [String]?) {
        lock.withLock {
            let name = (try! DistinguishedName(parsing: dn)).normalized
            entries[name]?.attributes[attribute.lowercased()] = values.map { $0.map { Array($0.utf8) } }
            record(name, attribute)
        }
    }

    func delete(_ dn: String, uniqueAttribute: String) {
        lock.withLock {
            let name = (try! DistinguishedName(parsing: dn)).normalized
            guard let entry = entries.removeValue(forKey: name) else { return }
            order.removeAll { $0 == name }
            var tombstone = Entry(dn: "cn=deleted\\0ADEL,cn=Deleted Objects,\(namingContext)", attributes: [:])
            tombstone.attributes[uniqueAttribute.lowercased()] = entry.attributes[uniqueAttribute.lowercased()]
            tombstone.attributes["isdeleted"] = [Array("TRUE".utf8)]
            sequence += 1
            changes.append((sequence, name, nil, tombstone))
        }
    }

    /// A change of `attribute` (nil: the whole entry, as an add).
    private func record(_ name: NormalizedDN, _ attribute: String? = nil) {
        sequence += 1
        changes.append((sequence, name, attribute?.lowercased(), nil))
    }

    // MARK: SyncDirectory

    func pagedQuery(
        _ request: SearchRequest, pageSize: Int?, controls: [LDAPControl], onPage: (SearchPage) async throws -> Void
    ) async throws -> LDAPResult {
        if let pageSize {
            var cookie = ByteBuffer()
            while true {
                let paging = PagedResultsControl(size: pageSize, cookie: cookie).control(criticality: true)
                let page = answer(request, controls: controls + [paging])
                try await onPage(page)
                guard page.result.resultCode == .success, let next = page.control(PagedResultsControl.self),
                    next.cookie.readableBytes > 0
                else { return page.result }
                cookie = next.cookie
            }
        }
        let page = answer(request, controls: controls)
        try await onPage(page)
        return page.result
    }

    private func answer(_ request: SearchRequest, controls: [LDAPControl]) -> SearchPage {
        lock.withLock {
            requests += 1
            if request.baseObject.isEmpty && request.scope == .baseObject { return rootDSE() }
            if let control = controls.first(where: { $0.oid == DirSyncRequestControl.oid }) {
                return dirSync(request, try! DirSyncRequestControl(control: control))
            }
            var candidates: [Entry]
            if let control = controls.first(where: { $0.oid == AttributeScopedQueryControl.oid }) {
                guard supportsASQ else { return refused(.unavailableCriticalExtension) }
                let source = try! AttributeScopedQueryControl(control: control).sourceAttribute
                let base = (try! DistinguishedName(parsing: request.baseObject)).normalized
                candidates = (entries[base]?.attributes[source.lowercased()] ?? []).compactMap { value in
                    (try? DistinguishedName(parsing: String(decoding: value, as: UTF8.self))).flatMap {
                        entries[$0.normalized]
                    }
                }
            } else {
                guard let base = try? DistinguishedName(parsing: request.baseObject) else {
                    return refused(.invalidDNSyntax)
                }
                let name = base.normalized
                guard entries[name] != nil || order.contains(where: { $0.isWithin(subtree: name) }) else {
                    return refused(.noSuchObject)
                }
                candidates = order.compactMap { entries[$0] }.filter { entry in
                    switch request.scope {
                    case .baseObject: entry.name == name
                    case .singleLevel: entry.name.isDirectChild(of: name)
                    default: entry.name.isWithin(subtree: name)
                    }
                }
            }
            var matches = candidates.filter { Self.matches(request.filter, $0) }.map { project($0, request.attributes) }
            if let control = controls.first(where: { $0.oid == PagedResultsControl.oid }) {
                guard supportsPaging else { return refused(.unavailableCriticalExtension) }
                let paging = try! PagedResultsControl(control: control)
                let key = "\(request)"
                if paging.cookie.readableBytes == 0 { pagingCursors[key] = matches }
                let remaining = pagingCursors[key] ?? []
                let size = min(paging.size, serverSizeLimit)
                let page = Array(remaining.prefix(size))
                pagingCursors[key] = Array(remaining.dropFirst(size))
                let more = !(pagingCursors[key]?.isEmpty ?? true)
                return SearchPage(
                    entries: page, references: [],
                    result: LDAPResult(resultCode: .success, matchedDN: "", diagnosticMessage: ""),
                    controls: [PagedResultsControl(size: 0, cookie: ByteBuffer(string: more ? "more" : "")).control()])
            }
            let limit = min(request.sizeLimit == 0 ? Int.max : request.sizeLimit, serverSizeLimit)
            if matches.count > limit {
                matches = Array(matches.prefix(limit))
                return SearchPage(
                    entries: matches, references: [],
                    result: LDAPResult(resultCode: .sizeLimitExceeded, matchedDN: "", diagnosticMessage: ""),
                    controls: [])
            }
            return SearchPage(
                entries: matches, references: [],
                result: LDAPResult(resultCode: .success, matchedDN: "", diagnosticMessage: ""),
                controls: [])
        }
    }

    private func rootDSE() -> SearchPage {
        var supported: [String] = []
        if supportsPaging { supported.append(PagedResultsControl.oid) }
        if supportsASQ { supported.append(AttributeScopedQueryControl.oid) }
        if supportsDirSync { supported.append(DirSyncRequestControl.oid) }
        let entry = SearchResultEntry(
            objectName: "",
            attributes: [
                PartialAttribute("supportedControl", supported), PartialAttribute("namingContexts", [namingContext]),
                PartialAttribute("defaultNamingContext", [namingContext]),
            ])
        return SearchPage(
            entries: [entry], references: [],
            result: LDAPResult(resultCode: .success, matchedDN: "", diagnosticMessage: ""),
            controls: [])
    }

    private func dirSync(_ request: SearchRequest, _ control: DirSyncRequestControl) -> SearchPage {
        guard supportsDirSync else { return refused(.unavailableCriticalExtension) }
        guard !refuseDirSync else { return refused(.insufficientAccessRights) }
        let since = Int(String(buffer: control.cookie)) ?? 0
        // As Active Directory does, an object comes back only when one of the requested attributes changed.
        let requested = Set(request.attributes.map { $0.lowercased() })
        let relevant = changes.filter { change in
            change.sequence > since
                && (change.tombstone != nil || change.attribute.map { requested.contains($0) } ?? true)
        }
        var seen = Set<NormalizedDN>()
        var result: [SearchResultEntry] = []
        for change in relevant.reversed() where seen.insert(change.name).inserted {
            if let tombstone = change.tombstone {
                if Self.matches(request.filter, tombstone) { result.append(project(tombstone, request.attributes)) }
            } else if let entry = entries[change.name], Self.matches(request.filter, entry) {
                result.append(project(entry, request.attributes))
            }
        }
        let response = DirSyncResponseControl(moreResults: false, cookie: ByteBuffer(string: String(sequence)))
        return SearchPage(
            entries: result.reversed(), references: [],
            result: LDAPResult(resultCode: .success, matchedDN: "", diagnosticMessage: ""),
            controls: [response.control()])
    }

    private func refused(_ code: ResultCode) -> SearchPage {
        SearchPage(
            entries: [], references: [], result: LDAPResult(resultCode: code, matchedDN: "", diagnosticMessage: "fake"),
            controls: [])
    }

    private func project(_ entry: Entry, _ attributes: [String]) -> SearchResultEntry {
        if let size = memberRangeSize, let asked = attributes.first?.lowercased(), asked.hasPrefix("member"),
            let members = entry.attributes["member"]
        {
            // "member" or "member;range=N-*": the next `size` values, named with their range.
            let start = asked.split(separator: "=").last.flatMap { Int($0.split(separator: "-")[0]) } ?? 0
            let slice = Array(members.dropFirst(start).prefix(size))
            let last = start + slice.count >= members.count
            let type = "member;range=\(start)-\(last ? "*" : String(start + slice.count - 1))"
            return SearchResultEntry(
                objectName: entry.dn,
                attributes: [PartialAttribute(type: type, values: slice.map { ByteBuffer(bytes: $0) })])
        }
        let wanted = Set(attributes.map { $0.lowercased() })
        let all = wanted.isEmpty || wanted.contains("*")
        let selected = entry.attributes.filter { all || wanted.contains($0.key) }.sorted { $0.key < $1.key }
        return SearchResultEntry(
            objectName: entry.dn,
            attributes: selected.map { PartialAttribute(type: $0.key, values: $0.value.map { ByteBuffer(bytes: $0) }) })
    }

    // MARK: Filters

    static func matches(_ filter: Filter, _ entry: Entry) -> Bool {
        func values(_ attribute: String) -> [[UInt8]] { entry.attributes[attribute.lowercased()] ?? [] }
        func equal(_ a: [UInt8], _ b: ByteBuffer) -> Bool {
            let other = Array(b.readableBytesView)
            if let x = String(validating: a, as: UTF8.self), let y = String(validating: other, as: UTF8.self) {
                return x.lowercased() == y.lowercased()
            }
            return a == other
        }
        switch filter {
        case .and(let filters): return filters.allSatisfy { matches($0, entry) }
        case .or(let filters): return filters.contains { matches($0, entry) }
        case .not(let inner): return !matches(inner, entry)
        case .present(let attribute):
            return attribute.lowercased() == "objectclass" ? true : !values(attribute).isEmpty
        case .equalityMatch(let assertion):
            return values(assertion.attributeDescription).contains { equal($0, assertion.assertionValue) }
        case .substrings(let substrings):
            let initial = substrings.initial.map { String(buffer: $0).lowercased() } ?? ""
            return values(substrings.attributeDescription).contains {
                String(decoding: $0, as: UTF8.self).lowercased().hasPrefix(initial)
            }
        default:
            return false
        }
    }
}
