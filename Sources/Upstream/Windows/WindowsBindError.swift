import LDAPCore

/// Why a Windows bind ended without the directory's answer to it: the KDC refused the
/// password, no mechanism could be used, the name could not be mapped, or a GSS-API call
/// failed. (When the directory itself answers, success or not, the answer is returned, not
/// thrown.)
public struct WindowsBindError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The KDC says the password is wrong or the user does not exist.
        case invalidCredentials
        /// The KDC says the account cannot log on (disabled, locked out, expired, password expired).
        case accountRestricted
        /// No KDC for the realm answered and NTLM was not allowed.
        case kdcUnreachable
        /// The clocks of the proxy and the KDC are too far apart for Kerberos.
        case clockSkew
        /// The KDC has no service principal `ldap/HOST` for the directory server.
        case servicePrincipalUnknown
        /// The name is a DN with no resolver, resolves to nothing, or has no realm for Kerberos.
        case unmappableName
        /// The password is empty or contains a NUL character.
        case unusablePassword
        /// The GSS-API library lacks the mechanism (gss-ntlmssp not installed?).
        case mechanismUnavailable
        /// The connection is plain LDAP and the negotiated context cannot sign.
        case securityLayerUnavailable
        /// The directory answered out of protocol (e.g. saslBindInProgress after the context completed).
        case protocolViolation
        /// Any other GSS-API or Kerberos failure.
        case gssFailure
    }

    public let kind: Kind
    /// Which mechanism was being tried.
    public let mechanism: WindowsBindSettings.Mechanism?
    public let message: String

    init(_ kind: Kind, _ message: String, mechanism: WindowsBindSettings.Mechanism? = nil) {
        self.kind = kind
        self.message = message
        self.mechanism = mechanism
    }

    public var description: String { message }

    /// A short reason for `test` and logs: "no KDC", "clock skew", "SPN unknown", ...
    public var summary: String {
        switch kind {
        case .invalidCredentials: "wrong password or unknown user"
        case .accountRestricted: "account cannot log on"
        case .kdcUnreachable: "no KDC"
        case .clockSkew: "clock skew"
        case .servicePrincipalUnknown: "SPN unknown"
        case .unmappableName: "name cannot be mapped"
        case .unusablePassword: "unusable password"
        case .mechanismUnavailable: mechanism == .ntlm ? "NTLM refused or unavailable" : "mechanism unavailable"
        case .securityLayerUnavailable: "signing required but unavailable"
        case .protocolViolation: "protocol violation"
        case .gssFailure: mechanism == .ntlm ? "NTLM failed" : "GSS-API failure"
        }
    }

    /// What a client should hear: invalidCredentials (49) for a refused password or account,
    /// unavailable (52) when the directory could not be asked, other (80) for the rest.
    public var resultCode: ResultCode {
        switch kind {
        case .invalidCredentials, .accountRestricted, .unmappableName, .unusablePassword: .invalidCredentials
        case .kdcUnreachable: .unavailable
        case .clockSkew, .servicePrincipalUnknown, .mechanismUnavailable, .securityLayerUnavailable,
            .protocolViolation, .gssFailure:
            .other
        }
    }

    /// Whether the failure is about the user's credentials (count it as a failed logon) rather
    /// than the proxy's configuration or the directory's health.
    public var isCredentialFailure: Bool {
        switch kind {
        case .invalidCredentials, .accountRestricted, .unusablePassword: true
        default: false
        }
    }
}

extension WindowsBindError {
    static func kerberos(_ error: KerberosLoginError, principal: String) -> WindowsBindError {
        let kind: Kind =
            switch error.meaning {
            case .kdcUnreachable: .kdcUnreachable
            case .invalidCredentials: .invalidCredentials
            case .accountRestricted: .accountRestricted
            case .clockSkew: .clockSkew
            case .other: .gssFailure
            }
        return WindowsBindError(kind, "Kerberos login of \(principal) failed: \(error.message)", mechanism: .kerberos)
    }

    static func gss(_ status: GSSStatus, mechanism: WindowsBindSettings.Mechanism) -> WindowsBindError {
        let text = status.message.lowercased()
        let kind: Kind =
            if text.contains("server not found in kerberos database") {
                .servicePrincipalUnknown
            } else if text.contains("clock skew") {
                .clockSkew
            } else if text.contains("an unsupported mechanism was requested") || text.contains("bad mechanism") {
                .mechanismUnavailable
            } else if text.contains("cannot contact any kdc") || text.contains("cannot find kdc") {
                .kdcUnreachable
            } else {
                .gssFailure
            }
        return WindowsBindError(kind, "\(mechanism == .ntlm ? "NTLM" : "Kerberos"): \(status)", mechanism: mechanism)
    }
}
