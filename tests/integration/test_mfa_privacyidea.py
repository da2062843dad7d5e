"""The privacyIDEA second factor through the proxy (issue 4, `mfa.provider: privacyidea`) against a
real privacyIDEA 3.x from PyPI (scripts/privacyidea/start.sh: HTTPS with the dev CA, SQLite, an LDAP
resolver on this module's slapd, realm `example`), with real LDAP clients.

Tokens are enrolled through privacyIDEA's REST API (scripts/privacyidea/pi-admin.py); the push
token is a real "poll only" push token whose phone pi-admin.py plays (it fetches the challenge and
answers it with the token's RSA key, as the app does). Every test uses users of its own.
"""
from __future__ import annotations

import itertools
import signal
import time

import pytest

from helpers import INVALID_CREDENTIALS, PEOPLE, SUCCESS, free_port, ldap_tool, wait_until
from mfa_peers import BackgroundBind, totp_hex

_NUMBERS = itertools.count(1)


def new_uid() -> str:
    """A sample user of privacyIDEA's slapd that no earlier test here has used."""
    return f"user{next(_NUMBERS):04d}"


def password_of(uid: str) -> str:
    return f"pass-{uid}"


def start_proxy(proxy_factory, privacyidea, name: str, mfa: dict):
    """A proxy on privacyIDEA's slapd with these `mfa` settings. privacyIDEA's admin password is recorded
    as one of its secrets: the proxy never has it, and its log must never show it either."""
    proxy = proxy_factory.start(name, privacyidea.slapd.url, overrides={"mfa": mfa})
    proxy.remember(privacyidea.admin_password)
    return proxy


@pytest.fixture(scope="module")
def pi_proxy(proxy_factory, privacyidea):
    return start_proxy(proxy_factory, privacyidea, "privacyidea", privacyidea.section())


def record(proxy, uid: str) -> None:
    """A store record for `uid` (require_user_match); the TOTP secret it gets is never used."""
    proxy.enrol(uid, password_of(uid))


def bind(proxy, uid: str, code: str, password: str | None = None):
    password = password_of(uid) if password is None else password
    proxy.remember(code, password)
    return ldap_tool("ldapwhoami", proxy.url, dn=f"uid={uid},{PEOPLE}", password=f"{password},{code}")


def test_code(pi_proxy, privacyidea):
    uid = new_uid()
    record(pi_proxy, uid)
    key = privacyidea.enrol_totp(uid)
    pi_proxy.remember(key)
    result = bind(pi_proxy, uid, totp_hex(key))
    assert result.rc == SUCCESS, result
    assert result.out.strip() == f"dn:uid={uid},{PEOPLE}", result
    event = pi_proxy.wait_audit(uid, "allowed")
    assert (event.get("rule"), event.get("provider")) == ("second-factor", "privacyidea"), event

    result = bind(pi_proxy, uid, "000000" if totp_hex(key) != "000000" else "000001")
    assert result.rc == INVALID_CREDENTIALS, result
    event = pi_proxy.wait_audit(uid, "denied")
    assert event.get("reason") == "privacyIDEA: wrong otp value", event
    privacyidea.admin("reset", uid)


def test_user_without_token_is_refused(pi_proxy, privacyidea):
    uid = new_uid()
    record(pi_proxy, uid)
    result = bind(pi_proxy, uid, "123456")
    assert result.rc == INVALID_CREDENTIALS, result
    event = pi_proxy.wait_audit(uid, "denied")
    assert event.get("rule") == "second-factor" and "no tokens" in event.get("reason", ""), event


def test_code_up_front_with_challenge_response_policy(pi_proxy, privacyidea):
    uid = new_uid()
    record(pi_proxy, uid)
    key = privacyidea.enrol_totp(uid)
    pi_proxy.remember(key)
    privacyidea.admin("set-policy", "it-challenge", "authentication", "challenge_response=totp")
    try:
        result = bind(pi_proxy, uid, totp_hex(key))
    finally:
        privacyidea.admin("delete-policy", "it-challenge")
    assert result.rc == SUCCESS, result
    assert pi_proxy.wait_audit(uid, "allowed").get("provider") == "privacyidea"


def test_challenge_is_answered_within_the_bind(pi_proxy, privacyidea):
    # privacyIDEA opens a challenge when `pass` matches a token PIN alone: with the PIN equal to the
    # code the first /validate/check opens one, and the proxy answers its transaction_id.
    uid = new_uid()
    record(pi_proxy, uid)
    key = privacyidea.enrol_totp(uid)
    pi_proxy.remember(key)
    code = totp_hex(key)
    if int(time.time()) % 30 > 25:  # keep the PIN and the check in one time step
        time.sleep(6)
        code = totp_hex(key)
    privacyidea.admin("set-pin", f"TOTP-{uid}", code)
    privacyidea.admin("set-policy", "it-challenge", "authentication", "challenge_response=totp")
    before = pi_proxy.log_size()
    try:
        result = bind(pi_proxy, uid, code)
    finally:
        privacyidea.admin("delete-policy", "it-challenge")
    assert result.rc == SUCCESS, result
    assert pi_proxy.wait_audit(uid, "allowed").get("provider") == "privacyidea"
    assert "privacyIDEA opened a challenge" in pi_proxy.log_text()[before:], "no challenge was answered"


def enrol_push(privacyidea, uid: str) -> str:
    serial = f"PUSH-{uid}"
    privacyidea.admin("enrol-push", uid, "--serial", serial)
    return serial


def test_parked_pushes_do_not_hold_up_other_binds(pi_proxy, privacyidea):
    approver, decliner, other = new_uid(), new_uid(), new_uid()
    for uid in (approver, decliner, other):
        record(pi_proxy, uid)
    approve_serial, decline_serial = enrol_push(privacyidea, approver), enrol_push(privacyidea, decliner)
    key = privacyidea.enrol_totp(other)
    pi_proxy.remember(key, password_of(approver), password_of(decliner))

    parked = {uid: BackgroundBind(pi_proxy.url, f"uid={uid},{PEOPLE}", f"{password_of(uid)},push")
              for uid in (approver, decliner)}
    for uid in parked:  # both pushes are open, waiting for the phone, before the other binds start
        privacyidea_waits_for_the_phone(pi_proxy, uid)
    result = bind(pi_proxy, other, totp_hex(key))
    assert result.rc == SUCCESS, result
    wrong = bind(pi_proxy, other, "123456", password="not-the-password")
    assert wrong.rc == INVALID_CREDENTIALS, wrong
    assert not any(b.done() for b in parked.values()), "a push finished before anyone answered it"

    privacyidea.admin("push-answer", approve_serial)
    privacyidea.admin("push-answer", decline_serial, "--decline")
    result = parked[approver].wait()
    assert result.rc == SUCCESS, result
    event = pi_proxy.wait_audit(approver, "allowed")
    assert (event.get("rule"), event.get("provider")) == ("second-factor", "privacyidea"), event
    result = parked[decliner].wait()
    assert result.rc == INVALID_CREDENTIALS, result
    event = pi_proxy.wait_audit(decliner, "denied")
    assert (event.get("reason"), event.get("provider")) == ("push declined", "privacyidea"), event


def privacyidea_waits_for_the_phone(proxy, uid: str, timeout: float = 30) -> None:
    """Waits until the proxy logged that `uid`'s push was triggered."""
    deadline = time.monotonic() + timeout
    needle = "privacyIDEA push triggered"
    while time.monotonic() < deadline:
        if any(needle in line and uid in line for line in proxy.log_text().splitlines()):
            return
        time.sleep(0.1)
    raise AssertionError(f"no push was triggered for {uid}:\n{proxy.tail()}")


def test_push_declined_with_the_keyword_in_capitals(pi_proxy, privacyidea):
    uid = new_uid()
    record(pi_proxy, uid)
    serial = enrol_push(privacyidea, uid)
    parked = BackgroundBind(pi_proxy.url, f"uid={uid},{PEOPLE}", f"{password_of(uid)},PUSH")
    privacyidea.admin("push-answer", serial, "--decline")
    result = parked.wait()
    assert result.rc == INVALID_CREDENTIALS, result
    event = pi_proxy.wait_audit(uid, "denied")
    assert (event.get("reason"), event.get("provider")) == ("push declined", "privacyidea"), event


def test_push_timeout(proxy_factory, privacyidea):
    proxy = start_proxy(proxy_factory, privacyidea, "pi-push-timeout", privacyidea.section(push_timeout="3s"))
    uid = new_uid()
    record(proxy, uid)
    enrol_push(privacyidea, uid)
    result = ldap_tool("ldapwhoami", proxy.url, dn=f"uid={uid},{PEOPLE}", password=f"{password_of(uid)},push")
    assert result.rc == INVALID_CREDENTIALS, result
    event = proxy.wait_audit(uid, "denied")
    assert (event.get("rule"), event.get("reason")) == ("second-factor", "push timed out"), event


def test_tls_certificate_from_another_ca_is_refused(proxy_factory, privacyidea, certs):
    wrong_ca = privacyidea.section(ca_file=str(certs / "wrong-ca.pem"))
    proxy = start_proxy(proxy_factory, privacyidea, "pi-wrong-ca", wrong_ca)
    uid = new_uid()
    record(proxy, uid)
    key = privacyidea.enrol_totp(uid)
    proxy.remember(key)
    result = bind(proxy, uid, totp_hex(key))
    assert result.rc == INVALID_CREDENTIALS, result
    event = proxy.wait_audit(uid, "error")
    assert event.get("rule") == "provider-unavailable", event
    assert "not signed by" in event.get("reason", ""), event


def test_realm_is_sent(proxy_factory, privacyidea):
    proxy = start_proxy(proxy_factory, privacyidea, "pi-realm", privacyidea.section(realm="elsewhere"))
    uid = new_uid()
    record(proxy, uid)
    key = privacyidea.enrol_totp(uid)  # in realm example
    proxy.remember(key)
    result = bind(proxy, uid, totp_hex(key))
    assert result.rc == INVALID_CREDENTIALS, result
    event = proxy.wait_audit(uid, "denied")
    # privacyIDEA looked the user up in the realm the proxy sent, not in its default realm.
    assert f"<{uid}@elsewhere>" in event.get("reason", ""), event


@pytest.mark.parametrize("fail_mode", ["secure", "safe"])
def test_fail_mode_with_privacyidea_down(proxy_factory, privacyidea, fail_mode):
    down = privacyidea.section(url=f"https://127.0.0.1:{free_port()}")
    proxy = start_proxy(proxy_factory, privacyidea, f"pi-down-{fail_mode}", dict(down, fail_mode=fail_mode))
    uid = new_uid()
    record(proxy, uid)
    result = bind(proxy, uid, "123456")
    if fail_mode == "secure":
        assert result.rc == INVALID_CREDENTIALS, result
        event = proxy.wait_audit(uid, "error")
        assert event.get("rule") == "provider-unavailable", event
    else:
        assert result.rc == SUCCESS, result
        event = proxy.wait_audit(uid, "allowed")
        assert event.get("rule") == "fail-safe", event
    assert event.get("provider") == "privacyidea" and "cannot reach" in event.get("reason", ""), event


def test_reload_and_exit_shut_the_http_client_down(proxy_factory, privacyidea):
    # The replaced runtime's provider is shut down drain_timeout after a reload; AsyncHTTPClient traps
    # (debug build) when a client is freed without shutdown, so a missing shutdown kills the process.
    proxy = start_proxy(proxy_factory, privacyidea, "pi-reload",
                        dict(privacyidea.section(), fail_mode="secure"))
    proxy.config["operations"] = {"drain_timeout": "1s"}
    proxy.stop()
    proxy.start()
    uid = new_uid()
    record(proxy, uid)
    key = privacyidea.enrol_totp(uid)
    proxy.remember(key)
    assert bind(proxy, uid, totp_hex(key)).rc == SUCCESS

    proxy.process.send_signal(signal.SIGHUP)
    wait_until(lambda: "configuration reloaded" in proxy.log_text(), timeout=20, what="the reload")
    time.sleep(3)  # past drain_timeout: the old provider has been shut down and released
    assert proxy.alive(), f"the proxy died after the reload:\n{proxy.tail()}"
    assert bind(proxy, uid, totp_hex(key, step_offset=1)).rc == SUCCESS
    assert proxy.wait_audit(uid, "allowed").get("provider") == "privacyidea"

    proxy.process.send_signal(signal.SIGTERM)
    assert proxy.process.wait(timeout=30) == 0, proxy.tail()
