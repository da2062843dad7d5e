import LDAPCore

/// The directory's answer to a Windows bind.
public struct WindowsBindResult: Sendable {
    /// What protects the connection after the bind.
    public enum SecurityLayer: Sendable, Hashable {
        /// Nothing from SASL: the connection has TLS, or the bind did not succeed.
        case none
        /// Every PDU is signed (`gss_wrap` without confidentiality).
        case integrity
        /// Every PDU is signed and sealed.
        case confidentiality
    }

    /// The final BindResponse message (controls included): success, or the directory's refusal
    /// (e.g. invalidCredentials with Active Directory's `data 52e` diagnostic).
    public var response: LDAPMessage
    /// The mechanism SPNEGO carried: `.kerberos` or `.ntlm`.
    public var mechanism: WindowsBindSettings.Mechanism
    public var securityLayer: SecurityLayer

    /// The BindResponse's result code.
    public var resultCode: ResultCode {
        if case .bindResponse(let response) = response.protocolOp { return response.result.resultCode }
        return .protocolError
    }
}
