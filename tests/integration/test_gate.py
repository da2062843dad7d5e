"""The gate (issue 3, items 1 and 3): every simple bind needs the directory password AND a TOTP code."""
import socket

import ldap3
import pytest

from helpers import (AUTH_METHOD_NOT_SUPPORTED, INVALID_CREDENTIALS, PEOPLE, ber_children, ber_read,
                     ldap3_connection, ldap_tool, simple_bind_pdu, wrong_code)


def whoami(proxy, user, password):
    return ldap_tool("ldapwhoami", proxy.url, dn=user.dn, password=password)


def test_password_and_code_succeeds(proxy, fresh_user):
    user = fresh_user()
    result = whoami(proxy, user, user.otp_password())
    assert result.rc == 0, result
    assert result.out.strip() == f"dn:{user.dn}", result
    event = proxy.wait_audit(user.uid, "allowed")
    assert event.get("rule") == "second-factor" and event.get("provider") == "totp", event


def test_wrong_code_is_refused(proxy, fresh_user):
    user = fresh_user()
    result = whoami(proxy, user, user.otp_password(wrong_code(user.secret)))
    assert result.rc == INVALID_CREDENTIALS, result
    assert "Invalid credentials (49)" in result.err, result
    proxy.wait_audit(user.uid, "denied")
    # The user's code was not spent: the right code still works afterwards.
    result = whoami(proxy, user, user.otp_password())
    assert result.rc == 0, result


def test_wrong_password_with_valid_code_is_refused(proxy, fresh_user):
    user = fresh_user()
    result = whoami(proxy, user, user.otp_password(password="not-the-password-7f3a"))
    assert result.rc == INVALID_CREDENTIALS, result


def test_denials_do_not_say_which_factor_failed(proxy, fresh_user):
    wrong_password_user, wrong_code_user = fresh_user(), fresh_user()
    by_password = whoami(proxy, wrong_password_user,
                         wrong_password_user.otp_password(password="not-the-password-9c1e"))
    by_code = whoami(proxy, wrong_code_user, wrong_code_user.otp_password(wrong_code(wrong_code_user.secret)))
    assert by_password.rc == by_code.rc == INVALID_CREDENTIALS, (by_password, by_code)
    assert by_password.err == by_code.err, (by_password, by_code)


def test_replayed_code_is_refused(proxy, fresh_user):
    user = fresh_user()
    password = user.otp_password()
    first = whoami(proxy, user, password)
    assert first.rc == 0, first
    replay = whoami(proxy, user, password)
    assert replay.rc == INVALID_CREDENTIALS, replay
    assert "already used" in proxy.wait_audit(user.uid, "denied").get("reason", "")


def test_password_without_code_is_refused(proxy, fresh_user):
    user = fresh_user()
    proxy.remember(user.password)
    result = whoami(proxy, user, user.password)
    assert result.rc == INVALID_CREDENTIALS, result


def test_empty_password_is_refused(proxy, fresh_user):
    """RFC 4513 §5.1.2: a name with an empty password is an unauthenticated bind, answered 49."""
    user = fresh_user()
    result = whoami(proxy, user, "")
    assert result.rc == INVALID_CREDENTIALS, result
    # The same over a raw socket, so no client library decides anything.
    with socket.create_connection(("127.0.0.1", proxy.ldap_port), timeout=10) as s:
        s.sendall(simple_bind_pdu(1, user.dn, ""))
        data = b""
        while True:
            try:
                ber_read(data)
                break
            except ValueError:
                chunk = s.recv(4096)
                assert chunk, "the proxy closed the connection instead of answering the bind"
                data += chunk
    _, content, _ = ber_read(data)
    parts = ber_children(content)
    assert parts[1][0] == 0x61, f"not a BindResponse: {data.hex()}"
    _, result_code, _ = ber_read(parts[1][1])
    assert int.from_bytes(result_code, "big") == INVALID_CREDENTIALS


def test_code_with_empty_password_is_refused(proxy, fresh_user):
    """`,123456`: the password left for the directory is empty, which must not become an anonymous success."""
    user = fresh_user()
    result = whoami(proxy, user, "," + user.code())
    assert result.rc == INVALID_CREDENTIALS, result


@pytest.mark.parametrize("mechanism, credentials", [
    (ldap3.EXTERNAL, None),
    (ldap3.DIGEST_MD5, (None, "alice", "alice-password", None)),
    ("PLAIN", ("", "alice", "alice-password")),
])
def test_sasl_bind_is_refused(proxy, mechanism, credentials):
    proxy.remember("alice-password")
    conn = ldap3_connection(proxy.url, authentication=ldap3.SASL, sasl_mechanism=mechanism,
                            sasl_credentials=credentials)
    try:
        conn.open()
        assert conn.bind() is False
        assert conn.result["result"] == AUTH_METHOD_NOT_SUPPORTED, conn.result
    finally:
        conn.unbind()


def test_anonymous_bind_is_relayed(proxy):
    result = ldap_tool("ldapwhoami", proxy.url)
    assert result.rc == 0, result
    assert result.out.strip() == "anonymous", result


def _anonymous_search_result(url):
    conn = ldap3_connection(url)
    conn.bind()
    conn.search(PEOPLE, "(objectClass=*)", search_scope=ldap3.BASE)
    outcome = (conn.result["result"], len(conn.entries))
    conn.unbind()
    return outcome


def test_every_bind_is_gated_on_one_connection(proxy, slapd, fresh_user):
    """Bind, rebind as someone else, rebind with a wrong code: the last leaves the connection anonymous."""
    first, second = fresh_user(), fresh_user()
    conn = ldap3_connection(proxy.url, user=first.dn, password=first.otp_password())
    try:
        conn.open()
        assert conn.bind(), conn.result
        assert conn.extend.standard.who_am_i() == f"dn:{first.dn}"
        assert conn.search(PEOPLE, "(objectClass=*)", search_scope=ldap3.BASE), conn.result

        assert conn.rebind(second.dn, second.otp_password()), conn.result
        assert conn.extend.standard.who_am_i() == f"dn:{second.dn}"

        assert conn.rebind(second.dn, second.otp_password(wrong_code(second.secret))) is False
        assert conn.result["result"] == INVALID_CREDENTIALS, conn.result
        assert not conn.extend.standard.who_am_i(), "the connection kept an identity after a failed bind"
        conn.search(PEOPLE, "(objectClass=*)", search_scope=ldap3.BASE)
        through_proxy = (conn.result["result"], len(conn.entries))
    finally:
        conn.unbind()
    direct_anonymous = _anonymous_search_result(slapd.url)
    assert direct_anonymous[1] == 0  # the ACL hides ou=people from anonymous
    assert through_proxy == direct_anonymous
