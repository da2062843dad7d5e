/// One second-factor check: who bound, from where, and the one-time code they typed.
///
/// The code and the directory password are redacted from `description`, `debugDescription` and `dump()`,
/// so a request can be logged or dumped without leaking them.
public struct FactorRequest: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The user's name as resolved from the directory entry (e.g. `sAMAccountName` or `uid`).
    public var username: String
    /// The DN the client bound as.
    public var dn: String
    /// The one-time code the user typed. Read it only to check it.
    public var code: String
    /// The client's address, for audit and for providers that pass it on.
    public var clientAddress: String?
    /// The directory password the client bound with (the part before the code), already accepted by the
    /// directory. Only providers that must check it again read it (RADIUS `send: password_and_code`); `nil`
    /// when the caller did not pass it on.
    public var password: [UInt8]?

    public init(
        username: String, dn: String, code: String, clientAddress: String? = nil, password: [UInt8]? = nil
    ) {
        self.username = username
        self.dn = dn
        self.code = code
        self.clientAddress = clientAddress
        self.password = password
    }

    public var description: String {
        "FactorRequest(username: \(username), dn: \(dn), code: <redacted>, clientAddress: \(clientAddress ?? "-")"
            + ", password: \(password == nil ? "-" : "<redacted>"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "username": username, "dn": dn, "code": "<redacted>", "clientAddress": clientAddress as Any,
                "password": password == nil ? "-" : "<redacted>",
            ],
            displayStyle: .struct)
    }
}
