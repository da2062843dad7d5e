/// A secret read from a file or the environment: a bind password, the store's encryption key.
///
/// `description`, `debugDescription` and the reflection that `dump()` and string interpolation use all show
/// `<redacted>`, so a configuration can be printed, logged or dumped without leaking it.
public struct SecretValue: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let storage: [UInt8]

    /// A secret holding `bytes`.
    public init(_ bytes: [UInt8]) {
        self.storage = bytes
    }

    /// A secret holding the UTF-8 bytes of `string`.
    public init(_ string: String) {
        self.storage = Array(string.utf8)
    }

    /// The secret itself. Read it only to use it (for example to send a bind), never to show it.
    public var bytes: [UInt8] { storage }

    /// The secret as UTF-8 text, or nil when it is not valid UTF-8. Read it only to use it.
    public var utf8String: String? { String(validating: storage, as: UTF8.self) }

    /// How many bytes the secret has.
    public var count: Int { storage.count }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
