import LDAPCore
import NIOConcurrencyHelpers
import NIOCore
import Upstream

/// Finds the groups a user belongs to, nested groups included, with the proxy's query identity,
/// and caches the answer briefly.
///
/// Works on any LDAPv3 directory: it searches under the base DN for group entries that list the
/// user (`member` or `uniqueMember`), then for groups that list those groups, up to
/// `maximumDepth` levels (RFC 4519 groupOfNames / groupOfUniqueNames; Active Directory's `group`
/// uses `member` too).
public final class GroupResolver: Sendable {
    let directory: UpstreamDirectory
    let baseDN: String
    let timeToLive: TimeAmount
    let maximumDepth: Int
    private let cache = NIOLockedValueBox<[NormalizedDN: (groups: Set<NormalizedDN>, expiry: NIODeadline)]>([:])

    public init(
        directory: UpstreamDirectory, baseDN: String, timeToLive: TimeAmount = .seconds(60), maximumDepth: Int = 8
    ) {
        self.directory = directory
        self.baseDN = baseDN
        self.timeToLive = timeToLive
        self.maximumDepth = maximumDepth
    }

    static let groupClasses: Filter = .or([
        .equalityMatch(AttributeValueAssertion("objectClass", "groupOfNames")),
        .equalityMatch(AttributeValueAssertion("objectClass", "groupOfUniqueNames")),
        .equalityMatch(AttributeValueAssertion("objectClass", "group")),
    ])

    /// Every group `user` is a member of, directly or through other groups.
    public func groups(of user: DistinguishedName) async throws -> Set<NormalizedDN> {
        let key = user.normalized
        let now = NIODeadline.now()
        if let cached = cache.withLockedValue({ $0[key] }), cached.expiry > now { return cached.groups }
        var found = Set<NormalizedDN>()
        var frontier = [user.description]
        for _ in 0..<maximumDepth where !frontier.isEmpty {
            let members: [Filter] = frontier.flatMap { dn in
                [
                    Filter.equalityMatch(AttributeValueAssertion("member", dn)),
                    Filter.equalityMatch(AttributeValueAssertion("uniqueMember", dn)),
                ]
            }
            let request = SearchRequest(
                baseObject: baseDN, scope: .wholeSubtree, filter: .and([Self.groupClasses, .or(members)]),
                attributes: ["1.1"])
            let answer = try await directory.query(request)
            guard answer.result.resultCode == .success || answer.result.resultCode == .sizeLimitExceeded else {
                throw GroupLookupError(result: answer.result)
            }
            frontier = []
            for entry in answer.entries {
                guard let dn = try? DistinguishedName(parsing: entry.objectName) else { continue }
                if found.insert(dn.normalized).inserted { frontier.append(entry.objectName) }
            }
        }
        let groups = found
        cache.withLockedValue { table in
            if table.count > 10_000 { table = table.filter { $0.value.expiry > now } }
            table[key] = (groups, now + timeToLive)
        }
        return groups
    }
}

/// The directory refused the group search.
public struct GroupLookupError: Error, CustomStringConvertible {
    public let result: LDAPResult
    public var description: String { "group lookup failed: \(result.resultCode) \(result.diagnosticMessage)" }
}
