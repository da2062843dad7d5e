import CGSSAPI

/// One bind's credential for the mechanism the proxy decided to use: an SPNEGO credential
/// limited to Kerberos with `gss_set_neg_mechs`, or an NTLMSSP credential.
struct NegotiateCredential: @unchecked Sendable {
    let credential: GSSCredential
    let mechanism: WindowsBindSettings.Mechanism
    /// What `gss_init_sec_context` runs: SPNEGO for Kerberos, NTLMSSP itself for NTLM.
    let contextMechanism: gss_OID
    /// Keeps the Kerberos ticket cache alive as long as the credential that reads it.
    let login: KerberosLogin?

    /// SPNEGO over Kerberos, from the ticket-granting ticket of `login`. Blocks.
    static func kerberos(_ login: KerberosLogin, overTLS: Bool) throws(GSSStatus) -> NegotiateCredential {
        let credential = try acquire(
            name: nil, mechanism: cgss_mech_spnego(),
            store: [("ccache", Array(login.cacheName.utf8CString.dropLast()))],
            call: "Kerberos")
        try limit(credential, to: cgss_mech_krb5())
        if overTLS { try suppressSecurityLayer(credential) }
        return NegotiateCredential(
            credential: credential, mechanism: .kerberos, contextMechanism: cgss_mech_spnego(), login: login)
    }

    /// SPNEGO over Kerberos with the proxy's own credentials. Blocks (may ask the KDC for a
    /// ticket-granting ticket from a keytab).
    static func service(_ source: WindowsServiceCredentials, overTLS: Bool) throws(GSSStatus) -> NegotiateCredential {
        let credential: GSSCredential
        switch source {
        case .processDefault:
            credential = try acquire(name: nil, mechanism: cgss_mech_spnego(), store: nil, call: "default credentials")
        case .credentialCache(let cache):
            credential = try acquire(
                name: nil, mechanism: cgss_mech_spnego(), store: [("ccache", Array(cache.utf8CString.dropLast()))],
                call: "credential cache \(cache)")
        case .clientKeytab(let path, let principal):
            let name = try GSSName(principal, type: cgss_nt_krb5_principal_name())
            // Tickets from the keytab go to a memory cache of this process, one per principal,
            // reused by later binds until they expire; never to the default (file) cache.
            let keytab = path.hasPrefix("FILE:") || path.hasPrefix("MEMORY:") ? path : "FILE:\(path)"
            credential = try acquire(
                name: name, mechanism: cgss_mech_spnego(),
                store: [
                    ("client_keytab", Array(keytab.utf8CString.dropLast())),
                    ("ccache", Array("MEMORY:ldap-mfa-proxy-keytab-\(principal)".utf8CString.dropLast())),
                ], call: "client keytab \(path)")
        }
        try limit(credential, to: cgss_mech_krb5())
        if overTLS { try suppressSecurityLayer(credential) }
        return NegotiateCredential(
            credential: credential, mechanism: .kerberos, contextMechanism: cgss_mech_spnego(), login: nil)
    }

    /// NTLMv2 (gss-ntlmssp) with the user's password. Blocks briefly (loads the mechanism on
    /// first use); no network.
    ///
    /// The tokens are raw NTLMSSP messages, not wrapped in SPNEGO: Active Directory and Samba
    /// accept them in a GSS-SPNEGO bind (Windows' own LDAP client sends them that way), and only
    /// then can the proxy leave signing out over TLS. MIT's SPNEGO always asks NTLM for
    /// integrity (it needs it for the mechListMIC), and AD refuses signing over TLS.
    static func ntlm(user: String, password: [CChar]) throws(GSSStatus) -> NegotiateCredential {
        let name = try GSSName(user, type: cgss_nt_user_name())
        let credential = try acquire(
            name: name, mechanism: cgss_mech_ntlmssp(), store: [("ntlmssp_password", password)], call: "NTLM")
        return NegotiateCredential(
            credential: credential, mechanism: .ntlm, contextMechanism: cgss_mech_ntlmssp(), login: nil)
    }

    private static func acquire(
        name: GSSName?, mechanism: gss_OID, store: [(key: String, value: [CChar])]?, call: String
    ) throws(GSSStatus) -> GSSCredential {
        var minor: OM_uint32 = 0
        var handle: gss_cred_id_t?
        let major = try withOIDSet([mechanism]) { mechs in
            guard let store else {
                return gss_acquire_cred(
                    &minor, name?.handle, cgss_indefinite(), mechs, gss_cred_usage_t(GSS_C_INITIATE), &handle, nil,
                    nil)
            }
            return withCredentialStore(store) { store in
                gss_acquire_cred_from(
                    &minor, name?.handle, cgss_indefinite(), mechs, gss_cred_usage_t(GSS_C_INITIATE), &store,
                    &handle, nil, nil)
            }
        }
        if cgss_is_error(major).isTrue {
            throw GSSStatus("gss_acquire_cred_from (\(call))", major: major, minor: minor)
        }
        return GSSCredential(handle: handle)
    }

    private static func limit(_ credential: GSSCredential, to mechanism: gss_OID) throws(GSSStatus) {
        var minor: OM_uint32 = 0
        let major = try withOIDSet([mechanism]) { set in gss_set_neg_mechs(&minor, credential.handle, set) }
        if cgss_is_error(major).isTrue { throw GSSStatus("gss_set_neg_mechs", major: major, minor: minor) }
    }

    /// Over TLS Active Directory refuses a SASL bind that negotiates signing or sealing (Samba:
    /// "Sign or Seal are not allowed if TLS is used"); MIT's SPNEGO and Kerberos mechanisms
    /// assert both unless told not to.
    private static func suppressSecurityLayer(_ credential: GSSCredential) throws(GSSStatus) {
        var minor: OM_uint32 = 0
        var empty = gss_buffer_desc(length: 0, value: nil)
        let major = gss_set_cred_option(&minor, &credential.handle, cgss_krb5_cred_no_ci_flags(), &empty)
        if cgss_is_error(major).isTrue { throw GSSStatus("gss_set_cred_option", major: major, minor: minor) }
    }
}
