import LDAPCore
import NIOCore
import UserStore

/// A user as the directory describes it, mapped with ``AttributeMap``.
public struct DirectoryUser: Sendable, Hashable {
    /// The unique identifier in text form (``UniqueIdentifier``).
    public var uniqueID: String
    /// The first of the username attributes with a value.
    public var username: String
    /// The entry's own name (the search result's objectName), normalised: what item membership is decided by.
    public var entryName: EntryName
    public var profile: DirectoryProfile

    public init(uniqueID: String, username: String, entryName: EntryName, profile: DirectoryProfile) {
        self.uniqueID = uniqueID
        self.username = username
        self.entryName = entryName
        self.profile = profile
    }
}

/// Turns search result entries into ``DirectoryUser``s.
public struct AttributeMapper: Sendable {
    public let map: AttributeMap

    public init(_ map: AttributeMap) { self.map = map }

    /// The user `entry` describes, or why it cannot be synchronised.
    public func user(from entry: SearchResultEntry) -> Result<DirectoryUser, MappingFailure> {
        let name: DistinguishedName
        do {
            name = try DistinguishedName(parsing: entry.objectName)
        } catch {
            return .failure(MappingFailure(entry.objectName, "the entry's name is not a DN: \(error.message)"))
        }
        guard let rawID = entry.values(of: map.uniqueIdentifier)?.first else {
            return .failure(MappingFailure(entry.objectName, "no \(map.uniqueIdentifier) (the unique identifier)"))
        }
        guard let uniqueID = UniqueIdentifier.text(of: rawID, as: map.uniqueIdentifierType) else {
            return .failure(
                MappingFailure(
                    entry.objectName,
                    "\(map.uniqueIdentifier) is not of the type \(map.uniqueIdentifierType.rawValue) "
                        + "(directory.attributes.unique_identifier_type)"))
        }
        guard let username = map.username.lazy.compactMap({ text(entry, $0) }).first else {
            let names = map.username.joined(separator: " or ")
            return .failure(MappingFailure(entry.objectName, "no username: the entry has no \(names)"))
        }
        let dn = text(entry, map.distinguishedName).map(AdsPath.distinguishedName) ?? entry.objectName
        return .success(
            DirectoryUser(
                uniqueID: uniqueID, username: username, entryName: EntryName(name), profile: profile(entry, dn: dn)))
    }

    private func profile(_ entry: SearchResultEntry, dn: String) -> DirectoryProfile {
        var profile = DirectoryProfile(dn: dn)
        profile.firstName = text(entry, map.firstName)
        profile.lastName = text(entry, map.lastName)
        profile.email = text(entry, map.email)
        profile.userGroup = map.userGroup.flatMap { text(entry, $0) }
        profile.description = text(entry, map.description)
        profile.phoneCallLanguage = map.phoneCallLanguage.flatMap { text(entry, $0) }
        profile.textMessageLanguage = map.textMessageLanguage.flatMap { text(entry, $0) }
        profile.mobileAppLanguage = map.mobileAppLanguage.flatMap { text(entry, $0) }
        profile.oathTokenLanguage = map.oathTokenLanguage.flatMap { text(entry, $0) }
        // In the reference's row order; the first phone with a value is the primary one.
        var phones: [PhoneNumber?] = [
            text(entry, map.businessPhone), text(entry, map.homePhone), text(entry, map.pager),
            text(entry, map.mobilePhone), text(entry, map.fax), text(entry, map.ipPhone),
            map.customPhone.flatMap { text(entry, $0) },
        ].map { $0.map { PhoneNumber(number: $0) } }
        if let attribute = map.phoneExtension {
            profile.phoneExtension = text(entry, attribute)
        } else {
            phones = phones.map { $0.map { PhoneNumber(parsing: $0.number) } }
            profile.phoneExtension = phones.lazy.compactMap { $0 }.first?.phoneExtension
        }
        let numbers = phones.map { $0?.number }
        (profile.businessPhone, profile.homePhone, profile.pager) = (numbers[0], numbers[1], numbers[2])
        (profile.mobilePhone, profile.fax, profile.ipPhone, profile.customPhone) =
            (numbers[3], numbers[4], numbers[5], numbers[6])
        return profile
    }

    /// The first value of `attribute` as text, trimmed; nil when absent or blank.
    private func text(_ entry: SearchResultEntry, _ attribute: String) -> String? {
        guard let value = entry.values(of: attribute)?.first else { return nil }
        let text = String(decoding: value.readableBytesView, as: UTF8.self).trimmingSpaces
        return text.isEmpty ? nil : text
    }

    /// The display name of a container: the first of the container name attributes it has, else its RDN's value.
    public func containerName(_ entry: SearchResultEntry) -> String {
        map.containerName.lazy.compactMap { text(entry, $0) }.first ?? Self.rdnValue(entry.objectName)
    }

    /// The display name of a security group.
    public func groupName(_ entry: SearchResultEntry) -> String {
        text(entry, map.securityGroupName) ?? Self.rdnValue(entry.objectName)
    }

    static func rdnValue(_ dn: String) -> String {
        guard let name = try? DistinguishedName(parsing: dn), let first = name.rdns.first?.attributes.first,
            case .string(let value) = first.value
        else { return dn }
        return value
    }
}

/// An entry that cannot become a user, and why.
public struct MappingFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var entry: String
    public var reason: String

    init(_ entry: String, _ reason: String) {
        self.entry = entry
        self.reason = reason
    }

    public var description: String { "\(entry): \(reason)" }
}

/// ADsPath values (`LDAP://server/CN=...`, `LDAP://CN=...`, `GC://...`) as plain DNs.
public enum AdsPath {
    /// `value` without the `LDAP://server/` part; any other value unchanged.
    public static func distinguishedName(_ value: String) -> String {
        let lowered = value.lowercased()
        guard let scheme = ["ldap://", "gc://"].first(where: lowered.hasPrefix) else { return value }
        let rest = value.dropFirst(scheme.count)
        // A server part ends at the first '/' that comes before any '=' (a DN's '/' is inside a value).
        if let slash = rest.firstIndex(of: "/"), rest.firstIndex(of: "=").map({ slash < $0 }) ?? true {
            return String(rest[rest.index(after: slash)...])
        }
        return String(rest)
    }
}
