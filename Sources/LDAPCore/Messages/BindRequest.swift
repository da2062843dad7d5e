import NIOCore

/// `BindRequest ::= [APPLICATION 0]` (RFC 4511 §4.2).
///
/// The credentials are `SensitiveBytes`, so printing or dumping a request never shows them.
public struct BindRequest: Hashable, Sendable {
    /// Protocol version, 1...127; this proxy speaks version 3 only (RFC 4511 §4.2.1).
    public var version: Int
    public var name: String
    public var authentication: Authentication

    /// `AuthenticationChoice` (RFC 4511 §4.2).
    public enum Authentication: Hashable, Sendable {
        /// `simple [0] OCTET STRING`; an empty password is an anonymous or unauthenticated bind
        /// (RFC 4513 §5.1).
        case simple(SensitiveBytes)
        /// `sasl [3] SaslCredentials`.
        case sasl(mechanism: String, credentials: SensitiveBytes?)
    }

    public init(version: Int = 3, name: String, authentication: Authentication) {
        self.version = version
        self.name = name
        self.authentication = authentication
    }

    static let tag = BERTag.applicationConstructed(0)

    public init(from reader: inout BERReader) throws(LDAPDecodingError) {
        var sequence = try reader.readConstructed(Self.tag, "BindRequest")
        version = Int(try sequence.readInteger(in: 1...127, "BindRequest.version"))
        name = try sequence.readString("BindRequest.name")
        switch sequence.nextTag {
        case 0x80:
            authentication = .simple(SensitiveBytes(try sequence.readOctetString(.context(0), "BindRequest.simple")))
        case 0xA3:
            var sasl = try sequence.readConstructed(.contextConstructed(3), "SaslCredentials")
            let mechanism = try sasl.readString("SaslCredentials.mechanism")
            let credentials = try sasl.readOptionalElement(.octetString, "SaslCredentials.credentials")
            try sasl.finish("SaslCredentials")
            authentication = .sasl(mechanism: mechanism, credentials: credentials.map(SensitiveBytes.init))
        case let tag?:
            throw .unexpectedTag(expected: .context(0), found: tag, in: "BindRequest.authentication")
        case nil:
            throw .truncated("BindRequest.authentication")
        }
        try sequence.finish("BindRequest")
    }

    public func write(to writer: inout BERWriter) {
        writer.writeConstructed(Self.tag) { w in
            w.writeInteger(Int64(version))
            w.writeString(name)
            switch authentication {
            case .simple(let password):
                w.writeOctetString(password.bytes, tag: .context(0))
            case .sasl(let mechanism, let credentials):
                w.writeConstructed(.contextConstructed(3)) { s in
                    s.writeString(mechanism)
                    if let credentials { s.writeOctetString(credentials.bytes) }
                }
            }
        }
    }
}

/// `BindResponse ::= [APPLICATION 1]` (RFC 4511 §4.2.2).
public struct BindResponse: Hashable, Sendable {
    public var result: LDAPResult
    /// `serverSaslCreds [7] OCTET STRING OPTIONAL`: part of a SASL exchange, kept secret too.
    public var serverSaslCreds: SensitiveBytes?

    public init(result: LDAPResult, serverSaslCreds: SensitiveBytes? = nil) {
        self.result = result
        self.serverSaslCreds = serverSaslCreds
    }

    static let tag = BERTag.applicationConstructed(1)

    public init(from reader: inout BERReader) throws(LDAPDecodingError) {
        var sequence = try reader.readConstructed(Self.tag, "BindResponse")
        result = try LDAPResult(components: &sequence)
        serverSaslCreds = try sequence.readOptionalElement(.context(7), "BindResponse.serverSaslCreds").map(
            SensitiveBytes.init)
        try sequence.finish("BindResponse")
    }

    public func write(to writer: inout BERWriter) {
        writer.writeConstructed(Self.tag) { w in
            result.writeComponents(to: &w)
            if let serverSaslCreds { w.writeOctetString(serverSaslCreds.bytes, tag: .context(7)) }
        }
    }
}
