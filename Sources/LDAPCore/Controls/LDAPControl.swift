import NIOCore

/// `Control ::= SEQUENCE { controlType LDAPOID, criticality BOOLEAN DEFAULT FALSE,
/// controlValue OCTET STRING OPTIONAL }` (RFC 4511 §4.1.11).
///
/// Every control, known or not, is kept as its OID, criticality and raw value bytes, so a
/// control this proxy does not understand is relayed exactly as it came (a proxy must not drop
/// what it does not know). Typed views (`PagedResultsControl`, `DirSyncControl`, ...) are built
/// from and turned into this type.
public struct LDAPControl: Hashable, Sendable {
    public var oid: String
    public var criticality: Bool
    /// The controlValue octets, untouched; `nil` when absent.
    public var value: ByteBuffer?
    /// Whether the sender spelled out `criticality FALSE` although it is the DEFAULT; kept so
    /// that re-encoding reproduces the original bytes.
    public var encodesDefaultCriticality: Bool

    public init(oid: String, criticality: Bool = false, value: ByteBuffer? = nil) {
        self.oid = oid
        self.criticality = criticality
        self.value = value
        self.encodesDefaultCriticality = false
    }

    public init(from reader: inout BERReader) throws(LDAPDecodingError) {
        var sequence = try reader.readConstructed(.sequence, "Control")
        oid = try sequence.readString("Control.controlType")
        if sequence.nextTag == BERTag.boolean.rawValue {
            criticality = try sequence.readBoolean("Control.criticality")
            encodesDefaultCriticality = !criticality
        } else {
            criticality = false
            encodesDefaultCriticality = false
        }
        value = try sequence.readOptionalElement(.octetString, "Control.controlValue")
        try sequence.finish("Control")
    }

    public func write(to writer: inout BERWriter) {
        writer.writeConstructed(.sequence) { w in
            w.writeString(oid)
            if criticality || encodesDefaultCriticality { w.writeBoolean(criticality) }
            if let value { w.writeOctetString(value) }
        }
    }
}

/// A control with a typed value that converts to and from `LDAPControl`.
public protocol TypedControl: Hashable, Sendable {
    static var oid: String { get }
    /// Parses the control's value; throws when it is malformed.
    init(control: LDAPControl) throws(LDAPDecodingError)
    func control(criticality: Bool) -> LDAPControl
}

extension TypedControl {
    /// A reader over the control's value, which must be present.
    static func valueReader(_ control: LDAPControl) throws(LDAPDecodingError) -> BERReader {
        guard control.oid == oid else { throw .invalidValue("control \(control.oid) is not \(oid)") }
        guard let value = control.value else { throw .invalidValue("control \(oid): controlValue is missing") }
        return BERReader(value, maxDepth: 4)
    }

    static func encode(_ body: (inout BERWriter) -> Void) -> ByteBuffer {
        var writer = BERWriter()
        body(&writer)
        return writer.buffer
    }
}
