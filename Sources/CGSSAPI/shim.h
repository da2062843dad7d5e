// The system's MIT Kerberos GSS-API (libgssapi_krb5, Debian package libkrb5-dev) for Swift.
// gss-ntlmssp, when installed, is loaded by the mechanism glue from /etc/gss/mech.d at run time.
#ifndef LDAP_MFA_PROXY_CGSSAPI_SHIM_H
#define LDAP_MFA_PROXY_CGSSAPI_SHIM_H

#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5/krb5.h>

// Macros and OIDs Swift cannot import as they are.

static inline int cgss_is_error(OM_uint32 major) { return GSS_ERROR(major) != 0; }
static inline OM_uint32 cgss_routine_error(OM_uint32 major) { return GSS_ROUTINE_ERROR(major); }
static inline OM_uint32 cgss_supplementary_info(OM_uint32 major) { return GSS_SUPPLEMENTARY_INFO(major); }

static inline OM_uint32 cgss_continue_needed(void) { return GSS_S_CONTINUE_NEEDED; }
static inline OM_uint32 cgss_indefinite(void) { return GSS_C_INDEFINITE; }

// Name types (mutable globals in the C headers; read through functions so Swift 6 sees no
// shared mutable state).
static inline gss_OID cgss_nt_user_name(void) { return GSS_C_NT_USER_NAME; }
static inline gss_OID cgss_nt_hostbased_service(void) { return GSS_C_NT_HOSTBASED_SERVICE; }
static inline gss_OID cgss_nt_krb5_principal_name(void) { return GSS_KRB5_NT_PRINCIPAL_NAME; }
static inline gss_OID cgss_nt_krb5_enterprise_name(void) { return GSS_KRB5_NT_ENTERPRISE_NAME; }
/// gss_set_cred_option: keep the confidentiality and integrity flags out of the Kerberos
/// authenticator, and make SPNEGO not ask for integrity (what Active Directory expects of a
/// SASL bind over TLS).
static inline gss_OID cgss_krb5_cred_no_ci_flags(void) { return GSS_KRB5_CRED_NO_CI_FLAGS_X; }

/// SPNEGO, RFC 4178: 1.3.6.1.5.5.2.
static inline gss_OID cgss_mech_spnego(void) {
    static gss_OID_desc oid = {6, (void *)"\x2b\x06\x01\x05\x05\x02"};
    return &oid;
}

/// Kerberos V5, RFC 4121: 1.2.840.113554.1.2.2.
static inline gss_OID cgss_mech_krb5(void) {
    static gss_OID_desc oid = {9, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x02"};
    return &oid;
}

/// Microsoft NTLM SSP (gss-ntlmssp): 1.3.6.1.4.1.311.2.2.10.
static inline gss_OID cgss_mech_ntlmssp(void) {
    static gss_OID_desc oid = {10, (void *)"\x2b\x06\x01\x04\x01\x82\x37\x02\x02\x0a"};
    return &oid;
}

#endif
