import NIOCore

/// `LDAPResult` (RFC 4511 §4.1.9): the common part of every response.
public struct LDAPResult: Hashable, Sendable {
    public var resultCode: ResultCode
    public var matchedDN: String
    public var diagnosticMessage: String
    /// `referral [3] Referral OPTIONAL` (RFC 4511 §4.1.10): LDAP URIs; `nil` when absent.
    public var referral: [String]?

    public init(
        resultCode: ResultCode, matchedDN: String = "", diagnosticMessage: String = "", referral: [String]? = nil
    ) {
        self.resultCode = resultCode
        self.matchedDN = matchedDN
        self.diagnosticMessage = diagnosticMessage
        self.referral = referral
    }

    /// Reads the components of an LDAPResult from the reader of the enclosing response.
    init(components reader: inout BERReader) throws(LDAPDecodingError) {
        resultCode = ResultCode(rawValue: try reader.readEnumerated("LDAPResult.resultCode"))
        matchedDN = try reader.readString("LDAPResult.matchedDN")
        diagnosticMessage = try reader.readString("LDAPResult.diagnosticMessage")
        if reader.nextTag == 0xA3 {
            var uris = try reader.readConstructed(.contextConstructed(3), "LDAPResult.referral")
            var list: [String] = []
            while !uris.isAtEnd { list.append(try uris.readString("LDAPResult.referral URI")) }
            guard !list.isEmpty else { throw .invalidValue("LDAPResult.referral: SIZE (1..MAX) but empty") }
            referral = list
        } else {
            referral = nil
        }
    }

    /// Reads a response that is exactly an LDAPResult under `tag`.
    init(from reader: inout BERReader, tag: BERTag, _ what: String) throws(LDAPDecodingError) {
        var sequence = try reader.readConstructed(tag, what)
        try self.init(components: &sequence)
        try sequence.finish(what)
    }

    func writeComponents(to writer: inout BERWriter) {
        writer.writeEnumerated(resultCode.rawValue)
        writer.writeString(matchedDN)
        writer.writeString(diagnosticMessage)
        if let referral {
            writer.writeConstructed(.contextConstructed(3)) { w in
                for uri in referral { w.writeString(uri) }
            }
        }
    }

    func write(to writer: inout BERWriter, tag: BERTag) {
        writer.writeConstructed(tag) { w in writeComponents(to: &w) }
    }
}
