/// An LDAP result code (RFC 4511 §4.1.9 and Appendix A; IANA "LDAP Result Code" registry for the
/// codes added by later RFCs).
///
/// A struct rather than an enum: a directory may answer with a code this build does not know,
/// and the proxy must relay it unchanged.
public struct ResultCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let success = Self(rawValue: 0)
    public static let operationsError = Self(rawValue: 1)
    public static let protocolError = Self(rawValue: 2)
    public static let timeLimitExceeded = Self(rawValue: 3)
    public static let sizeLimitExceeded = Self(rawValue: 4)
    public static let compareFalse = Self(rawValue: 5)
    public static let compareTrue = Self(rawValue: 6)
    public static let authMethodNotSupported = Self(rawValue: 7)
    public static let strongerAuthRequired = Self(rawValue: 8)
    public static let referral = Self(rawValue: 10)
    public static let adminLimitExceeded = Self(rawValue: 11)
    public static let unavailableCriticalExtension = Self(rawValue: 12)
    public static let confidentialityRequired = Self(rawValue: 13)
    public static let saslBindInProgress = Self(rawValue: 14)
    public static let noSuchAttribute = Self(rawValue: 16)
    public static let undefinedAttributeType = Self(rawValue: 17)
    public static let inappropriateMatching = Self(rawValue: 18)
    public static let constraintViolation = Self(rawValue: 19)
    public static let attributeOrValueExists = Self(rawValue: 20)
    public static let invalidAttributeSyntax = Self(rawValue: 21)
    public static let noSuchObject = Self(rawValue: 32)
    public static let aliasProblem = Self(rawValue: 33)
    public static let invalidDNSyntax = Self(rawValue: 34)
    public static let aliasDereferencingProblem = Self(rawValue: 36)
    public static let inappropriateAuthentication = Self(rawValue: 48)
    public static let invalidCredentials = Self(rawValue: 49)
    public static let insufficientAccessRights = Self(rawValue: 50)
    public static let busy = Self(rawValue: 51)
    public static let unavailable = Self(rawValue: 52)
    public static let unwillingToPerform = Self(rawValue: 53)
    public static let loopDetect = Self(rawValue: 54)
    public static let namingViolation = Self(rawValue: 64)
    public static let objectClassViolation = Self(rawValue: 65)
    public static let notAllowedOnNonLeaf = Self(rawValue: 66)
    public static let notAllowedOnRDN = Self(rawValue: 67)
    public static let entryAlreadyExists = Self(rawValue: 68)
    public static let objectClassModsProhibited = Self(rawValue: 69)
    public static let affectsMultipleDSAs = Self(rawValue: 71)
    public static let other = Self(rawValue: 80)
    /// RFC 3909 (Cancel operation).
    public static let canceled = Self(rawValue: 118)
    public static let noSuchOperation = Self(rawValue: 119)
    public static let tooLate = Self(rawValue: 120)
    public static let cannotCancel = Self(rawValue: 121)
    /// RFC 4528 (Assertion control).
    public static let assertionFailed = Self(rawValue: 122)
    /// RFC 4370 (Proxied Authorization control).
    public static let authorizationDenied = Self(rawValue: 123)
    /// RFC 4533 (Content Synchronization).
    public static let syncRefreshRequired = Self(rawValue: 4096)

    static let names: [Int: String] = [
        0: "success", 1: "operationsError", 2: "protocolError", 3: "timeLimitExceeded", 4: "sizeLimitExceeded",
        5: "compareFalse", 6: "compareTrue", 7: "authMethodNotSupported", 8: "strongerAuthRequired",
        10: "referral", 11: "adminLimitExceeded", 12: "unavailableCriticalExtension",
        13: "confidentialityRequired", 14: "saslBindInProgress", 16: "noSuchAttribute",
        17: "undefinedAttributeType", 18: "inappropriateMatching", 19: "constraintViolation",
        20: "attributeOrValueExists", 21: "invalidAttributeSyntax", 32: "noSuchObject", 33: "aliasProblem",
        34: "invalidDNSyntax", 36: "aliasDereferencingProblem", 48: "inappropriateAuthentication",
        49: "invalidCredentials", 50: "insufficientAccessRights", 51: "busy", 52: "unavailable",
        53: "unwillingToPerform", 54: "loopDetect", 64: "namingViolation", 65: "objectClassViolation",
        66: "notAllowedOnNonLeaf", 67: "notAllowedOnRDN", 68: "entryAlreadyExists",
        69: "objectClassModsProhibited", 71: "affectsMultipleDSAs", 80: "other", 118: "canceled",
        119: "noSuchOperation", 120: "tooLate", 121: "cannotCancel", 122: "assertionFailed",
        123: "authorizationDenied", 4096: "syncRefreshRequired",
    ]

    /// The RFC name, e.g. `invalidCredentials`, or `unknown`.
    public var name: String { Self.names[rawValue] ?? "unknown" }

    public var description: String { "\(name) (\(rawValue))" }
}
