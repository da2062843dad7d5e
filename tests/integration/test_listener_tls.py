"""TLS on the proxy's listener (issue 3, item 4): StartTLS on the plain port and LDAPS, each with a gated bind."""
from helpers import INVALID_CREDENTIALS, ldap3_connection, ldap_tool, wrong_code

STARTTLS_OID = "1.3.6.1.4.1.1466.20037"
OPERATIONS_ERROR = 1


def test_starttls_gated_bind(proxy, certs, fresh_user):
    user = fresh_user()
    result = ldap_tool("ldapwhoami", proxy.url, dn=user.dn, password=user.otp_password(), starttls=True,
                       ca_file=certs / "ca.pem")
    assert result.rc == 0, result
    assert result.out.strip() == f"dn:{user.dn}", result


def test_starttls_wrong_code_is_refused(proxy, certs, fresh_user):
    user = fresh_user()
    result = ldap_tool("ldapwhoami", proxy.url, dn=user.dn, password=user.otp_password(wrong_code(user.secret)),
                       starttls=True, ca_file=certs / "ca.pem")
    assert result.rc == INVALID_CREDENTIALS, result


def test_ldaps_gated_bind(proxy, certs, fresh_user):
    user = fresh_user()
    result = ldap_tool("ldapwhoami", proxy.ldaps_url, dn=user.dn, password=user.otp_password(),
                       ca_file=certs / "ca.pem")
    assert result.rc == 0, result
    assert result.out.strip() == f"dn:{user.dn}", result


def test_ldaps_is_really_tls(proxy, certs):
    """A client that trusts only the unrelated CA refuses the proxy's certificate, so the listener
    really speaks TLS with the configured certificate."""
    result = ldap_tool("ldapwhoami", proxy.ldaps_url, ca_file=certs / "wrong-ca.pem")
    assert result.rc != 0, result
    ok = ldap_tool("ldapwhoami", proxy.ldaps_url, ca_file=certs / "ca.pem")
    assert ok.rc == 0 and ok.out.strip() == "anonymous", ok


def test_ldap3_starttls_then_gated_bind(proxy, certs, fresh_user):
    user = fresh_user()
    conn = ldap3_connection(proxy.url, user=user.dn, password=user.otp_password(), ca_file=certs / "ca.pem")
    try:
        conn.open()
        assert conn.start_tls(), conn.result
        assert conn.bind(), conn.result
        assert conn.extend.standard.who_am_i() == f"dn:{user.dn}"
        # A second StartTLS when TLS is already on is refused (RFC 4511 §4.14.1: operationsError)
        # and the connection goes on working.
        conn.extended(STARTTLS_OID)
        assert conn.result["result"] == OPERATIONS_ERROR, conn.result
        assert conn.extend.standard.who_am_i() == f"dn:{user.dn}"
    finally:
        conn.unbind()
