"""Who must pass a second factor, and what happens around it (issue 4, `mfa.*` policy), through the
proxy with real LDAP clients against this module's own slapd (logging every operation, so a test can
show that the directory was not contacted). The provider is TOTP; the providers' own flows, and
fail_mode with each provider down, are in test_mfa_privacyidea.py and test_mfa_radius.py.

Covered here: exempt DNs, subtrees, groups (nested) and networks; required_groups; require_user_match
true and false; a record disabled by directory synchronisation (test_sync.py shows the same through a
real synchronisation); the bind cache (on and off); lockout per user and per client address.
Every decision's audit event is checked for its rule, outcome and provider.
"""
from __future__ import annotations

import itertools
import signal
import sqlite3
import time

import pytest

from helpers import BASE_DN, INVALID_CREDENTIALS, PEOPLE, SUCCESS, ldap_tool, wait_until, wrong_code
from mfa_peers import SAMPLE_PASSWORDS, slapd_binds, start_slapd_with_stats

SERVICE = f"ou=service,{BASE_DN}"
GROUPS = f"ou=groups,{BASE_DN}"
SVC_APP = (f"cn=svc-app,{SERVICE}", "svc-app-password")
READER = (f"cn=proxy-reader,{SERVICE}", "reader-password")

_NUMBERS = itertools.count(1)


def new_uid() -> str:
    """A sample user of this module's slapd that no earlier test here has used."""
    return f"user{next(_NUMBERS):04d}"


def password_of(uid: str) -> str:
    return SAMPLE_PASSWORDS.get(uid) or f"pass-{uid}"


def dn_of(uid: str) -> str:
    return f"uid={uid},{PEOPLE}"


def enrolled(proxy):
    """A sample user never used here before, with a store record (enrolled for TOTP) in `proxy`."""
    uid = new_uid()
    return proxy.enrol(uid, password_of(uid))


def whoami(proxy, dn: str, password: str):
    proxy.remember(password)
    return ldap_tool("ldapwhoami", proxy.url, dn=dn, password=password)


@pytest.fixture(scope="module")
def policy_slapd(slapd_factory):
    return start_slapd_with_stats(slapd_factory, "policy")


@pytest.fixture(scope="module")
def start(proxy_factory, policy_slapd):
    """Starts a TOTP proxy on this module's slapd with `mfa` overrides."""
    def start_proxy(name: str, **mfa):
        return proxy_factory.start(f"policy-{name}", policy_slapd.url, overrides={"mfa": mfa})
    return start_proxy


@pytest.fixture(scope="module")
def exempting(start):
    """Exempt by DN, subtree and (nested) group; require_user_match and bind cache at their defaults."""
    return start("exempt", exempt={"dns": [SVC_APP[0]], "subtrees": [SERVICE],
                                   "groups": [f"cn=nested-parent,{GROUPS}"]})


def expect(proxy, uid_or_dn: str, outcome: str, rule: str, provider: str | None = "totp") -> dict:
    event = proxy.wait_audit(uid_or_dn.split(",")[0].removeprefix("uid="), outcome) \
        if uid_or_dn.startswith("uid=") else _wait_dn(proxy, uid_or_dn, outcome)
    assert event.get("rule") == rule, event
    assert event.get("provider") == provider, event
    return event


def _wait_dn(proxy, dn: str, outcome: str) -> dict:
    def find():
        found = [e for e in proxy.audit_events() if e.get("user") == dn and e.get("outcome") == outcome]
        return found[-1] if found else None
    return wait_until(find, timeout=10, what=f"an audit event user={dn} outcome={outcome}")


# ----------------------------------------------------------------------------- exemptions

def test_exempt_dn_binds_with_the_password_alone(exempting):
    result = whoami(exempting, *SVC_APP)
    assert result.rc == SUCCESS, result
    expect(exempting, SVC_APP[0], "allowed", "exempt-dn", provider=None)
    # The directory still decides the password.
    result = whoami(exempting, SVC_APP[0], "not-the-svc-password")
    assert result.rc == INVALID_CREDENTIALS, result
    expect(exempting, SVC_APP[0], "denied", "exempt-dn", provider=None)


def test_exempt_subtree(exempting):
    result = whoami(exempting, *READER)
    assert result.rc == SUCCESS, result
    expect(exempting, READER[0], "allowed", "exempt-subtree", provider=None)


def test_exempt_group_through_a_nested_group(exempting):
    # alice is in vpn-users, which is a member of nested-parent (the exempt group).
    result = whoami(exempting, dn_of("alice"), password_of("alice"))
    assert result.rc == SUCCESS, result
    expect(exempting, dn_of("alice"), "allowed", "exempt-group", provider=None)


def test_a_user_outside_the_exempt_groups_needs_a_code(exempting):
    carol = exempting.enrol("carol", password_of("carol"))
    result = whoami(exempting, carol.dn, carol.password)
    assert result.rc == INVALID_CREDENTIALS, result
    expect(exempting, carol.dn, "denied", "no-code")
    result = whoami(exempting, carol.dn, carol.otp_password())
    assert result.rc == SUCCESS, result
    expect(exempting, carol.dn, "allowed", "second-factor")


def test_exempt_network(start):
    proxy = start("network", exempt={"networks": ["10.0.0.0/8", "127.0.0.0/8"]})
    uid = new_uid()  # not even in the store: an exemption needs no record
    result = whoami(proxy, dn_of(uid), password_of(uid))
    assert result.rc == SUCCESS, result
    event = expect(proxy, dn_of(uid), "allowed", "exempt-network", provider=None)
    assert event.get("client") == "127.0.0.1", event


def test_required_groups(start):
    proxy = start("required", required_groups=[f"cn=admins,{GROUPS}"])
    outsider = new_uid()
    result = whoami(proxy, dn_of(outsider), password_of(outsider))
    assert result.rc == SUCCESS, result
    expect(proxy, dn_of(outsider), "allowed", "not-in-required-group", provider=None)

    carol = proxy.enrol("carol", password_of("carol"))  # in cn=admins
    result = whoami(proxy, carol.dn, carol.password)
    assert result.rc == INVALID_CREDENTIALS, result
    expect(proxy, carol.dn, "denied", "no-code")
    result = whoami(proxy, carol.dn, carol.otp_password())
    assert result.rc == SUCCESS, result
    expect(proxy, carol.dn, "allowed", "second-factor")


# ----------------------------------------------------------------------------- user records

def test_require_user_match_true_denies_a_user_without_a_record(exempting):
    uid = new_uid()
    result = whoami(exempting, dn_of(uid), f"{password_of(uid)},123456")
    assert result.rc == INVALID_CREDENTIALS, result
    expect(exempting, dn_of(uid), "denied", "no-user-match")


@pytest.fixture(scope="module")
def open_proxy(start):
    """require_user_match false, bind cache on for a minute."""
    return start("open", require_user_match=False, bind_cache={"ttl": "60s"})


def test_require_user_match_false_lets_a_user_without_a_record_in_on_the_password(open_proxy):
    uid = new_uid()
    result = whoami(open_proxy, dn_of(uid), password_of(uid))
    assert result.rc == SUCCESS, result
    expect(open_proxy, dn_of(uid), "allowed", "no-user-record", provider=None)
    result = whoami(open_proxy, dn_of(uid), "not-the-password")
    assert result.rc == INVALID_CREDENTIALS, result


def disable_record(proxy, uid: str) -> None:
    """What directory synchronisation does to a user who left every sync item (enabled = 0)."""
    with sqlite3.connect(proxy.config["store"]["sqlite"], timeout=10) as db:
        changed = db.execute("UPDATE users SET enabled = 0 WHERE username_key = ?", (uid.lower(),)).rowcount
    assert changed == 1, f"no store row for {uid}"


def test_a_disabled_record_is_refused_unless_the_user_is_exempt(exempting):
    user = enrolled(exempting)
    disable_record(exempting, user.uid)
    result = whoami(exempting, user.dn, user.otp_password())
    assert result.rc == INVALID_CREDENTIALS, result
    expect(exempting, user.dn, "denied", "user-disabled")

    # An exemption needs no record, so a disabled one does not undo it (alice: exempt by group).
    exempting.enrol("alice", password_of("alice"))
    disable_record(exempting, "alice")
    result = whoami(exempting, dn_of("alice"), password_of("alice"))
    assert result.rc == SUCCESS, result
    expect(exempting, dn_of("alice"), "allowed", "exempt-group", provider=None)


def test_a_disabled_record_is_refused_even_when_records_are_not_required(open_proxy):
    user = enrolled(open_proxy)
    disable_record(open_proxy, user.uid)
    result = whoami(open_proxy, user.dn, user.password)
    assert result.rc == INVALID_CREDENTIALS, result
    expect(open_proxy, user.dn, "denied", "user-disabled")


# ----------------------------------------------------------------------------- bind cache

def test_bind_cache_passes_the_same_secret_again_without_a_new_code(open_proxy):
    user = enrolled(open_proxy)
    secret = user.otp_password()
    assert whoami(open_proxy, user.dn, secret).rc == SUCCESS
    expect(open_proxy, user.dn, "allowed", "second-factor")
    result = whoami(open_proxy, user.dn, secret)  # the same code again: the cache, not the provider
    assert result.rc == SUCCESS, result
    expect(open_proxy, user.dn, "allowed", "bind-cache")
    # Keyed by the full secret: another password with the same code is not a cache hit.
    result = whoami(open_proxy, user.dn, f"another-password,{secret.rsplit(',', 1)[1]}")
    assert result.rc == INVALID_CREDENTIALS, result
    expect(open_proxy, user.dn, "denied", "directory-rejected")


def test_bind_cache_off_with_ttl_zero(start):
    proxy = start("nocache", bind_cache={"ttl": "0s"})
    user = enrolled(proxy)
    secret = user.otp_password()
    assert whoami(proxy, user.dn, secret).rc == SUCCESS
    result = whoami(proxy, user.dn, secret)
    assert result.rc == INVALID_CREDENTIALS, result
    event = expect(proxy, user.dn, "denied", "second-factor")
    assert "already used" in event.get("reason", ""), event
    assert not [e for e in proxy.audit_events(user.uid) if e.get("rule") == "bind-cache"]


# ----------------------------------------------------------------------------- lockout

def test_lockout_per_user_refuses_without_contacting_the_directory(start, policy_slapd):
    proxy = start("lock-user", lockout={"max_failures": 3, "max_failures_per_address": 0, "window": "60s",
                                        "duration": "3s"})
    user = enrolled(proxy)
    for attempt in range(3):
        result = whoami(proxy, user.dn, f"wrong-password-{attempt},123456")
        assert result.rc == INVALID_CREDENTIALS, result
    wait_until(lambda: slapd_binds(policy_slapd, user.dn) >= 3, timeout=10, what="slapd to log the failed binds")
    binds = slapd_binds(policy_slapd, user.dn)

    code = user.code()
    result = whoami(proxy, user.dn, f"{user.password},{code}")  # right password and code, but locked
    assert result.rc == INVALID_CREDENTIALS, result
    event = expect(proxy, user.dn, "denied", "locked-out")
    assert "too many failed binds" in event.get("reason", ""), event
    time.sleep(0.5)
    assert slapd_binds(policy_slapd, user.dn) == binds, "the directory was contacted while the user was locked"

    # Once the lock has expired the same credentials work (the locked attempt spent no code).
    time.sleep(3.5)
    result = whoami(proxy, user.dn, f"{user.password},{code}")
    assert result.rc == SUCCESS, result
    expect(proxy, user.dn, "allowed", "second-factor")


def test_a_lockout_survives_a_reload(start, policy_slapd):
    """SIGHUP rebuilds the runtime; the in-memory lockout counters carry over while the lockout
    settings stay the same, so a reload unlocks nobody."""
    proxy = start("lock-reload", lockout={"max_failures": 2, "max_failures_per_address": 0, "window": "60s",
                                          "duration": "60s"})
    user = enrolled(proxy)
    for attempt in range(2):
        assert whoami(proxy, user.dn, f"wrong-password-{attempt},123456").rc == INVALID_CREDENTIALS
    mark = proxy.log_size()
    proxy.process.send_signal(signal.SIGHUP)
    wait_until(lambda: "configuration reloaded" in proxy.log_text()[mark:], timeout=20, what="the reload")
    result = whoami(proxy, user.dn, f"{user.password},{user.code()}")
    assert result.rc == INVALID_CREDENTIALS, result
    expect(proxy, user.dn, "denied", "locked-out")


def test_lockout_per_address(start, policy_slapd):
    proxy = start("lock-address", lockout={"max_failures": 0, "max_failures_per_address": 3, "window": "60s",
                                           "duration": "60s"})
    for attempt in range(3):
        uid = new_uid()
        proxy.enrol(uid, password_of(uid))
        result = whoami(proxy, dn_of(uid), f"wrong-password-{attempt},123456")
        assert result.rc == INVALID_CREDENTIALS, result
    user = enrolled(proxy)
    result = whoami(proxy, user.dn, user.otp_password())  # another user, right credentials, same address
    assert result.rc == INVALID_CREDENTIALS, result
    expect(proxy, user.dn, "denied", "locked-out")
    time.sleep(0.5)
    assert slapd_binds(policy_slapd, user.dn) == 0, "the directory was contacted while the address was locked"


def test_a_wrong_code_counts_as_a_failure(start):
    proxy = start("lock-code", lockout={"max_failures": 2, "max_failures_per_address": 0, "window": "60s",
                                        "duration": "60s"})
    user = enrolled(proxy)
    for _ in range(2):
        result = whoami(proxy, user.dn, user.otp_password(wrong_code(user.secret)))
        assert result.rc == INVALID_CREDENTIALS, result
    result = whoami(proxy, user.dn, user.otp_password())
    assert result.rc == INVALID_CREDENTIALS, result
    expect(proxy, user.dn, "denied", "locked-out")
