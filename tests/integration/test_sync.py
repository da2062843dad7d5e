"""Directory synchronisation driven through the product's own interfaces (issue 6): `serve` with
`sync.enabled` synchronises at start, the `sync` subcommands and `users list --json` work for
scripts, removals above the approval threshold wait for `sync approve`, and a user the
synchronisation disabled is refused at the bind even with a valid password and code.

The engine's own cases (paging, item priority, DirSync on Samba, extension parsing) are in
Tests/DirectorySyncTests; these tests show the same machinery from the outside, against a real
slapd of their own (they delete and change entries).
"""
from __future__ import annotations

import json
import subprocess

import pytest

from helpers import (BASE_DN, INVALID_CREDENTIALS, PEOPLE, SUCCESS, ldap_tool, random_secret, totp,
                     wait_until)

ROOT_DN = f"cn=admin,{BASE_DN}"
ROOT_PASSWORD = "admin-secret"
SAMPLE_PEOPLE = 204  # alice, bob, carol, dave and user0001...user0200


@pytest.fixture(scope="module")
def sync_slapd(slapd_factory):
    return slapd_factory.start("sync")


@pytest.fixture(scope="module")
def sync_proxy(proxy_factory, sync_slapd):
    """A proxy that synchronises ou=people at start (the user filter leaves out entries marked
    `description: left`, so a test can take a user out of every item without deleting it)."""
    return proxy_factory.start("sync", sync_slapd.url, overrides={
        "directory": {
            "attributes": {"unique_identifier": "entryUUID", "unique_identifier_type": "string"},
            "filters": {"user": "(&(objectClass=inetOrgPerson)(!(description=left)))"},
        },
        "sync": {
            "enabled": True,
            "interval": "1h",
            "approval_threshold": 5,
            "items": [{"container": PEOPLE, "on_removal": "disable"}],
        },
    })


def cli_json(proxy, *args: str):
    proc = proxy.cli(*args, "--json")
    assert proc.returncode == 0, f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return json.loads(proc.stdout)


def users_by_name(proxy) -> dict[str, dict]:
    return {user["username"]: user for user in cli_json(proxy, "users", "list")}


def ldap_root(slapd, tool: str, ldif: str) -> None:
    proc = subprocess.run([tool, "-x", "-H", slapd.url, "-D", ROOT_DN, "-w", ROOT_PASSWORD],
                          input=ldif, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, f"{tool} failed:\n{proc.stdout}\n{proc.stderr}"


def test_serve_synchronises_the_directory_at_start(sync_proxy):
    users = wait_until(lambda: (found := users_by_name(sync_proxy)) and len(found) >= SAMPLE_PEOPLE and found,
                       timeout=60, what="serve's first synchronisation cycle")
    assert len(users) == SAMPLE_PEOPLE
    alice = users["alice"]
    assert alice["dn"] == f"uid=alice,{PEOPLE}"
    assert alice["email"] == "alice@example.test"
    assert alice["mobile_phone"] == "+1 555 0101"
    assert alice["enabled"] is True and alice["enrolled"] is False
    assert alice["sync_item"] == f"container:{PEOPLE}"
    status = cli_json(sync_proxy, "sync", "status")
    cycle = status["last_cycle"]
    assert cycle["outcome"] == "applied" and cycle["errors"] == [], status
    assert cycle["added"] + cycle["updated"] + cycle["unchanged"] == SAMPLE_PEOPLE, status
    assert status["pending"] == 0 and status["full_sync_required"] is False, status


def test_removals_above_the_threshold_wait_for_approval(sync_proxy, sync_slapd):
    wait_until(lambda: len(users_by_name(sync_proxy)) >= SAMPLE_PEOPLE, timeout=60, what="the first cycle")
    gone = [f"user{n:04d}" for n in range(190, 197)]  # 7 > approval_threshold 5
    ldap_root(sync_slapd, "ldapdelete", "\n".join(f"uid={uid},{PEOPLE}" for uid in gone) + "\n")

    outcome = cli_json(sync_proxy, "sync", "now")
    assert outcome["outcome"] != "failed", outcome
    assert outcome["staged"] == len(gone), outcome
    assert outcome["disabled"] == 0 and outcome["removed"] == 0, outcome
    users = users_by_name(sync_proxy)
    assert all(users[uid]["enabled"] for uid in gone), "nothing may be applied before approval"

    pending = cli_json(sync_proxy, "sync", "pending")
    assert pending is not None, "the staged batch must be listed"
    staged = json.dumps(pending)
    assert all(uid in staged for uid in gone), pending

    approved = cli_json(sync_proxy, "sync", "approve")
    assert approved.get("approved") is True, approved
    users = users_by_name(sync_proxy)
    assert all(users[uid]["enabled"] is False for uid in gone), {uid: users[uid] for uid in gone}
    assert cli_json(sync_proxy, "sync", "pending") is None


def test_a_user_the_synchronisation_disabled_is_refused(sync_proxy, sync_slapd):
    wait_until(lambda: len(users_by_name(sync_proxy)) >= SAMPLE_PEOPLE, timeout=60, what="the first cycle")
    uid, password = "user0180", "pass-user0180"
    user = sync_proxy.enrol(uid, password, random_secret())
    dn = f"uid={uid},{PEOPLE}"

    code = totp(user.secret)
    sync_proxy.remember(code)
    assert ldap_tool("ldapwhoami", sync_proxy.url, dn=dn, password=f"{password},{code}").rc == SUCCESS

    # Out of every item (the user filter no longer matches), not deleted: on_removal disables.
    ldap_root(sync_slapd, "ldapmodify", f"dn: {dn}\nchangetype: modify\nadd: description\ndescription: left\n")
    outcome = cli_json(sync_proxy, "sync", "now")
    assert outcome["disabled"] == 1, outcome
    record = users_by_name(sync_proxy)[uid]
    assert record["enabled"] is False and record["enrolled"] is True, "MFA data stays with a disabled user"

    code = totp(user.secret, step_offset=1)  # a newer step than the one already used
    sync_proxy.remember(code)
    result = ldap_tool("ldapwhoami", sync_proxy.url, dn=dn, password=f"{password},{code}")
    assert result.rc == INVALID_CREDENTIALS, result
    event = sync_proxy.wait_audit(uid, "denied")
    assert event.get("rule") == "user-disabled", event
