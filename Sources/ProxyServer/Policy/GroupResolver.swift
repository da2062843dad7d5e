import LDAPCore
import NIOConcurrencyHelpers
import NIOCore
import Upstream

/// Finds the groups a user belongs to, nested groups included, with the proxy's query identity,
/// and caches the answer briefly.
///
/// Any LDAPv3 directory: it searches under the base DN for group entries that list the user
/// (`member` or `uniqueMember`), then for groups that list those groups, up to `maximumDepth`
/// levels (RFC 4519 groupOfNames / groupOfUniqueNames).
///
/// Active Directory (its root DSE lists LDAP_CAP_ACTIVE_DIRECTORY_OID): one search with
/// LDAP_MATCHING_RULE_IN_CHAIN ([MS-ADTS] §3.1.1.3.4.4.3) for the security groups
/// (`securityGroupFilter`) that contain the user at any depth, plus the user's primary group
/// (the domain's SID and the user's `primaryGroupID`, which `member` never lists) and the groups
/// that contain it.
public final class GroupResolver: Sendable {
    let directory: UpstreamDirectory
    let baseDN: String
    let timeToLive: TimeAmount
    let maximumDepth: Int
    /// Which entries count as groups on Active Directory: the Azure MFA Server default security
    /// group filter, `(&(objectCategory=group)(groupType:1.2.840.113556.1.4.804:=-2147483648))`.
    let securityGroupFilter: Filter
    private let cache = NIOLockedValueBox<[NormalizedDN: (groups: Set<NormalizedDN>, expiry: NIODeadline)]>([:])
    private let isActiveDirectory = NIOLockedValueBox<Bool?>(nil)

    public init(
        directory: UpstreamDirectory, baseDN: String, timeToLive: TimeAmount = .seconds(60), maximumDepth: Int = 8,
        securityGroupFilter: Filter = GroupResolver.defaultSecurityGroupFilter
    ) {
        self.directory = directory
        self.baseDN = baseDN
        self.timeToLive = timeToLive
        self.maximumDepth = maximumDepth
        self.securityGroupFilter = securityGroupFilter
    }

    /// The Azure MFA Server reference's default security group filter (Active Directory).
    public static let defaultSecurityGroupFilter: Filter = .and([
        .equalityMatch(AttributeValueAssertion("objectCategory", "group")),
        .extensibleMatch(
            MatchingRuleAssertion(
                matchingRule: bitwiseOr, type: "groupType", matchValue: ByteBuffer(string: "-2147483648"))),
    ])

    /// LDAP_MATCHING_RULE_IN_CHAIN: transitive closure of a DN-valued attribute.
    static let inChain = "1.2.840.113556.1.4.1941"
    /// LDAP_MATCHING_RULE_BIT_OR.
    static let bitwiseOr = "1.2.840.113556.1.4.804"
    /// LDAP_CAP_ACTIVE_DIRECTORY_OID in the root DSE's supportedCapabilities.
    static let activeDirectoryCapability = "1.2.840.113556.1.4.800"

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
        let groups =
            try await activeDirectory() ? try await activeDirectoryGroups(of: user) : try await memberGroups(of: user)
        cache.withLockedValue { table in
            if table.count > 10_000 { table = table.filter { $0.value.expiry > now } }
            table[key] = (groups, now + timeToLive)
        }
        return groups
    }

    /// Whether the directory is Active Directory (asked once).
    func activeDirectory() async throws -> Bool {
        if let known = isActiveDirectory.withLockedValue({ $0 }) { return known }
        let rootDSE = SearchRequest(
            baseObject: "", scope: .baseObject, filter: .present("objectClass"), attributes: ["supportedCapabilities"])
        let entry = try await directory.query(rootDSE).entries.first
        let capabilities = (entry?.values(of: "supportedCapabilities") ?? []).compactMap {
            $0.getString(at: $0.readerIndex, length: $0.readableBytes)
        }
        let answer = capabilities.contains(Self.activeDirectoryCapability)
        isActiveDirectory.withLockedValue { $0 = answer }
        return answer
    }

    /// Level by level through `member` / `uniqueMember`.
    func memberGroups(of user: DistinguishedName) async throws -> Set<NormalizedDN> {
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
            frontier = []
            for dn in try await search(request) where found.insert(dn.normalized).inserted {
                frontier.append(dn.description)
            }
        }
        return found
    }

    /// IN_CHAIN for the user and for the user's primary group.
    func activeDirectoryGroups(of user: DistinguishedName) async throws -> Set<NormalizedDN> {
        var found = Set(try await chainGroups(containing: user.description).map(\.normalized))
        if let primary = try await primaryGroup(of: user) {
            found.insert(primary.normalized)
            for group in try await chainGroups(containing: primary.description) { found.insert(group.normalized) }
        }
        return found
    }

    private func chainGroups(containing dn: String) async throws -> [DistinguishedName] {
        let chain = Filter.extensibleMatch(
            MatchingRuleAssertion(matchingRule: Self.inChain, type: "member", matchValue: ByteBuffer(string: dn)))
        return try await search(
            SearchRequest(
                baseObject: baseDN, scope: .wholeSubtree, filter: .and([securityGroupFilter, chain]),
                attributes: ["1.1"]))
    }

    /// The group whose objectSid is the user's domain SID with the user's primaryGroupID as the
    /// last sub-authority ([MS-ADTS] §3.1.1.3.1.2.3 primaryGroupID; [MS-DTYP] §2.4.2 SID).
    private func primaryGroup(of user: DistinguishedName) async throws -> DistinguishedName? {
        guard
            let entry = try await directory.readEntry(user.description, attributes: ["objectSid", "primaryGroupID"]),
            let sid = entry.values(of: "objectSid")?.first.map({ Array($0.readableBytesView) }),
            let ridText = entry.values(of: "primaryGroupID")?.first.flatMap({
                $0.getString(at: $0.readerIndex, length: $0.readableBytes)
            }),
            let rid = UInt32(ridText), let groupSID = Self.sid(sid, replacingLastSubAuthorityWith: rid)
        else { return nil }
        let request = SearchRequest(
            baseObject: baseDN, scope: .wholeSubtree, sizeLimit: 1,
            filter: .equalityMatch(
                AttributeValueAssertion(attributeDescription: "objectSid", assertionValue: ByteBuffer(bytes: groupSID))),
            attributes: ["1.1"])
        return try await search(request).first
    }

    /// A binary SID with its last sub-authority (the RID, little-endian) replaced.
    static func sid(_ sid: [UInt8], replacingLastSubAuthorityWith rid: UInt32) -> [UInt8]? {
        guard sid.count >= 12, sid[0] == 1, sid.count == 8 + 4 * Int(sid[1]), sid[1] >= 1 else { return nil }
        var result = sid
        let offset = sid.count - 4
        for index in 0..<4 { result[offset + index] = UInt8(truncatingIfNeeded: rid >> (8 * UInt32(index))) }
        return result
    }

    private func search(_ request: SearchRequest) async throws -> [DistinguishedName] {
        let answer = try await directory.query(request)
        guard answer.result.resultCode == .success || answer.result.resultCode == .sizeLimitExceeded else {
            throw GroupLookupError(result: answer.result)
        }
        return answer.entries.compactMap { try? DistinguishedName(parsing: $0.objectName) }
    }
}

/// The directory refused the group search.
public struct GroupLookupError: Error, CustomStringConvertible {
    public let result: LDAPResult
    public var description: String { "group lookup failed: \(result.resultCode) \(result.diagnosticMessage)" }
}
