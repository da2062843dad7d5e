"""The malformed-PDU corpus (issue 8) replayed against a running proxy.

tests/integration/malformed/cases/ is written by tests/integration/malformed/generate.py (its
docstring describes the manifest). For each class of case (truncations, hostile lengths, wrong tags,
depth bombs, floods, garbage before StartTLS, TLS garbage, slowloris) every case is replayed on its
own connection, and each connection must end as its manifest entry says: a Notice of Disconnection
(RFC 4511 §4.4.1, messageID 0) with the right result code, a close, or the right answers. All the
while a healthy client binds again and again on other connections; it must never fail, must bind
during every class, and the proxy process must still be running after each class.
"""
from __future__ import annotations

import json
import socket
import ssl
import threading
import time
from pathlib import Path

import pytest

from helpers import (NOTICE_OF_DISCONNECTION_OID, READER_DN, READER_PASSWORD, ber_children, ber_read,
                     simple_bind_pdu)

CASES = Path(__file__).resolve().parent / "malformed" / "cases"
MANIFEST = json.loads((CASES / "manifest.json").read_text())
CLASSES = sorted({entry["class"] for entry in MANIFEST})
STARTTLS = bytes.fromhex("301d02017f7718801631") + b".3.6.1.4.1.1466.20037"
IDLE_TIMEOUT_SECONDS = 3
# How long a connection may take to end; generous, since slowloris cases wait for the idle timeout.
END_WITHIN = 20


def messages(data: bytes) -> tuple[list[dict], bytes]:
    """The whole LDAPMessages at the start of `data` (messageID, op tag, result code, response name)
    and the bytes after them."""
    out, pos = [], 0
    while pos < len(data):
        try:
            tag, content, end = ber_read(data, pos)
        except ValueError:
            break
        assert tag == 0x30, f"not an LDAPMessage from the proxy: {data[pos:].hex()}"
        (_, id_bytes), (op_tag, op) = ber_children(content)[:2]
        entry = {"id": int.from_bytes(id_bytes, "big", signed=True), "op": op_tag, "code": None, "name": None}
        if op_tag in (0x61, 0x65, 0x67, 0x69, 0x6B, 0x6D, 0x6F, 0x78):
            parts = ber_children(op)
            entry["code"] = int.from_bytes(parts[0][1], "big")
            entry["name"] = next((v for t, v in parts[3:] if t == 0x8A), None)
        out.append(entry)
        pos = end
    return out, data[pos:]


def read_until_closed(sock, timeout: float) -> bytes:
    """Everything received until the peer closes; fails if it does not close within `timeout`."""
    sock.settimeout(0.2)
    data = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, ssl.SSLWantReadError):
            continue
        except (ConnectionResetError, BrokenPipeError, ssl.SSLError, OSError):
            return data
        if not chunk:
            return data
        data += chunk
    raise AssertionError(f"still open after {timeout}s (received {data[:200].hex()})")


def read_messages(sock, count: int, timeout: float) -> list[dict]:
    sock.settimeout(timeout)
    data = b""
    while True:
        found, _ = messages(data)
        if len(found) >= count:
            return found
        chunk = sock.recv(65536)
        assert chunk, f"closed after {found}"
        data += chunk


def tls_context(certs: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(certs / "ca.pem"))
    context.check_hostname = False
    return context


def connect(proxy, certs: Path, transport: str):
    """A connection ready for the payload, as the manifest's `transport` says."""
    port = proxy.ldaps_port if transport.startswith("ldaps") else proxy.ldap_port
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    if transport == "ldaps":
        return tls_context(certs).wrap_socket(sock)
    if transport.startswith("starttls"):
        sock.sendall(STARTTLS)
        [response] = read_messages(sock, 1, timeout=10)
        assert response["op"] == 0x78 and response["code"] == 0, f"StartTLS refused: {response}"
        if transport == "starttls":
            return tls_context(certs).wrap_socket(sock)
    return sock


def send(sock, payload: bytes, dribble: float | None, stop_when_closed: bool) -> bytes:
    """Sends the payload (a byte at a time when dribbling); returns what arrived meanwhile."""
    if not dribble:
        try:
            sock.sendall(payload)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the proxy may close before it has read everything: fine
        return b""
    received = b""
    for byte in payload:
        try:
            sock.sendall(bytes([byte]))
        except (BrokenPipeError, ConnectionResetError):
            return received
        sock.settimeout(dribble)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except ConnectionResetError:
            return received
        if not chunk:
            return received
        received += chunk
        if stop_when_closed:
            return received + read_until_closed(sock, END_WITHIN)
    raise AssertionError(f"the whole dribbled payload ({len(payload)} bytes) went through before any answer")


def check_notice(notice: dict, code: int, case: str) -> None:
    assert notice["id"] == 0 and notice["op"] == 0x78, f"{case}: not a Notice of Disconnection: {notice}"
    assert notice["name"] == NOTICE_OF_DISCONNECTION_OID, f"{case}: {notice}"
    assert notice["code"] == code, f"{case}: Notice with resultCode {notice['code']}, expected {code}"


def replay(proxy, certs: Path, entry: dict) -> None:
    """Replays one case and checks how its connection ends."""
    case = f"{entry['class']}/{entry['name']}"
    payload = (CASES / entry["file"]).read_bytes()
    expect = entry["expect"]
    sock = connect(proxy, certs, entry["transport"])
    with sock:
        data = send(sock, payload, entry.get("dribble"), stop_when_closed=True)
        if entry.get("half_close"):
            assert not isinstance(sock, ssl.SSLSocket), f"{case}: half_close is for raw sockets only"
            try:
                sock.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        if expect == "answered":
            found = read_messages(sock, len(entry["answers"]), timeout=END_WITHIN)
            got = [[m["id"], m["op"], m["code"]] for m in found]
            assert got == entry["answers"], f"{case}: answers {got}, expected {entry['answers']}"
            # Still open and serving: one more request on the same connection.
            sock.sendall(bytes.fromhex("301e02017e7719801731") + b".3.6.1.4.1.4203.1.11.3")
            [again] = read_messages(sock, 1, timeout=END_WITHIN)
            assert again["id"] == 126 and again["code"] == 0, f"{case}: {again}"
            return
        if not data or expect != "close":
            data += read_until_closed(sock, END_WITHIN)
    if expect == "close":
        return  # closed; what came first (a TLS alert) is not LDAP
    found, rest = messages(data)
    answers = entry.get("answers", [])
    got = [[m["id"], m["op"], m["code"]] for m in found[: len(answers)]]
    assert got == answers, f"{case}: answers {got}, expected {answers}"
    found = found[len(answers):]
    assert not rest, f"{case}: bytes that are not a whole LDAPMessage: {rest.hex()}"
    if expect == "silent-close":
        assert not found, f"{case}: expected a silent close, got {found}"
    elif expect == "notice-or-close" and not found:
        pass
    else:
        assert len(found) == 1, f"{case}: expected one Notice of Disconnection, got {found}"
        check_notice(found[0], entry["code"], case)


class HealthyClient:
    """Binds as the (MFA-exempt) reader account over and over on fresh connections."""

    def __init__(self, port: int):
        self.port = port
        self.successes = 0
        self.failures: list[str] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def bind_once(self) -> None:
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            sock.sendall(simple_bind_pdu(1, READER_DN, READER_PASSWORD))
            [response] = read_messages(sock, 1, timeout=10)
            if response["id"] != 1 or response["op"] != 0x61 or response["code"] != 0:
                raise AssertionError(f"bind answered {response}")
            sock.sendall(bytes.fromhex("30050201024200"))

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.bind_once()
                self.successes += 1
            except Exception as error:  # noqa: BLE001 - every failure is reported by the test
                self.failures.append(f"{type(error).__name__}: {error}")
            time.sleep(0.05)


@pytest.fixture(scope="module")
def corpus_proxy(proxy_factory, slapd):
    """A proxy with a short idle timeout (for the slowloris cases) and the reader account exempt
    from MFA (for the healthy client)."""
    return proxy_factory.start(
        "malformed-corpus", slapd.url,
        overrides={"listen": {"idle_timeout": f"{IDLE_TIMEOUT_SECONDS}s"}, "mfa": {"exempt": {"dns": [READER_DN]}}})


@pytest.fixture(scope="module")
def healthy(corpus_proxy):
    client = HealthyClient(corpus_proxy.ldap_port)
    client.bind_once()  # the healthy path works before any abuse
    client.thread.start()
    yield client
    client.stop.set()
    client.thread.join(timeout=30)


def test_corpus_is_generated_and_small():
    files = [CASES / entry["file"] for entry in MANIFEST]
    assert all(path.is_file() for path in files)
    assert set(CLASSES) == {"truncation", "hostile-length", "wrong-tag", "depth-bomb", "flood",
                            "garbage-before-starttls", "tls-garbage", "slowloris"}
    assert sum(path.stat().st_size for path in files) < 200_000


@pytest.mark.parametrize("cls", CLASSES)
def test_malformed_class_is_answered_and_others_are_served(corpus_proxy, certs, healthy, cls):
    entries = [entry for entry in MANIFEST if entry["class"] == cls]
    before = healthy.successes
    errors: list[str] = []

    def run(entry):
        try:
            replay(corpus_proxy, certs, entry)
        except Exception as error:  # noqa: BLE001 - collected and reported below
            errors.append(f"{entry['class']}/{entry['name']}: {type(error).__name__}: {error}")

    # All cases of the class at once, each on its own connection.
    threads = [threading.Thread(target=run, args=(entry,)) for entry in entries for _ in range(entry.get("copies", 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=END_WITHIN * 3)
    assert not errors, "\n".join(errors)
    assert corpus_proxy.alive(), corpus_proxy.tail()
    # The healthy client went on binding while the class was replayed, and after it.
    deadline = time.monotonic() + 10
    while healthy.successes <= before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert healthy.successes > before, "no healthy bind succeeded during or after the class"
    assert not healthy.failures, healthy.failures[:5]


def test_plaintext_sent_after_starttls_request_is_not_executed(corpus_proxy, certs):
    """RFC 4511 §4.14.1: a client sends nothing after a StartTLS request until its response, so
    bytes that follow it in the clear can only be an attacker's injection (the STARTTLS command
    injection class). They must never be executed under the protection of TLS."""
    whoami = bytes.fromhex("301e0201027719801731") + b".3.6.1.4.1.4203.1.11.3"
    with socket.create_connection(("127.0.0.1", corpus_proxy.ldap_port), timeout=10) as sock:
        sock.sendall(STARTTLS + whoami)
        [response] = read_messages(sock, 1, timeout=10)
        assert response["op"] == 0x78 and response["code"] == 0, response
        try:
            tls = tls_context(certs).wrap_socket(sock)
        except (ssl.SSLError, OSError):
            return  # the proxy refused to go on: the injected PDU was not executed
        tls.settimeout(3)
        try:
            data = tls.recv(65536)
        except (socket.timeout, ssl.SSLError, OSError):
            return
        found, _ = messages(data)
        assert not any(m["id"] == 2 for m in found), f"the injected WhoAmI was answered inside TLS: {found}"
