import NIOCore

/// `ExtendedRequest ::= [APPLICATION 23]` (RFC 4511 §4.12).
///
/// The value is `SensitiveBytes` because some extended operations carry passwords (Password
/// Modify, RFC 3062).
public struct ExtendedRequest: Hashable, Sendable {
    public var requestName: String
    public var requestValue: SensitiveBytes?

    public init(requestName: String, requestValue: ByteBuffer? = nil) {
        self.requestName = requestName
        self.requestValue = requestValue.map(SensitiveBytes.init)
    }

    /// StartTLS (RFC 4511 §4.14.1).
    public static let startTLSOID = "1.3.6.1.4.1.1466.20037"
    /// Who am I? (RFC 4532).
    public static let whoAmIOID = "1.3.6.1.4.1.4203.1.11.3"
    /// Password Modify (RFC 3062).
    public static let passwordModifyOID = "1.3.6.1.4.1.4203.1.11.1"
    /// Cancel (RFC 3909).
    public static let cancelOID = "1.3.6.1.1.8"

    static let tag = BERTag.applicationConstructed(23)

    public init(from reader: inout BERReader) throws(LDAPDecodingError) {
        var sequence = try reader.readConstructed(Self.tag, "ExtendedRequest")
        requestName = try sequence.readString(.context(0), "ExtendedRequest.requestName")
        requestValue = try sequence.readOptionalElement(.context(1), "ExtendedRequest.requestValue").map(
            SensitiveBytes.init)
        try sequence.finish("ExtendedRequest")
    }

    public func write(to writer: inout BERWriter) {
        writer.writeConstructed(Self.tag) { w in
            w.writeString(requestName, tag: .context(0))
            if let requestValue { w.writeOctetString(requestValue.bytes, tag: .context(1)) }
        }
    }
}

/// `ExtendedResponse ::= [APPLICATION 24]` (RFC 4511 §4.12).
public struct ExtendedResponse: Hashable, Sendable {
    public var result: LDAPResult
    public var responseName: String?
    /// Kept secret: Password Modify returns a generated password here (RFC 3062 §2).
    public var responseValue: SensitiveBytes?

    public init(result: LDAPResult, responseName: String? = nil, responseValue: ByteBuffer? = nil) {
        self.result = result
        self.responseName = responseName
        self.responseValue = responseValue.map(SensitiveBytes.init)
    }

    /// The unsolicited Notice of Disconnection (RFC 4511 §4.4.1).
    public static let noticeOfDisconnectionOID = "1.3.6.1.4.1.1466.20036"

    static let tag = BERTag.applicationConstructed(24)

    public init(from reader: inout BERReader) throws(LDAPDecodingError) {
        var sequence = try reader.readConstructed(Self.tag, "ExtendedResponse")
        result = try LDAPResult(components: &sequence)
        responseName = try sequence.readOptionalElement(.context(10), "ExtendedResponse.responseName").map {
            (bytes) throws(LDAPDecodingError) in try BERReader.utf8String(bytes, "ExtendedResponse.responseName")
        }
        responseValue = try sequence.readOptionalElement(.context(11), "ExtendedResponse.responseValue").map(
            SensitiveBytes.init)
        try sequence.finish("ExtendedResponse")
    }

    public func write(to writer: inout BERWriter) {
        writer.writeConstructed(Self.tag) { w in
            result.writeComponents(to: &w)
            if let responseName { w.writeString(responseName, tag: .context(10)) }
            if let responseValue { w.writeOctetString(responseValue.bytes, tag: .context(11)) }
        }
    }
}

/// `IntermediateResponse ::= [APPLICATION 25]` (RFC 4511 §4.13).
public struct IntermediateResponse: Hashable, Sendable {
    public var responseName: String?
    public var responseValue: ByteBuffer?

    public init(responseName: String? = nil, responseValue: ByteBuffer? = nil) {
        self.responseName = responseName
        self.responseValue = responseValue
    }

    static let tag = BERTag.applicationConstructed(25)

    public init(from reader: inout BERReader) throws(LDAPDecodingError) {
        var sequence = try reader.readConstructed(Self.tag, "IntermediateResponse")
        responseName = try sequence.readOptionalElement(.context(0), "IntermediateResponse.responseName").map {
            (bytes) throws(LDAPDecodingError) in try BERReader.utf8String(bytes, "IntermediateResponse.responseName")
        }
        responseValue = try sequence.readOptionalElement(.context(1), "IntermediateResponse.responseValue")
        try sequence.finish("IntermediateResponse")
    }

    public func write(to writer: inout BERWriter) {
        writer.writeConstructed(Self.tag) { w in
            if let responseName { w.writeString(responseName, tag: .context(0)) }
            if let responseValue { w.writeOctetString(responseValue, tag: .context(1)) }
        }
    }
}
