"""`store.postgres` (issue 7): two proxy processes on one PostgreSQL store and one slapd behave as one
service. A code accepted through one replica is refused through the other; a lockout reached through one
holds on the other; a bind-cache entry made through one is a hit on the other; with synchronisation on
both, the lease lets one synchronise while the other skips. The CLI (`users enrol/list/reset`, `sync
now/status`) and /readyz work against PostgreSQL.

PostgreSQL 15 is started by scripts/postgres/start.sh on a free port in this module's temporary folder
(scram-sha-256 password authentication, the password in a file the proxies read).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from helpers import INVALID_CREDENTIALS, PEOPLE, REPO, SUCCESS, free_port, ldap_tool, wait_until

PG_START = REPO / "scripts" / "postgres" / "start.sh"
PG_STOP = REPO / "scripts" / "postgres" / "stop.sh"
BIND_CACHE_TTL = 4  # seconds: long enough for a hit right away, short enough to wait out for the replay test


class Postgres:
    def __init__(self, directory, env: dict):
        self.directory = directory
        self.url = env["PG_URL"]
        self.password_file = env["PG_PASSWORD_FILE"]
        self.port = env["PG_PORT"]
        self.socket = env["PG_SOCKET"]

    def psql_argv(self) -> list[str]:
        return ["psql", "-h", self.socket, "-p", self.port, "-U", "mfa", "-d", "mfa", "-v", "ON_ERROR_STOP=1"]

    def sql(self, statement: str) -> str:
        proc = subprocess.run([*self.psql_argv(), "-tAc", statement], capture_output=True, text=True, timeout=30)
        assert proc.returncode == 0, f"psql failed: {proc.stderr}"
        return proc.stdout.strip()


@pytest.fixture(scope="module")
def postgres(tmp_path_factory):
    directory = tmp_path_factory.mktemp("postgres")
    proc = subprocess.run(["bash", str(PG_START), str(directory)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"scripts/postgres/start.sh failed:\n{proc.stdout}\n{proc.stderr}"
    env = dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)
    yield Postgres(directory, env)
    subprocess.run(["bash", str(PG_STOP), str(directory)], capture_output=True, timeout=60)


@pytest.fixture(scope="module")
def replicas(proxy_factory, slapd, postgres, tmp_path_factory):
    """Two proxies on the same store and key: user lockout after 3 failures, a short bind cache, the
    operations endpoint on, synchronisation of ou=people configured but off (the sync test turns it on)."""
    shared = tmp_path_factory.mktemp("shared-key")
    key_file = shared / "store.key"
    key = subprocess.run(["openssl", "rand", "-base64", "32"], capture_output=True, text=True, check=True).stdout
    key_file.write_text(key)
    key_file.chmod(0o600)
    proxies = []
    for name in ("pg-a", "pg-b"):
        proxy = proxy_factory.start(name, slapd.url, listen_tls=False, overrides={
            "store": {"sqlite": None, "encryption_key_file": str(key_file),
                      "postgres": {"url": postgres.url, "password_file": postgres.password_file,
                                   "pool_size": 4, "connect_timeout": "5s"}},
            "mfa": {"bind_cache": {"ttl": f"{BIND_CACHE_TTL}s"},
                    "lockout": {"max_failures": 3, "max_failures_per_address": 0, "window": "60s",
                                "duration": "60s"}},
            "operations": {"listen": f"127.0.0.1:{free_port()}"},
            "directory": {"attributes": {"unique_identifier": "entryUUID", "unique_identifier_type": "string"},
                          "filters": {"user": "(objectClass=inetOrgPerson)"}},
            "sync": {"enabled": False, "interval": "1h", "items": [{"container": PEOPLE, "on_removal": "disable"}]},
        })
        proxy.remember(Path(postgres.password_file).read_text().strip())
        proxies.append(proxy)
    return proxies


def whoami(proxy, dn: str, password: str):
    return ldap_tool("ldapwhoami", proxy.url, dn=dn, password=password)


def last_event(proxy, uid: str, outcome: str) -> dict:
    return proxy.wait_audit(uid, outcome)


def test_both_replicas_are_ready_with_the_store_on_postgres(replicas):
    for proxy in replicas:
        port = int(proxy.config["operations"]["listen"].rsplit(":", 1)[1])

        def ready():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5) as response:
                    return response.status == 200
            except OSError:
                return False
        wait_until(ready, timeout=30, what=f"/readyz of {proxy.name} to answer 200")


def test_the_cli_enrols_lists_and_resets_users_in_postgres(replicas, postgres):
    a, b = replicas
    user = a.new_user()
    listed = {u["username"]: u for u in json.loads(b.cli("users", "list", "--json").stdout)}
    assert listed[user.uid]["enrolled"] is True
    assert postgres.sql(f"SELECT count(*) FROM users WHERE username_key = '{user.uid}'") == "1"
    secret = postgres.sql(f"SELECT encode(totp_secret, 'hex') FROM users WHERE username_key = '{user.uid}'")
    assert secret and user.secret.encode().hex() not in secret, "the secret is stored sealed"
    reset = b.cli("users", "reset", user.uid)
    assert reset.returncode == 0, reset.stderr
    listed = {u["username"]: u for u in json.loads(a.cli("users", "list", "--json").stdout)}
    assert listed[user.uid]["enrolled"] is False


def test_a_code_accepted_through_one_replica_is_refused_through_the_other(replicas):
    a, b = replicas
    user = a.new_user()
    secret = user.otp_password()
    result = whoami(a, user.dn, secret)
    assert result.rc == SUCCESS, result
    assert last_event(a, user.uid, "allowed")["rule"] == "second-factor"
    time.sleep(BIND_CACHE_TTL + 0.5)  # past the bind cache: the code itself is checked again
    result = whoami(b, user.dn, secret)
    assert result.rc == INVALID_CREDENTIALS, result
    event = last_event(b, user.uid, "denied")
    assert event["rule"] == "second-factor" and "already used" in event.get("reason", ""), event


def test_a_bind_cache_entry_made_through_one_replica_is_a_hit_on_the_other(replicas):
    a, b = replicas
    user = b.new_user()
    secret = user.otp_password()
    assert whoami(b, user.dn, secret).rc == SUCCESS
    result = whoami(a, user.dn, secret)
    assert result.rc == SUCCESS, result
    assert last_event(a, user.uid, "allowed")["rule"] == "bind-cache"


def test_a_lockout_reached_through_one_replica_holds_on_the_other(replicas):
    a, b = replicas
    user = a.new_user()
    for attempt in range(3):
        result = whoami(a, user.dn, f"wrong-password-{attempt},123456")
        assert result.rc == INVALID_CREDENTIALS, result
    result = whoami(b, user.dn, user.otp_password())  # right password and code, other replica
    assert result.rc == INVALID_CREDENTIALS, result
    event = last_event(b, user.uid, "denied")
    assert event["rule"] == "locked-out", event


def test_with_sync_on_both_replicas_one_synchronises_and_the_other_skips(replicas, postgres):
    a, b = replicas
    # Hold the users table so that whichever replica takes the lease stays inside its cycle until released.
    holder = subprocess.Popen(postgres.psql_argv(), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        holder.stdin.write("BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE;\n")
        holder.stdin.flush()
        wait_until(lambda: postgres.sql(
            "SELECT count(*) FROM pg_locks WHERE relation = 'users'::regclass AND mode = 'AccessExclusiveLock' "
            "AND granted") == "1", timeout=20, what="psql to lock the users table")
        offsets = {proxy.name: proxy.log_size() for proxy in replicas}
        for proxy in replicas:
            proxy.config["sync"]["enabled"] = True
            proxy.write_config()
            proxy.process.send_signal(signal.SIGHUP)

        def skipped():
            found = [p for p in replicas if "synchronisation skipped: another instance" in p.log_text()[offsets[p.name]:]]
            return found or None
        skipper = wait_until(skipped, timeout=30, what="one replica to skip synchronisation")
        assert len(skipper) == 1, "both replicas skipped: the lease was held by neither of them"
    finally:
        holder.stdin.write("COMMIT;\n\\q\n")
        holder.stdin.close()
        holder.wait(timeout=30)
    syncer = b if skipper[0] is a else a

    def synced():
        status = json.loads(syncer.cli("sync", "status", "--json").stdout)
        cycle = status.get("last_cycle") or {}
        return status if cycle.get("outcome") == "applied" else None
    status = wait_until(synced, timeout=60, what=f"{syncer.name}'s cycle to be applied")
    skip_line = next(line for line in skipper[0].log_text()[offsets[skipper[0].name]:].splitlines()
                     if "synchronisation skipped" in line)
    assert f"/{syncer.process.pid}/" in skip_line, f"the skip names another holder than {syncer.name}: {skip_line}"
    assert str(syncer.process.pid) not in str(status.get("lease") or ""), "the lease was given back"
    # The synchronised users are in the shared store: the other replica lists them.
    listed = {u["username"]: u for u in json.loads(skipper[0].cli("users", "list", "--json").stdout)}
    assert "alice" in listed and listed["alice"].get("unique_id"), listed.get("alice")
    for proxy in replicas:
        proxy.config["sync"]["enabled"] = False
        proxy.write_config()
        proxy.process.send_signal(signal.SIGHUP)


def test_sync_now_from_the_cli_runs_against_postgres(replicas):
    a, _ = replicas
    proc = a.cli("sync", "now", "--json", timeout=120)
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr}"
    assert json.loads(proc.stdout)["outcome"] == "applied"


def test_tls_to_postgres_is_verified_against_the_ca_file(proxy_factory, slapd, certs, tmp_path_factory):
    """sslmode=verify-full with store.postgres.ca_file: the dev CA's server certificate is accepted, a
    certificate from another CA is refused with a reason (and the CLI fails, it does not hang)."""
    directory = tmp_path_factory.mktemp("postgres-tls")
    env = {**os.environ, "PG_TLS_CERT": str(certs / "server-chain.pem"), "PG_TLS_KEY": str(certs / "server.key")}
    proc = subprocess.run(["bash", str(PG_START), str(directory)], capture_output=True, text=True, timeout=120,
                          env=env)
    assert proc.returncode == 0, f"start.sh with TLS failed:\n{proc.stdout}\n{proc.stderr}"
    try:
        pg = dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)
        url = pg["PG_URL"].replace("sslmode=disable", "sslmode=verify-full")
        for name, ca, ok in (("pg-tls-good", certs / "ca.pem", True), ("pg-tls-wrong", certs / "wrong-ca.pem", False)):
            proxy = proxy_factory.create(name, slapd.url, listen_tls=False, overrides={
                "store": {"sqlite": None, "postgres": {"url": url, "password_file": pg["PG_PASSWORD_FILE"],
                                                       "ca_file": str(ca), "connect_timeout": "3s"}}})
            enrol = proxy.cli("users", "list")
            if ok:
                assert enrol.returncode == 0, f"{enrol.stdout}\n{enrol.stderr}"
            else:
                assert enrol.returncode != 0, enrol.stdout
                assert "cannot connect" in enrol.stderr, enrol.stderr
    finally:
        subprocess.run(["bash", str(PG_STOP), str(directory)], capture_output=True, timeout=60)


def test_both_replicas_are_still_running(replicas):
    for proxy in replicas:
        assert proxy.alive(), proxy.tail()
