"""Failover (issue 3, item 6): primary and backup slapd; primary stopped -> the backup serves;
primary back -> failback; all stopped -> 52; one back -> binds work without restarting the proxy.

The tests of this module run in order and share the two directories; each first brings them to the
state it needs, so any one of them also runs alone.
"""
import time

import pytest

from helpers import UNAVAILABLE, ldap_tool, wait_until

# Short settings so that the whole module takes seconds.
FAST = {"directory": {"health_check_interval": "1s", "quarantine_initial": "1s", "quarantine_max": "2s",
                      "connect_timeout": "1s", "operation_timeout": "3s"}}


@pytest.fixture(scope="module")
def primary(slapd_factory):
    return slapd_factory.start("primary")


@pytest.fixture(scope="module")
def backup(slapd_factory):
    return slapd_factory.start("backup")


@pytest.fixture(scope="module")
def failover_proxy(proxy_factory, primary, backup):
    return proxy_factory.start("failover", f"{primary.url};{backup.url}", listen_tls=False, overrides=FAST)


def ensure_running(*instances):
    for instance in instances:
        if not instance.running():
            instance.start(keep=True)


def gated_bind(proxy):
    """A successful gated bind with a fresh user; returns (result, audit server)."""
    user = proxy.new_user()
    result = ldap_tool("ldapwhoami", proxy.url, dn=user.dn, password=user.otp_password())
    assert result.rc == 0, result
    assert result.out.strip() == f"dn:{user.dn}", result
    return proxy.wait_audit(user.uid, "allowed")["server"]


def bind_goes_to(proxy, server_url, timeout):
    """Binds (fresh user each time) until one is served by `server_url`; returns how many it took."""
    attempts = []

    def try_once():
        attempts.append(gated_bind(proxy))
        if attempts[-1] == server_url:
            return len(attempts)
        time.sleep(0.5)
        return None

    try:
        return wait_until(try_once, timeout=timeout, interval=0, what=f"a bind served by {server_url}")
    except TimeoutError:
        raise AssertionError(f"binds never went to {server_url} within {timeout}s; served by: {attempts}")


def test_primary_serves(failover_proxy, primary, backup):
    ensure_running(primary, backup)
    bind_goes_to(failover_proxy, primary.url, timeout=10)
    # and keeps serving: the next bind too
    assert gated_bind(failover_proxy) == primary.url


def test_backup_serves_when_primary_stops(failover_proxy, primary, backup):
    ensure_running(primary, backup)
    bind_goes_to(failover_proxy, primary.url, timeout=10)
    primary.stop()
    # The very first bind after the stop already succeeds, on the backup.
    assert gated_bind(failover_proxy) == backup.url
    assert gated_bind(failover_proxy) == backup.url
    assert failover_proxy.alive()


def test_failback_when_primary_returns(failover_proxy, primary, backup):
    ensure_running(backup)
    if primary.running():
        primary.stop()
    assert gated_bind(failover_proxy) == backup.url
    primary.start(keep=True)
    bind_goes_to(failover_proxy, primary.url, timeout=10)
    assert gated_bind(failover_proxy) == primary.url


def test_all_down_is_unavailable_then_recovers(failover_proxy, primary, backup):
    ensure_running(primary, backup)
    primary.stop()
    backup.stop()
    user = failover_proxy.new_user()
    result = ldap_tool("ldapwhoami", failover_proxy.url, dn=user.dn, password=user.otp_password())
    assert result.rc == UNAVAILABLE, result
    assert "additional info: the directory is unavailable" in result.err, result
    assert failover_proxy.alive()
    event = failover_proxy.wait_audit(user.uid, "error")
    # The audit says why: no server reachable, not a configuration problem.
    assert "reachable" in event.get("reason", "") and "configured" not in event.get("reason", ""), event

    # One server back: binds succeed again, same proxy process.
    backup.start(keep=True)

    def bind_again():
        attempt = ldap_tool("ldapwhoami", failover_proxy.url, dn=user.dn, password=user.otp_password())
        if attempt.rc == UNAVAILABLE:
            return None
        return attempt

    recovered = wait_until(bind_again, timeout=15, interval=0.3, what="a bind to succeed after the backup returned")
    assert recovered.rc == 0, recovered
    assert recovered.out.strip() == f"dn:{user.dn}", recovered
    assert failover_proxy.wait_audit(user.uid, "allowed")["server"] == backup.url
    assert failover_proxy.alive()

    # And the primary, once back, takes over again.
    primary.start(keep=True)
    bind_goes_to(failover_proxy, primary.url, timeout=10)
