/// One second-factor check: who bound, from where, and the one-time code they typed.
///
/// The code is redacted from `description`, `debugDescription` and `dump()`, so a request can be logged
/// or dumped without leaking it.
public struct FactorRequest: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The user's name as resolved from the directory entry (e.g. `sAMAccountName` or `uid`).
    public var username: String
    /// The DN the client bound as.
    public var dn: String
    /// The one-time code the user typed. Read it only to check it.
    public var code: String
    /// The client's address, for audit and for providers that pass it on.
    public var clientAddress: String?

    public init(username: String, dn: String, code: String, clientAddress: String? = nil) {
        self.username = username
        self.dn = dn
        self.code = code
        self.clientAddress = clientAddress
    }

    public var description: String {
        "FactorRequest(username: \(username), dn: \(dn), code: <redacted>, clientAddress: \(clientAddress ?? "-"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: ["username": username, "dn": dn, "code": "<redacted>", "clientAddress": clientAddress as Any],
            displayStyle: .struct)
    }
}
