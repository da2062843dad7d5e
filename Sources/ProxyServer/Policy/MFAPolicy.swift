import LDAPCore
import NIOCore

/// Who must pass a second factor, and what happens around it (issue 4, `mfa.*`).
public struct MFAPolicy: Sendable {
    /// What an unreachable or timed-out provider means.
    public enum FailMode: String, Sendable {
        /// Deny the bind (the default).
        case secure
        /// Allow on the primary bind alone; every such pass is logged as `fail-safe`.
        case safe
    }

    public var failMode: FailMode
    /// Bind DNs that never need a second factor (service accounts).
    public var exemptDNs: [DistinguishedName]
    /// Subtrees whose entries never need one (e.g. `ou=service,dc=example,dc=test`).
    public var exemptSubtrees: [DistinguishedName]
    /// Members of these groups (nested included) never need one.
    public var exemptGroups: [DistinguishedName]
    /// Binds from these client addresses never need one.
    public var exemptNetworks: [NetworkRange]
    /// When not empty, only members of these groups need a second factor.
    public var requiredGroups: [DistinguishedName]
    /// Deny users the store has no record of (true), or let them in on the primary bind alone.
    public var requireUserMatch: Bool
    /// The code word that asks the provider for a push (`password,push`).
    public var pushKeyword: String

    public init(
        failMode: FailMode = .secure, exemptDNs: [DistinguishedName] = [], exemptSubtrees: [DistinguishedName] = [],
        exemptGroups: [DistinguishedName] = [], exemptNetworks: [NetworkRange] = [],
        requiredGroups: [DistinguishedName] = [], requireUserMatch: Bool = true, pushKeyword: String = "push"
    ) {
        self.failMode = failMode
        self.exemptDNs = exemptDNs
        self.exemptSubtrees = exemptSubtrees
        self.exemptGroups = exemptGroups
        self.exemptNetworks = exemptNetworks
        self.requiredGroups = requiredGroups
        self.requireUserMatch = requireUserMatch
        self.pushKeyword = pushKeyword
    }

    /// Whether group membership must be looked up to decide.
    public var needsGroups: Bool { !exemptGroups.isEmpty || !requiredGroups.isEmpty }

    /// The rule that exempts this bind without any directory lookup, if one does.
    public func exemption(dn: DistinguishedName?, clientAddress: String?) -> String? {
        if let clientAddress, exemptNetworks.contains(where: { $0.contains(clientAddress) }) { return "exempt-network" }
        guard let dn else { return nil }
        let normalized = dn.normalized
        if exemptDNs.contains(where: { $0.normalized == normalized }) { return "exempt-dn" }
        if exemptSubtrees.contains(where: { normalized.isWithin(subtree: $0.normalized) }) { return "exempt-subtree" }
        return nil
    }

    /// The rule that exempts a user with these groups, if one does.
    public func exemption(groups: Set<NormalizedDN>) -> String? {
        if exemptGroups.contains(where: { groups.contains($0.normalized) }) { return "exempt-group" }
        if !requiredGroups.isEmpty && !requiredGroups.contains(where: { groups.contains($0.normalized) }) {
            return "not-in-required-group"
        }
        return nil
    }
}
