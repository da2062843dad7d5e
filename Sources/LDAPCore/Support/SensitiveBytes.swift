import NIOCore

/// Bytes that must never be shown: a simple-bind password, SASL credentials, an OTP.
///
/// `description`, `debugDescription` and the reflection `dump()` uses all print `<redacted>`, so a
/// message that holds one can be logged or dumped without leaking it (issue: credentials never
/// appear in description, debug description or dumps).
public struct SensitiveBytes: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret itself. Read it only to use it.
    public var bytes: ByteBuffer

    public init(_ bytes: ByteBuffer) { self.bytes = bytes }
    public init(_ string: String) { self.bytes = ByteBuffer(string: string) }

    public var isEmpty: Bool { bytes.readableBytes == 0 }
    public var count: Int { bytes.readableBytes }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
