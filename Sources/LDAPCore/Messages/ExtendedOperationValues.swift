import NIOCore

/// Password Modify request value (RFC 3062 §2):
/// `SEQUENCE { userIdentity [0] OPTIONAL, oldPasswd [1] OPTIONAL, newPasswd [2] OPTIONAL }`.
public struct PasswordModifyRequestValue: Hashable, Sendable {
    public var userIdentity: String?
    public var oldPassword: SensitiveBytes?
    public var newPassword: SensitiveBytes?

    public init(userIdentity: String? = nil, oldPassword: SensitiveBytes? = nil, newPassword: SensitiveBytes? = nil) {
        self.userIdentity = userIdentity
        self.oldPassword = oldPassword
        self.newPassword = newPassword
    }

    public init(decoding value: ByteBuffer) throws(LDAPDecodingError) {
        var reader = BERReader(value, maxDepth: 4)
        var sequence = try reader.readConstructed(.sequence, "PasswdModifyRequestValue")
        userIdentity = try sequence.readOptionalElement(.context(0), "PasswdModify.userIdentity").map {
            (bytes) throws(LDAPDecodingError) in try BERReader.utf8String(bytes, "PasswdModify.userIdentity")
        }
        oldPassword = try sequence.readOptionalElement(.context(1), "PasswdModify.oldPasswd").map(SensitiveBytes.init)
        newPassword = try sequence.readOptionalElement(.context(2), "PasswdModify.newPasswd").map(SensitiveBytes.init)
        try sequence.finish("PasswdModifyRequestValue")
        try reader.finish("PasswdModifyRequestValue")
    }

    public func encoded() -> ByteBuffer {
        var writer = BERWriter()
        writer.writeConstructed(.sequence) { w in
            if let userIdentity { w.writeString(userIdentity, tag: .context(0)) }
            if let oldPassword { w.writeOctetString(oldPassword.bytes, tag: .context(1)) }
            if let newPassword { w.writeOctetString(newPassword.bytes, tag: .context(2)) }
        }
        return writer.buffer
    }
}

/// Password Modify response value (RFC 3062 §2): `SEQUENCE { genPasswd [0] OPTIONAL }`.
public struct PasswordModifyResponseValue: Hashable, Sendable {
    public var generatedPassword: SensitiveBytes?

    public init(generatedPassword: SensitiveBytes?) { self.generatedPassword = generatedPassword }

    public init(decoding value: ByteBuffer) throws(LDAPDecodingError) {
        var reader = BERReader(value, maxDepth: 4)
        var sequence = try reader.readConstructed(.sequence, "PasswdModifyResponseValue")
        generatedPassword = try sequence.readOptionalElement(.context(0), "PasswdModify.genPasswd").map(
            SensitiveBytes.init)
        try sequence.finish("PasswdModifyResponseValue")
        try reader.finish("PasswdModifyResponseValue")
    }

    public func encoded() -> ByteBuffer {
        var writer = BERWriter()
        writer.writeConstructed(.sequence) { w in
            if let generatedPassword { w.writeOctetString(generatedPassword.bytes, tag: .context(0)) }
        }
        return writer.buffer
    }
}

extension ExtendedRequest {
    /// A StartTLS request (RFC 4511 §4.14.1): no value.
    public static var startTLS: ExtendedRequest { ExtendedRequest(requestName: startTLSOID) }
    /// A Who am I? request (RFC 4532 §2): no value.
    public static var whoAmI: ExtendedRequest { ExtendedRequest(requestName: whoAmIOID) }
}

extension ExtendedResponse {
    /// The authzId of a Who am I? response (RFC 4532 §2.2), e.g. `dn:uid=alice,...`; empty
    /// for anonymous.
    public var whoAmIAuthorizationID: String? {
        guard let value = responseValue?.bytes else { return result.resultCode == .success ? "" : nil }
        return value.getString(at: value.readerIndex, length: value.readableBytes)
    }
}
