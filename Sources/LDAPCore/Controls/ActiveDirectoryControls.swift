import NIOCore

/// Active Directory DirSync request (MS-ADTS §3.1.1.3.4.1.3, OID 1.2.840.113556.1.4.841):
/// `SEQUENCE { Flags INTEGER, MaxBytes INTEGER, Cookie OCTET STRING }`.
public struct DirSyncRequestControl: TypedControl {
    public static let oid = "1.2.840.113556.1.4.841"
    /// e.g. LDAP_DIRSYNC_OBJECT_SECURITY (0x1), LDAP_DIRSYNC_ANCESTORS_FIRST_ORDER (0x800),
    /// LDAP_DIRSYNC_INCREMENTAL_VALUES (0x80000000, sent as a negative 32-bit INTEGER).
    public var flags: Int32
    public var maxBytes: Int32
    public var cookie: ByteBuffer

    public init(flags: Int32 = 0, maxBytes: Int32 = 0, cookie: ByteBuffer = ByteBuffer()) {
        self.flags = flags
        self.maxBytes = maxBytes
        self.cookie = cookie
    }

    public init(control: LDAPControl) throws(LDAPDecodingError) {
        var value = try Self.valueReader(control)
        var sequence = try value.readConstructed(.sequence, "DirSync request")
        flags = try Self.readInt32(&sequence, "DirSync.Flags")
        maxBytes = try Self.readInt32(&sequence, "DirSync.MaxBytes")
        cookie = try sequence.readOctetString("DirSync.Cookie")
        try sequence.finish("DirSync request")
        try value.finish("DirSync request value")
    }

    /// Flags travel as a 32-bit quantity: accept 0x80000000 written as positive or negative.
    static func readInt32(_ reader: inout BERReader, _ what: String) throws(LDAPDecodingError) -> Int32 {
        let raw = try reader.readInteger(in: Int64(Int32.min)...Int64(UInt32.max), what)
        return Int32(truncatingIfNeeded: raw)
    }

    public func control(criticality: Bool = true) -> LDAPControl {
        LDAPControl(
            oid: Self.oid, criticality: criticality,
            value: Self.encode { w in
                w.writeConstructed(.sequence) { s in
                    s.writeInteger(Int64(flags))
                    s.writeInteger(Int64(maxBytes))
                    s.writeOctetString(cookie)
                }
            })
    }
}

/// Active Directory DirSync response (MS-ADTS §3.1.1.3.4.1.3):
/// `SEQUENCE { MoreResults INTEGER, unused INTEGER, CookieServer OCTET STRING }`.
public struct DirSyncResponseControl: TypedControl {
    public static let oid = DirSyncRequestControl.oid
    /// Non-zero when more changes are waiting.
    public var moreResults: Bool
    public var unused: Int32
    public var cookie: ByteBuffer

    public init(moreResults: Bool, unused: Int32 = 0, cookie: ByteBuffer) {
        self.moreResults = moreResults
        self.unused = unused
        self.cookie = cookie
    }

    public init(control: LDAPControl) throws(LDAPDecodingError) {
        var value = try Self.valueReader(control)
        var sequence = try value.readConstructed(.sequence, "DirSync response")
        moreResults = try DirSyncRequestControl.readInt32(&sequence, "DirSync.MoreResults") != 0
        unused = try DirSyncRequestControl.readInt32(&sequence, "DirSync.unused")
        cookie = try sequence.readOctetString("DirSync.CookieServer")
        try sequence.finish("DirSync response")
        try value.finish("DirSync response value")
    }

    public func control(criticality: Bool = false) -> LDAPControl {
        LDAPControl(
            oid: Self.oid, criticality: criticality,
            value: Self.encode { w in
                w.writeConstructed(.sequence) { s in
                    s.writeInteger(moreResults ? 1 : 0)
                    s.writeInteger(Int64(unused))
                    s.writeOctetString(cookie)
                }
            })
    }
}

/// Attribute Scoped Query request (MS-ADTS §3.1.1.3.4.1.19, OID 1.2.840.113556.1.4.1504):
/// `SEQUENCE { sourceAttribute OCTET STRING }`: the search runs over the DNs held in that
/// attribute of the base object (e.g. a group's `member`).
public struct AttributeScopedQueryControl: TypedControl {
    public static let oid = "1.2.840.113556.1.4.1504"
    public var sourceAttribute: String

    public init(sourceAttribute: String) { self.sourceAttribute = sourceAttribute }

    public init(control: LDAPControl) throws(LDAPDecodingError) {
        var value = try Self.valueReader(control)
        var sequence = try value.readConstructed(.sequence, "ASQ request")
        sourceAttribute = try sequence.readString("ASQ.sourceAttribute")
        try sequence.finish("ASQ request")
        try value.finish("ASQ request value")
    }

    public func control(criticality: Bool = true) -> LDAPControl {
        LDAPControl(
            oid: Self.oid, criticality: criticality,
            value: Self.encode { w in
                w.writeConstructed(.sequence) { s in s.writeString(sourceAttribute) }
            })
    }
}

/// Attribute Scoped Query response: `SEQUENCE { searchResult ENUMERATED }` (an LDAP result code).
public struct AttributeScopedQueryResponseControl: TypedControl {
    public static let oid = AttributeScopedQueryControl.oid
    public var searchResult: ResultCode

    public init(searchResult: ResultCode) { self.searchResult = searchResult }

    public init(control: LDAPControl) throws(LDAPDecodingError) {
        var value = try Self.valueReader(control)
        var sequence = try value.readConstructed(.sequence, "ASQ response")
        searchResult = ResultCode(rawValue: try sequence.readEnumerated("ASQ.searchResult"))
        try sequence.finish("ASQ response")
        try value.finish("ASQ response value")
    }

    public func control(criticality: Bool = false) -> LDAPControl {
        LDAPControl(
            oid: Self.oid, criticality: criticality,
            value: Self.encode { w in
                w.writeConstructed(.sequence) { s in s.writeEnumerated(searchResult.rawValue) }
            })
    }
}
