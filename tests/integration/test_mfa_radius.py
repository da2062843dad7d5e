"""The RADIUS second factor through the proxy (issue 4, `mfa.provider: radius`) against a real
FreeRADIUS started by scripts/freeradius/start.sh, with real LDAP clients (ldapwhoami, ldap3).

FreeRADIUS's users (scripts/freeradius/authorize): alice accepted with 123456, bob always rejected,
carol challenged once then accepted with 654321, dave challenged forever, erin accepted with
"erin-password123456" (`send: password_and_code`). The directory users of the same names have the
sample passwords; erin is added to this module's own slapd.
"""
from __future__ import annotations

import pytest

from helpers import INVALID_CREDENTIALS, PEOPLE, SUCCESS, ldap3_connection, ldap_tool
from mfa_peers import SAMPLE_PASSWORDS, add_person, free_udp_port, ldap_root, radius_section

ERIN_PASSWORD = "erin-password"
PASSWORDS = dict(SAMPLE_PASSWORDS, dave="dave-password", erin=ERIN_PASSWORD)


@pytest.fixture(scope="module")
def radius_slapd(slapd_factory):
    slapd = slapd_factory.start("radius")
    add_person(slapd, "erin", ERIN_PASSWORD)
    # dave has no password in the sample directory: give him one.
    ldap_root(slapd, "ldapmodify", f"dn: uid=dave,{PEOPLE}\nchangetype: modify\nreplace: userPassword\n"
                                   f"userPassword: {PASSWORDS['dave']}\n")
    return slapd


def start_radius_proxy(proxy_factory, tmp_path_factory, slapd, name, servers, secret, **radius):
    mfa = radius_section(tmp_path_factory.mktemp(f"secret-{name}"), servers, secret, **radius)
    fail_mode = mfa["radius"].pop("fail_mode", None)
    if fail_mode:
        mfa["fail_mode"] = fail_mode
    proxy = proxy_factory.start(name, slapd.url, overrides={"mfa": mfa})
    proxy.remember(secret)
    for uid, password in PASSWORDS.items():
        proxy.enrol(uid, password)  # a store record for require_user_match (the TOTP secret is unused)
    return proxy


@pytest.fixture(scope="module")
def radius_proxy(proxy_factory, tmp_path_factory, radius_slapd, freeradius):
    return start_radius_proxy(proxy_factory, tmp_path_factory, radius_slapd, "radius", [freeradius.address],
                              freeradius.secret)


def bind(proxy, uid, code, password=None):
    password = PASSWORDS[uid] if password is None else password
    proxy.remember(code, password)
    return ldap_tool("ldapwhoami", proxy.url, dn=f"uid={uid},{PEOPLE}", password=f"{password},{code}")


def test_accept(radius_proxy):
    result = bind(radius_proxy, "alice", "123456")
    assert result.rc == SUCCESS, result
    assert result.out.strip() == f"dn:uid=alice,{PEOPLE}", result
    event = radius_proxy.wait_audit("alice", "allowed")
    assert (event.get("rule"), event.get("provider")) == ("second-factor", "radius"), event


def test_accept_with_python_ldap3(radius_proxy):
    radius_proxy.remember("123456")
    connection = ldap3_connection(radius_proxy.url, f"uid=alice,{PEOPLE}", "alice-password,123456")
    assert connection.bind(), connection.result
    connection.unbind()


def test_reject(radius_proxy):
    result = bind(radius_proxy, "bob", "123456")
    assert result.rc == INVALID_CREDENTIALS, result
    event = radius_proxy.wait_audit("bob", "denied")
    assert event.get("rule") == "second-factor" and event.get("provider") == "radius", event
    assert event.get("reason") == "RADIUS server rejected", event


def test_wrong_code_is_rejected(radius_proxy):
    result = bind(radius_proxy, "alice", "000001")
    assert result.rc == INVALID_CREDENTIALS, result
    assert radius_proxy.wait_audit("alice", "denied").get("reason") == "RADIUS server rejected"


def test_challenge_is_answered_with_the_code_and_state(radius_proxy):
    result = bind(radius_proxy, "carol", "654321")
    assert result.rc == SUCCESS, result
    event = radius_proxy.wait_audit("carol", "allowed")
    assert (event.get("rule"), event.get("provider")) == ("second-factor", "radius"), event


def test_a_second_challenge_is_refused(radius_proxy):
    result = bind(radius_proxy, "dave", "777777")
    assert result.rc == INVALID_CREDENTIALS, result
    event = radius_proxy.wait_audit("dave", "denied")
    assert "challenged again" in event.get("reason", ""), event


def test_send_code_alone_does_not_satisfy_a_server_that_checks_both(radius_proxy):
    result = bind(radius_proxy, "erin", "123456")
    assert result.rc == INVALID_CREDENTIALS, result
    assert radius_proxy.wait_audit("erin", "denied").get("reason") == "RADIUS server rejected"


def test_password_and_code(proxy_factory, tmp_path_factory, radius_slapd, freeradius):
    proxy = start_radius_proxy(proxy_factory, tmp_path_factory, radius_slapd, "radius-both",
                               [freeradius.address], freeradius.secret, send="password_and_code")
    result = bind(proxy, "erin", "123456")
    assert result.rc == SUCCESS, result
    event = proxy.wait_audit("erin", "allowed")
    assert (event.get("rule"), event.get("provider")) == ("second-factor", "radius"), event
    # alice's RADIUS password is the code alone: with the directory password in front it is wrong.
    result = bind(proxy, "alice", "123456")
    assert result.rc == INVALID_CREDENTIALS, result
    assert proxy.wait_audit("alice", "denied").get("reason") == "RADIUS server rejected"


def test_servers_are_tried_in_order_past_a_dead_one(proxy_factory, tmp_path_factory, radius_slapd, freeradius):
    dead = f"127.0.0.1:{free_udp_port()}"
    proxy = start_radius_proxy(proxy_factory, tmp_path_factory, radius_slapd, "radius-failover",
                               [dead, freeradius.address], freeradius.secret, timeout="1s", retries=1)
    result = bind(proxy, "alice", "123456")
    assert result.rc == SUCCESS, result
    assert proxy.wait_audit("alice", "allowed").get("provider") == "radius"
    text = proxy.log_text()
    assert "RADIUS server did not answer" in text and dead in text, "the dead server was not tried first"


def test_a_reply_without_message_authenticator_is_ignored(proxy_factory, tmp_path_factory, radius_slapd,
                                                          unsigned_freeradius):
    proxy = start_radius_proxy(proxy_factory, tmp_path_factory, radius_slapd, "radius-unsigned",
                               [unsigned_freeradius.address], unsigned_freeradius.secret, timeout="1s",
                               retries=1)
    result = bind(proxy, "alice", "123456")  # FreeRADIUS accepts, but its Access-Accept is unsigned
    assert result.rc == INVALID_CREDENTIALS, result
    event = proxy.wait_audit("alice", "error")
    assert event.get("rule") == "provider-unavailable", event
    assert event.get("reason") == "no RADIUS server answered", event
    # The server did answer: its Access-Accept was dropped for want of a Message-Authenticator.
    ignored = [line for line in proxy.log_text().splitlines() if "RADIUS datagram ignored" in line]
    assert any("no Message-Authenticator: Access-Accept" in line for line in ignored), proxy.tail()


@pytest.mark.parametrize("fail_mode", ["secure", "safe"])
def test_fail_mode_with_no_server_answering(proxy_factory, tmp_path_factory, radius_slapd, fail_mode):
    dead = f"127.0.0.1:{free_udp_port()}"
    proxy = start_radius_proxy(proxy_factory, tmp_path_factory, radius_slapd, f"radius-down-{fail_mode}",
                               [dead], "radius-down-secret-" + fail_mode, timeout="1s", retries=1,
                               fail_mode=fail_mode)
    result = bind(proxy, "alice", "123456")
    if fail_mode == "secure":
        assert result.rc == INVALID_CREDENTIALS, result
        event = proxy.wait_audit("alice", "error")
        assert event.get("rule") == "provider-unavailable", event
    else:
        assert result.rc == SUCCESS, result
        event = proxy.wait_audit("alice", "allowed")
        assert event.get("rule") == "fail-safe", event
    assert event.get("provider") == "radius" and event.get("reason") == "no RADIUS server answered", event
    # The directory still decides the password in safe mode.
    result = bind(proxy, "bob", "123456", password="not-bobs-password")
    assert result.rc == INVALID_CREDENTIALS, result
    assert proxy.wait_audit("bob", "denied").get("rule") == "directory-rejected"
