import CGSSAPI

/// A user's Kerberos ticket-granting ticket, obtained with their password (an AS exchange,
/// RFC 4120 §3.1) into a credential cache of its own: `MEMORY:` with a unique name, private to
/// this process and destroyed with this object. Nothing process-global (no KRB5CCNAME, no
/// keytab) is read or written.
///
/// The exchange goes through libkrb5 rather than `gss_acquire_cred_with_password` so that the
/// KDC's answer keeps its exact error code: a wrong password must stop the bind (an NTLM retry
/// would count a second bad password against the account's lockout threshold), while an
/// unreachable KDC lets `negotiate` fall back to NTLM.
final class KerberosLogin: @unchecked Sendable {
    private let context: krb5_context
    private let ccache: krb5_ccache
    /// `MEMORY:...`, for the `ccache` key of a GSS credential store.
    let cacheName: String
    /// The client principal the KDC answered for (canonical, e.g. `alice@EXAMPLE.TEST`).
    let principal: String

    /// Blocks: DNS and the KDC. `enterprise` sends the name as an enterprise principal
    /// (RFC 6806 §5: `alice@example.com@REALM`, for a user principal name) with name
    /// canonicalization.
    init(user: String, realm: String, enterprise: Bool, password: [CChar]) throws(KerberosLoginError) {
        var context: krb5_context?
        var code = krb5_init_context(&context)
        guard code == 0, let context else {
            throw KerberosLoginError(code: code, message: "cannot initialise the Kerberos library")
        }
        var principal: krb5_principal?
        var ccache: krb5_ccache?
        var options: UnsafeMutablePointer<krb5_get_init_creds_opt>?
        var succeeded = false
        defer {
            if let options { krb5_get_init_creds_opt_free(context, options) }
            if let principal { krb5_free_principal(context, principal) }
            if !succeeded {
                if let ccache { krb5_cc_destroy(context, ccache) }
                krb5_free_context(context)
            }
        }
        func fail(_ code: krb5_error_code) -> KerberosLoginError {
            KerberosLoginError(code: code, message: Self.message(context, code))
        }

        let flags = enterprise ? KRB5_PRINCIPAL_PARSE_ENTERPRISE | KRB5_PRINCIPAL_PARSE_NO_REALM : 0
        let name = enterprise ? user : "\(Self.escape(user))@\(realm)"
        code = krb5_parse_name_flags(context, name, Int32(flags), &principal)
        if code != 0 { throw fail(code) }
        if enterprise {
            code = krb5_set_principal_realm(context, principal, realm)
            if code != 0 { throw fail(code) }
        }
        code = krb5_cc_new_unique(context, "MEMORY", nil, &ccache)
        if code != 0 { throw fail(code) }
        code = krb5_get_init_creds_opt_alloc(context, &options)
        if code != 0 { throw fail(code) }
        krb5_get_init_creds_opt_set_canonicalize(options, 1)
        krb5_get_init_creds_opt_set_forwardable(options, 0)
        krb5_get_init_creds_opt_set_proxiable(options, 0)
        code = krb5_get_init_creds_opt_set_out_ccache(context, options, ccache)
        if code != 0 { throw fail(code) }

        var creds = krb5_creds()
        code = password.withUnsafeBufferPointer { pointer in
            krb5_get_init_creds_password(context, &creds, principal, pointer.baseAddress, nil, nil, 0, nil, options)
        }
        if code != 0 { throw fail(code) }
        var canonical: UnsafeMutablePointer<CChar>?
        if krb5_unparse_name(context, creds.client, &canonical) == 0, let canonical {
            self.principal = String(cString: canonical)
            krb5_free_unparsed_name(context, canonical)
        } else {
            self.principal = name
        }
        krb5_free_cred_contents(context, &creds)

        var fullName: UnsafeMutablePointer<CChar>?
        code = krb5_cc_get_full_name(context, ccache, &fullName)
        if code != 0 { throw fail(code) }
        self.cacheName = String(cString: fullName!)
        krb5_free_string(context, fullName)

        self.context = context
        self.ccache = ccache!
        succeeded = true
    }

    deinit {
        krb5_cc_destroy(context, ccache)
        krb5_free_context(context)
    }

    /// `\`, `@` and `/` are special in a Kerberos principal name (RFC 1964 §2.1.1).
    private static func escape(_ user: String) -> String {
        var escaped = ""
        for character in user {
            if character == "\\" || character == "@" || character == "/" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    private static func message(_ context: krb5_context, _ code: krb5_error_code) -> String {
        guard let text = krb5_get_error_message(context, code) else { return "Kerberos error \(code)" }
        defer { krb5_free_error_message(context, text) }
        return String(cString: text)
    }
}

/// Why the KDC gave no ticket.
struct KerberosLoginError: Error, Sendable, CustomStringConvertible {
    let code: krb5_error_code
    let message: String

    var description: String { message }

    enum Meaning: Sendable {
        /// No KDC for the realm could be found or reached: NTLM may still work.
        case kdcUnreachable
        /// Wrong password or unknown user.
        case invalidCredentials
        /// The account cannot log on: disabled, locked out, expired, or its password expired.
        case accountRestricted
        /// The clocks of the proxy and the KDC differ by more than the allowed skew.
        case clockSkew
        case other
    }

    var meaning: Meaning {
        switch Int(code) {
        case Int(KRB5_KDC_UNREACH), Int(KRB5_REALM_UNKNOWN), Int(KRB5_REALM_CANT_RESOLVE):
            .kdcUnreachable
        case Int(KRB5KDC_ERR_PREAUTH_FAILED), Int(KRB5KRB_AP_ERR_BAD_INTEGRITY), Int(KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN):
            .invalidCredentials
        case Int(KRB5KDC_ERR_CLIENT_REVOKED), Int(KRB5KDC_ERR_KEY_EXP), Int(KRB5KDC_ERR_POLICY):
            .accountRestricted
        case Int(KRB5KRB_AP_ERR_SKEW): .clockSkew
        default: .other
        }
    }
}
