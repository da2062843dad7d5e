/// `directory.attributes.*`: which attribute of an entry holds what, one per attribute row of Azure MFA Server's
/// directory integration, with its defaults. `nil` means the row is blank and has no default: nothing is read.
public struct AttributeMap: Sendable, Hashable {
    /// How the unique identifier's value is turned into text (`unique_identifier_type`).
    public enum IdentifierType: String, Sendable, Hashable, CaseIterable {
        /// 16 bytes shown in the canonical GUID form, the first three fields little-endian as Active Directory
        /// stores them (`objectGUID`).
        case guid = "GUID"
        /// UTF-8 text (`entryUUID`).
        case string = "String"
        /// Bytes that are ASCII characters, read one character per byte.
        case asciiByteArray = "ASCII byte array"
    }

    public var uniqueIdentifier = "objectGUID"
    public var uniqueIdentifierType = IdentifierType.guid
    /// May be an ADsPath attribute: `LDAP://server/` is stripped from its values.
    public var distinguishedName = "distinguishedName"
    /// Tried in order; the first one a container has gives its name.
    public var containerName = ["name"]
    public var securityGroupName = "name"
    /// Tried in order: the second only when the first has no value (`directory.attributes.username`).
    public var username = ["userPrincipalName", "sAMAccountName"]
    public var firstName = "givenName"
    public var lastName = "sn"
    public var email = "mail"
    public var userGroup: String?
    public var description = "description"
    public var phoneCallLanguage: String?
    public var textMessageLanguage: String?
    public var mobileAppLanguage: String?
    public var oathTokenLanguage: String?
    public var businessPhone = "telephoneNumber"
    public var homePhone = "homePhone"
    public var pager = "pager"
    public var mobilePhone = "mobile"
    public var fax = "facsimileTelephoneNumber"
    public var ipPhone = "ipPhone"
    public var customPhone: String?
    /// When blank, an extension is parsed from the primary phone: "555-123-4567 x890".
    public var phoneExtension: String?

    public init() {}

    /// The attributes a user search asks for.
    public var userAttributes: [String] {
        var names = [uniqueIdentifier, distinguishedName] + username
        names += [firstName, lastName, email, description, businessPhone, homePhone, pager, mobilePhone, fax, ipPhone]
        names += [
            userGroup, phoneCallLanguage, textMessageLanguage, mobileAppLanguage, oathTokenLanguage, customPhone,
            phoneExtension,
        ].compactMap { $0 }
        var seen = Set<String>()
        return names.filter { seen.insert($0.lowercased()).inserted }
    }

    /// Every row as `key=value`, for the settings fingerprint.
    public var fingerprint: String {
        let rows: [(String, String?)] = [
            ("unique_identifier", uniqueIdentifier), ("unique_identifier_type", uniqueIdentifierType.rawValue),
            ("distinguished_name", distinguishedName), ("container_name", containerName.joined(separator: ";")),
            ("security_group_name", securityGroupName), ("username", username.joined(separator: ",")),
            ("first_name", firstName), ("last_name", lastName), ("email", email), ("user_group", userGroup),
            ("description", description), ("phone_call_language", phoneCallLanguage),
            ("text_message_language", textMessageLanguage), ("mobile_app_language", mobileAppLanguage),
            ("oath_token_language", oathTokenLanguage), ("business_phone", businessPhone), ("home_phone", homePhone),
            ("pager", pager), ("mobile_phone", mobilePhone), ("fax", fax), ("ip_phone", ipPhone),
            ("custom", customPhone), ("extension", phoneExtension),
        ]
        return rows.map { "\($0.0)=\($0.1 ?? "")" }.joined(separator: " ")
    }
}
