"""Operations (issue 7): the operations endpoint (/metrics, /healthz, /readyz on its own port), JSON and
text logs at the configured level, the audit stream on stdout or in its own file, SIGHUP reload of the
configuration and of the listener's certificate without dropping a client connection, a bad
configuration refused on SIGHUP, and SIGTERM draining a bind in flight before exiting 0.

Every test runs a real proxy process against a real slapd; the slow directory of the drain test is a
TCP relay this module controls (it holds the directory's answers until the test lets them go).
"""
from __future__ import annotations

import hashlib
import json
import re
import signal
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import PROXIES, log_fields
from helpers import (BASE_DN, SUCCESS, free_port, ldap3_connection, ldap_tool, parse_ldap_message, port_open,
                     simple_bind_pdu, ber_children, ber_read, wait_until, wrong_code)

# Quick health checks, so that /readyz follows the directory within seconds.
FAST_HEALTH = {"health_check_interval": "1s", "quarantine_initial": "1s", "quarantine_max": "2s",
               "connect_timeout": "1s", "operation_timeout": "3s"}


# ----------------------------------------------------------------------------- helpers

def http_get(port: int, path: str) -> tuple[int, str]:
    """GET http://127.0.0.1:port/path: (status, body); an HTTP error status is returned, not raised."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def status_when_listening(port: int, path: str) -> int:
    """http_get's status, or 0 while nothing listens on the port yet (the operations listener may come up a
    little after the LDAP one, e.g. under a sanitizer's slowdown)."""
    try:
        return http_get(port, path)[0]
    except urllib.error.URLError as error:
        if isinstance(error.reason, ConnectionRefusedError):
            return 0
        raise


_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$')
_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def metrics(port: int) -> dict[tuple[str, frozenset], float]:
    """The samples of /metrics (Prometheus text format 0.0.4): {(name, labels): value}."""
    status, body = http_get(port, "/metrics")
    assert status == 200, body
    samples = {}
    for line in body.splitlines():
        if not line or line.startswith("#"):
            continue
        match = _SAMPLE.match(line)
        assert match, f"not a Prometheus sample line: {line!r}"
        name, labels, value = match.groups()
        samples[(name, frozenset(_LABEL.findall(labels or "")))] = float(value)
    return samples


def sample(samples: dict, name: str, **labels: str) -> float:
    """One sample's value; 0 when it does not exist (a counter not incremented yet)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def names(samples: dict) -> set[str]:
    return {name for name, _ in samples}


def operations_port(proxy) -> int:
    return int(proxy.config["operations"]["listen"].rsplit(":", 1)[1])


def with_operations(overrides: dict | None = None) -> dict:
    """Config overrides that turn the operations endpoint on, on a free port."""
    result = {"operations": {"listen": f"127.0.0.1:{free_port()}"}}
    for section, values in (overrides or {}).items():
        result.setdefault(section, {}).update(values)
    return result


def stdout_lines(proxy) -> list[str]:
    return [line for line in proxy.log_text().splitlines() if line.strip()]


def wait_log(proxy, text: str, start: int = 0, timeout: float = 15) -> str:
    """Waits until `text` appears in the proxy's output after byte offset `start`; returns that part."""
    def find():
        part = proxy.log_text()[start:]
        return part if text in part else None
    try:
        return wait_until(find, timeout=timeout, what=f"{text!r} in the log of proxy {proxy.name}")
    except TimeoutError:
        raise AssertionError(f"{text!r} not logged by proxy {proxy.name}:\n{proxy.tail()}")


def gated_bind(proxy, user=None, url=None, **kwargs):
    user = user or proxy.new_user()
    result = ldap_tool("ldapwhoami", url or proxy.url, dn=user.dn, password=user.otp_password(), **kwargs)
    return user, result


def cert_fingerprint_pem(path: Path) -> str:
    der = ssl.PEM_cert_to_DER_cert(path.read_text().split("-----END CERTIFICATE-----")[0]
                                   + "-----END CERTIFICATE-----\n")
    return hashlib.sha256(der).hexdigest()


def served_fingerprint(port: int) -> str:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with context.wrap_socket(raw) as tls:
            return hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()


def read_ldap_message(sock: socket.socket, timeout: float) -> bytes:
    """Reads one whole LDAPMessage (BER TLV) from `sock`."""
    sock.settimeout(timeout)
    data = b""
    while True:
        try:
            ber_read(data)
            _, _, end = ber_read(data)
            return data[:end]
        except ValueError:
            pass
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"connection closed after {len(data)} bytes")
        data += chunk


def bind_result_code(message: bytes) -> int:
    """The resultCode of a BindResponse ([APPLICATION 1])."""
    decoded = parse_ldap_message(message)
    assert decoded["op_tag"] == 0x61, f"not a BindResponse: {decoded}"
    _, content, _ = ber_read(message)
    _, op = ber_children(content)[1]
    return int.from_bytes(ber_children(op)[0][1], "big")


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def ops_proxy(proxy_factory, slapd):
    """A proxy with the operations endpoint on, JSON logs at debug (as every proxy that
    test_zz_no_secrets_in_logs.py checks), audit on stdout."""
    return proxy_factory.start("ops", slapd.url, listen_tls=False, overrides=with_operations())


def start_unlisted(proxy_factory, name: str, servers: str, **kwargs):
    """A proxy left out of the session-wide secrets check (which wants every log at debug): for a
    test of a quieter level, which then checks its own log for secrets."""
    proxy = proxy_factory.create(name, servers, **kwargs)
    proxy_factory.proxies.append(proxy)
    proxy.start()
    return proxy


def assert_no_secrets(proxy, text: str) -> None:
    for secret in proxy.secrets:
        assert secret not in text, f"a secret reached the log of proxy {proxy.name}"


# ----------------------------------------------------------------------------- the endpoint

def test_healthz_answers_on_the_operations_port(ops_proxy):
    status, body = http_get(operations_port(ops_proxy), "/healthz")
    assert (status, body.strip()) == (200, "ok")
    assert http_get(operations_port(ops_proxy), "/nope")[0] == 404
    # The endpoint is its own port: the LDAP port does not speak HTTP.
    assert operations_port(ops_proxy) != ops_proxy.ldap_port


def test_metrics_count_binds_by_outcome_and_rule(ops_proxy):
    port = operations_port(ops_proxy)
    before = metrics(port)
    user, result = gated_bind(ops_proxy)
    assert result.rc == 0, result
    allowed = ops_proxy.wait_audit(user.uid, "allowed")
    other = ops_proxy.new_user()
    refused = ldap_tool("ldapwhoami", ops_proxy.url, dn=other.dn,
                        password=other.otp_password(code=wrong_code(other.secret)))
    assert refused.rc != 0, refused
    denied = ops_proxy.wait_audit(other.uid, "denied")

    def counted():
        after = metrics(port)
        return after if all(
            sample(after, "ldap_mfa_proxy_binds_total", outcome=e["outcome"], rule=e["rule"])
            >= sample(before, "ldap_mfa_proxy_binds_total", outcome=e["outcome"], rule=e["rule"]) + 1
            for e in (allowed, denied)) else None
    after = wait_until(counted, timeout=10, what="both binds counted in /metrics")
    for event in (allowed, denied):
        labels = {"outcome": event["outcome"], "rule": event["rule"]}
        assert sample(after, "ldap_mfa_proxy_binds_total", **labels) \
            == sample(before, "ldap_mfa_proxy_binds_total", **labels) + 1, labels
    # Latency histograms for the primary bind and the second factor, upstream health, connections.
    found = names(after)
    assert "ldap_mfa_proxy_primary_bind_duration_seconds_count" in found, sorted(found)
    assert "ldap_mfa_proxy_second_factor_duration_seconds_count" in found, sorted(found)
    assert any(name == "ldap_mfa_proxy_upstream_healthy" and value == 1.0
               for (name, _), value in after.items()), sorted(found)
    assert "ldap_mfa_proxy_open_connections" in found


def test_readyz_follows_the_only_directory(proxy_factory, slapd_factory):
    directory = slapd_factory.start("ready")
    proxy = proxy_factory.start("ready", directory.url, listen_tls=False,
                                overrides=with_operations({"directory": FAST_HEALTH}))
    port = operations_port(proxy)
    wait_until(lambda: status_when_listening(port, "/readyz") == 200, timeout=20, what="/readyz 200 at start")

    directory.stop()
    try:
        def not_ready():
            status, body = http_get(port, "/readyz")
            return body if status == 503 else None
        reason = wait_until(not_ready, timeout=20, what="/readyz 503 with the directory down")
        assert "no directory server is healthy" in reason
        # Alive all the same: liveness must not restart a proxy whose directory is down.
        assert http_get(port, "/healthz")[0] == 200
        assert proxy.alive()
    finally:
        directory.start(keep=True)
    wait_until(lambda: status_when_listening(port, "/readyz") == 200, timeout=30, what="/readyz 200 after restart")
    user, result = gated_bind(proxy)
    assert result.rc == 0, result


# ----------------------------------------------------------------------------- logs

def test_json_logs_on_stdout_and_audit_marked(ops_proxy):
    user, result = gated_bind(ops_proxy)
    assert result.rc == 0, result
    ops_proxy.wait_audit(user.uid, "allowed")
    lines = stdout_lines(ops_proxy)
    objects = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "label", "message"} <= set(o) for o in objects)
    # Level debug: debug lines are written (test_log_level_warning_... shows the other direction).
    assert [o for o in objects if o["level"] == "debug"], "no debug line at level debug"
    audit = [o for o in objects if o.get("event") == "bind"]
    assert audit and all(o.get("stream") == "audit" for o in audit)
    assert not [o for o in objects if o.get("stream") == "audit" and o.get("event") != "bind"]


def test_log_level_warning_keeps_only_warnings_and_audit(proxy_factory, slapd):
    proxy = start_unlisted(proxy_factory, "quiet", slapd.url, listen_tls=False,
                           overrides={"log": {"level": "warning"}})
    user, result = gated_bind(proxy)
    assert result.rc == 0, result
    proxy.wait_audit(user.uid, "allowed")
    objects = [json.loads(line) for line in stdout_lines(proxy)]
    operational = [o for o in objects if o.get("stream") != "audit"]
    assert all(o["level"] in ("warning", "error", "critical") for o in operational), operational
    assert not any("is listening" in o["message"] for o in objects)
    assert [o for o in objects if o.get("stream") == "audit"], "the audit stream follows log.level"
    assert_no_secrets(proxy, proxy.log_text())


def test_text_format(proxy_factory, slapd):
    proxy = proxy_factory.start("text", slapd.url, listen_tls=False, overrides={"log": {"format": "text"}})
    user, result = gated_bind(proxy)
    assert result.rc == 0, result
    event = proxy.wait_audit(user.uid, "allowed")
    assert event.get("stream") == "audit"
    lines = stdout_lines(proxy)
    assert not [line for line in lines if line.lstrip().startswith("{")], "JSON lines in text format"
    assert any("ldap-mfa-proxy is listening" in line for line in lines)


def test_audit_file_gets_one_event_per_bind_and_no_secret(proxy_factory, slapd, tmp_path):
    audit_path = tmp_path / "audit" / "audit.jsonl"
    audit_path.parent.mkdir()
    proxy = proxy_factory.start("audit", slapd.url, listen_tls=False,
                                overrides={"log": {"level": "debug", "audit": str(audit_path)}})
    allowed_user, result = gated_bind(proxy)
    assert result.rc == 0, result
    denied_user = proxy.new_user()
    denied_password = denied_user.otp_password(code=wrong_code(denied_user.secret))
    assert ldap_tool("ldapwhoami", proxy.url, dn=denied_user.dn, password=denied_password).rc != 0

    def events():
        if not audit_path.exists():
            return None
        found = [json.loads(line) for line in audit_path.read_text().splitlines() if line.strip()]
        return found if len(found) >= 2 else None
    found = wait_until(events, timeout=10, what=f"two audit events in {audit_path}")
    assert len(found) == 2, found
    for event, user, outcome in zip(found, (allowed_user, denied_user), ("allowed", "denied")):
        assert event["event"] == "bind" and event["outcome"] == outcome, event
        assert event["user"] in (user.uid, user.dn), event
    assert audit_path.stat().st_mode & 0o077 == 0, "the audit file is readable by others"
    assert_no_secrets(proxy, audit_path.read_text())
    # Its own stream: the audit events are not on stdout.
    assert not proxy.audit_events()


# ----------------------------------------------------------------------------- SIGHUP

def test_sighup_reloads_config_and_certificate_without_dropping_a_connection(proxy_factory, slapd, certs):
    proxy = proxy_factory.create("reload", slapd.url)
    cert = proxy.workdir / "listen-cert.pem"
    key = proxy.workdir / "listen-key.pem"
    cert.write_bytes((certs / "server-chain.pem").read_bytes())
    key.write_bytes((certs / "server.key").read_bytes())
    key.chmod(0o600)
    proxy.config["listen"]["tls"] = {"certificate": str(cert), "key": str(key)}
    proxy_factory.proxies.append(proxy)
    PROXIES.append(proxy)
    proxy.start()

    # A client connection over LDAPS, bound through the gate, kept open across the reload.
    first = proxy.new_user()
    connection = ldap3_connection(proxy.ldaps_url, first.dn, first.otp_password(), ca_file=certs / "ca.pem")
    assert connection.bind(), connection.result
    assert served_fingerprint(proxy.ldaps_port) == cert_fingerprint_pem(certs / "server.pem")

    # New certificate (another CA, same names) and a new rule: one user is exempt from the second factor.
    exempt = proxy.new_user()
    cert.write_bytes((certs / "wrong-server.pem").read_bytes())
    key.write_bytes((certs / "wrong-server.key").read_bytes())
    proxy.config["mfa"]["exempt"] = {"dns": [exempt.dn]}
    # The runtime the reload replaces is shut down after the (new) drain deadline: the old connection
    # must outlive that too.
    # And a setting read only at start: the reload names it in a warning instead of applying it.
    later_port = free_port()
    proxy.config["operations"] = {"drain_timeout": "1s", "listen": f"127.0.0.1:{later_port}"}
    proxy.write_config()
    mark = proxy.log_size()
    proxy.process.send_signal(signal.SIGHUP)
    reloaded = wait_log(proxy, "configuration reloaded", start=mark)
    warning = next(log_fields(l) for l in reloaded.splitlines() if "only at the next restart" in l)
    assert warning["keys"] == "operations.listen", warning
    assert not port_open(later_port)
    time.sleep(2)  # past the drain deadline of 1s (not a timing assertion: it only has to be later)

    # The old connection still works: another gated bind on the same socket.
    second = proxy.new_user()
    assert connection.rebind(second.dn, second.otp_password()), connection.result
    assert connection.extend.standard.who_am_i() == f"dn:{second.dn}"
    connection.unbind()
    # A new connection sees the new certificate and the new rule.
    assert served_fingerprint(proxy.ldaps_port) == cert_fingerprint_pem(certs / "wrong-server.pem")
    result = ldap_tool("ldapwhoami", proxy.url, dn=exempt.dn, password=exempt.password)
    assert result.rc == 0, result
    assert proxy.alive()


def test_bad_config_on_sighup_is_refused_and_the_old_one_stays(proxy_factory, slapd):
    proxy = proxy_factory.start("badreload", slapd.url, listen_tls=False)
    user = proxy.new_user()  # enrolled while the file is still good (the CLI reads it too)
    good = proxy.config_path.read_text()
    proxy.config_path.write_text(good.replace('"provider": "totp"', '"provider": "duo"'))
    assert '"duo"' in proxy.config_path.read_text()
    mark = proxy.log_size()
    proxy.process.send_signal(signal.SIGHUP)
    refused = wait_log(proxy, "configuration reload refused", start=mark)
    line = next(log_fields(l) for l in refused.splitlines() if "configuration reload refused" in l)
    assert "mfa.provider" in line.get("problems", ""), line
    assert proxy.alive()
    # The running configuration still gates binds with TOTP.
    _, result = gated_bind(proxy, user)
    assert result.rc == 0, result
    proxy.config_path.write_text(good)


# ----------------------------------------------------------------------------- SIGTERM

class HoldingRelay:
    """A TCP relay to the directory that can hold the directory's answers until released: a bind in
    flight through it stays in flight for as long as the test wants, without timing guesses."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.released = threading.Event()
        self.released.set()
        self.held_bytes = 0
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    def hold(self) -> None:
        with self.lock:
            self.held_bytes = 0
        self.released.clear()

    def release(self) -> None:
        self.released.set()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            self.sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, answers: bool) -> None:
        try:
            while data := source.recv(65536):
                if answers and not self.released.is_set():
                    with self.lock:
                        self.held_bytes += len(data)
                    self.released.wait()
                target.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, target):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.release()
        self.listener.close()
        for s in self.sockets:
            s.close()


def test_sigterm_lets_a_bind_in_flight_finish_refuses_new_connections_then_exits_0(proxy_factory, slapd):
    relay = HoldingRelay(slapd.port)
    try:
        proxy = proxy_factory.start("drain", relay.url, listen_tls=False, overrides={
            "directory": {"health_check_interval": "1h", "operation_timeout": "30s"},
            "operations": {"drain_timeout": "20s"}})
        user = proxy.new_user()
        password = user.otp_password()
        client = socket.create_connection(("127.0.0.1", proxy.ldap_port), timeout=5)

        relay.hold()
        client.sendall(simple_bind_pdu(1, user.dn, password))
        wait_until(lambda: relay.held_bytes > 0, timeout=10, what="the directory's answer held by the relay")
        mark = proxy.log_size()
        proxy.process.send_signal(signal.SIGTERM)
        wait_log(proxy, "no new connections accepted", start=mark)

        # Draining: the listener is closed, the bind still waits for its answer.
        wait_until(lambda: not port_open(proxy.ldap_port), timeout=10,
                   what="new connections refused while the bind is in flight")
        assert proxy.process.poll() is None, "the proxy exited with a bind in flight"

        relay.release()
        assert bind_result_code(read_ldap_message(client, timeout=20)) == SUCCESS
        client.close()
        assert proxy.process.wait(timeout=20) == 0
        assert "drained: no bind in flight" in proxy.log_text()[mark:]
        proxy.wait_audit(user.uid, "allowed")
    finally:
        relay.close()


# ----------------------------------------------------------------------------- sync figures

def test_metrics_show_the_synchronisation(proxy_factory, slapd):
    """`sync.enabled`: the cycle at start is counted, with the users it added and its time."""
    proxy = proxy_factory.start("opsync", slapd.url, listen_tls=False, overrides=with_operations({
        "directory": {"attributes": {"unique_identifier": "entryUUID", "unique_identifier_type": "string"},
                      "filters": {"user": "(objectClass=inetOrgPerson)"}},
        "sync": {"enabled": True, "interval": "1h", "items": [{"container": f"ou=people,{BASE_DN}"}]},
    }))
    port = operations_port(proxy)
    def applied():
        samples = metrics(port)
        return samples if sample(samples, "ldap_mfa_proxy_sync_cycles_total", outcome="applied") >= 1 else None
    after = wait_until(applied, timeout=60, what="an applied synchronisation cycle in /metrics")
    listed = proxy.cli("users", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    users = json.loads(listed.stdout)
    assert users, "the cycle added nobody"
    assert sample(after, "ldap_mfa_proxy_sync_users_total", change="added") == len(users)
    assert sample(after, "ldap_mfa_proxy_sync_last_cycle_outcome", outcome="applied") == 1
    assert sample(after, "ldap_mfa_proxy_sync_last_cycle_outcome", outcome="failed") == 0
    assert sample(after, "ldap_mfa_proxy_sync_last_cycle_timestamp_seconds") > 0
    assert sample(after, "ldap_mfa_proxy_sync_staged_removals") == 0
