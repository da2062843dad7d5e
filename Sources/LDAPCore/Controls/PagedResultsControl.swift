import NIOCore

/// Simple Paged Results (RFC 2696, OID 1.2.840.113556.1.4.319):
/// `realSearchControlValue ::= SEQUENCE { size INTEGER (0..maxInt), cookie OCTET STRING }`.
/// In a request `size` is the page size; in a response it is the server's estimate of the total.
public struct PagedResultsControl: TypedControl {
    public static let oid = "1.2.840.113556.1.4.319"
    public var size: Int
    public var cookie: ByteBuffer

    public init(size: Int, cookie: ByteBuffer = ByteBuffer()) {
        self.size = size
        self.cookie = cookie
    }

    public init(control: LDAPControl) throws(LDAPDecodingError) {
        var value = try Self.valueReader(control)
        var sequence = try value.readConstructed(.sequence, "PagedResults")
        size = Int(try sequence.readInteger(in: 0...Int64(Int32.max), "PagedResults.size"))
        cookie = try sequence.readOctetString("PagedResults.cookie")
        try sequence.finish("PagedResults")
        try value.finish("PagedResults control value")
    }

    public func control(criticality: Bool = false) -> LDAPControl {
        LDAPControl(
            oid: Self.oid, criticality: criticality,
            value: Self.encode { w in
                w.writeConstructed(.sequence) { s in
                    s.writeInteger(Int64(size))
                    s.writeOctetString(cookie)
                }
            })
    }
}

/// ManageDsaIT (RFC 3296, OID 2.16.840.1.113730.3.4.2): no value.
public struct ManageDsaITControl: TypedControl {
    public static let oid = "2.16.840.1.113730.3.4.2"
    public init() {}

    public init(control: LDAPControl) throws(LDAPDecodingError) {
        guard control.oid == Self.oid else { throw .invalidValue("control \(control.oid) is not \(Self.oid)") }
        guard control.value == nil else { throw .invalidValue("ManageDsaIT: controlValue must be absent") }
    }

    public func control(criticality: Bool = false) -> LDAPControl {
        LDAPControl(oid: Self.oid, criticality: criticality)
    }
}

/// Proxied Authorization v2 (RFC 4370, OID 2.16.840.1.113730.3.4.18): the value is the authzId
/// itself (RFC 4513 §5.2.1.8: `dn:...`, `u:...`, or empty for anonymous), not a BER element, and
/// the control must be critical.
public struct ProxiedAuthorizationControl: TypedControl {
    public static let oid = "2.16.840.1.113730.3.4.18"
    public var authorizationID: String

    public init(authorizationID: String) { self.authorizationID = authorizationID }

    public init(control: LDAPControl) throws(LDAPDecodingError) {
        guard control.oid == Self.oid else { throw .invalidValue("control \(control.oid) is not \(Self.oid)") }
        guard control.criticality else { throw .invalidValue("ProxiedAuthorization: criticality must be TRUE") }
        guard let value = control.value else { throw .invalidValue("ProxiedAuthorization: controlValue is missing") }
        authorizationID = try BERReader.utf8String(value, "ProxiedAuthorization.authzId")
    }

    public func control(criticality: Bool = true) -> LDAPControl {
        LDAPControl(oid: Self.oid, criticality: criticality, value: ByteBuffer(string: authorizationID))
    }
}
