"""Real second-factor peers for the MFA integration tests (issue 4): privacyIDEA from PyPI and
FreeRADIUS, each started by the project's own scripts on free ports on 127.0.0.1, plus helpers the
test_mfa_*.py modules share.

Registered from conftest.py (`pytest_plugins`), so the session-scoped fixtures below start each peer
once for every module that uses it.
"""
from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import secrets
import socket
import struct
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import BASE_DN, PEOPLE, REPO, ldap_tool

PI_START = REPO / "scripts" / "privacyidea" / "start.sh"
PI_STOP = REPO / "scripts" / "privacyidea" / "stop.sh"
PI_ADMIN = REPO / "scripts" / "privacyidea" / "pi-admin.py"
PI_VENV = Path(os.environ.get("PI_VENV", REPO / ".venv-privacyidea"))
RADIUS_START = REPO / "scripts" / "freeradius" / "start.sh"
RADIUS_STOP = REPO / "scripts" / "freeradius" / "stop.sh"

ROOT_DN = f"cn=admin,{BASE_DN}"
ROOT_PASSWORD = "admin-secret"
# The sample directory's named users (scripts/slapd/sample-data.ldif) and their passwords.
SAMPLE_PASSWORDS = {"alice": "alice-password", "bob": "bob-password", "carol": "carol-password"}
DIGITS = 6


def free_udp_port() -> int:
    """A UDP port pair (port, port+1) on 127.0.0.1 that nothing is bound to right now."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            if port >= 65534:
                continue
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as second:
                    second.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
            return port


def hotp(key: bytes, counter: int) -> str:
    """RFC 4226 HOTP, SHA-1, six digits."""
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)


def totp_hex(key_hex: str, step_offset: int = 0) -> str:
    """RFC 6238 TOTP (30 s steps) for a key given as hex, as privacyIDEA's tokens are enrolled."""
    return hotp(bytes.fromhex(key_hex), int(time.time()) // 30 + step_offset)


def ldap_root(slapd, tool: str, ldif: str) -> None:
    """ldapadd / ldapmodify as the directory's root DN (test setup only)."""
    proc = subprocess.run([tool, "-x", "-H", slapd.url, "-D", ROOT_DN, "-w", ROOT_PASSWORD],
                          input=ldif, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, f"{tool} failed:\n{proc.stdout}\n{proc.stderr}"


def add_person(slapd, uid: str, password: str) -> str:
    """Adds an inetOrgPerson under ou=people; returns its DN."""
    dn = f"uid={uid},{PEOPLE}"
    ldap_root(slapd, "ldapadd", f"dn: {dn}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {uid}\nsn: {uid}\n"
                                f"userPassword: {password}\n")
    return dn


def start_slapd_with_stats(slapd_factory, name: str):
    """A slapd of its own that logs every operation (olcLogLevel stats) to DIR/slapd.log, so a test
    can show that the proxy did not contact the directory."""
    previous = os.environ.get("SLAPD_LOGLEVEL")
    os.environ["SLAPD_LOGLEVEL"] = "stats"
    try:
        return slapd_factory.start(name)
    finally:
        if previous is None:
            os.environ.pop("SLAPD_LOGLEVEL", None)
        else:
            os.environ["SLAPD_LOGLEVEL"] = previous


def slapd_binds(slapd, dn: str) -> int:
    """How many BIND operations for `dn` slapd has logged (stats log level)."""
    text = (Path(slapd.dir) / "slapd.log").read_text(errors="replace").lower()
    return text.count(f'bind dn="{dn.lower()}"')


class BackgroundBind:
    """One ldapwhoami running in a thread (for binds that wait on a phone)."""

    def __init__(self, url: str, dn: str, password: str):
        self.result = None
        self.thread = threading.Thread(target=self._run, args=(url, dn, password), daemon=True)
        self.thread.start()

    def _run(self, url, dn, password):
        self.result = ldap_tool("ldapwhoami", url, dn=dn, password=password, timeout=120)

    def done(self) -> bool:
        return not self.thread.is_alive()

    def wait(self, timeout: float = 90):
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "the bind did not finish"
        return self.result


# ----------------------------------------------------------------------------- privacyIDEA

@dataclass
class PrivacyIDEA:
    """A privacyIDEA 3.x over HTTPS (dev CA) with an LDAP resolver on `slapd`, realm `example`."""
    directory: Path
    port: int
    slapd: object
    certs: Path
    admin_password: str

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def ca_file(self) -> Path:
        return self.certs / "ca.pem"

    def start(self) -> None:
        env = dict(os.environ, PI_TLS="1", PI_CERT_DIR=str(self.certs), PI_ADMIN_PASSWORD=self.admin_password,
                   PI_VENV=str(PI_VENV), KEEP="0")
        proc = subprocess.run([str(PI_START), str(self.directory), str(self.port), self.slapd.url],
                              capture_output=True, text=True, env=env, timeout=240)
        assert proc.returncode == 0, f"privacyIDEA did not start:\n{proc.stdout}\n{proc.stderr}"

    def stop(self) -> None:
        subprocess.run([str(PI_STOP), str(self.directory)], capture_output=True, text=True, timeout=60)

    def admin(self, *args: str, timeout: float = 60) -> dict:
        """scripts/privacyidea/pi-admin.py COMMAND ARGS through the REST API; its JSON answer."""
        proc = subprocess.run([str(PI_VENV / "bin" / "python"), str(PI_ADMIN), "--dir", str(self.directory), *args],
                              capture_output=True, text=True, timeout=timeout)
        assert proc.returncode == 0, f"pi-admin {args[0]} failed:\n{proc.stdout}\n{proc.stderr}"
        return json.loads(proc.stdout) if proc.stdout.strip() else {}

    def enrol_totp(self, uid: str, pin: str | None = None) -> str:
        """A fresh TOTP token (serial TOTP-uid); returns its key as hex."""
        key_hex = secrets.token_hex(20)
        args = ["enrol-totp", uid, key_hex, "--serial", f"TOTP-{uid}"]
        if pin is not None:
            args += ["--pin", pin]
        self.admin(*args)
        return key_hex

    def section(self, **extra) -> dict:
        """The proxy's `mfa` overrides for this server."""
        section = {"url": self.url, "ca_file": str(self.ca_file), "realm": "example", "push_timeout": "30s",
                   "timeout": "10s"}
        section.update(extra)
        return {"provider": "privacyidea", "privacyidea": section}


@pytest.fixture(scope="session")
def privacyidea_slapd(slapd_factory):
    """The directory privacyIDEA resolves users from, and that its proxies authenticate against."""
    return slapd_factory.start("pi")


@pytest.fixture(scope="session")
def privacyidea(tmp_path_factory, certs, privacyidea_slapd):
    if not (PI_VENV / "bin" / "pi-manage").exists():
        pytest.fail(f"privacyIDEA is not installed ({PI_VENV}/bin/pi-manage): run scripts/install-deps.sh")
    peer = PrivacyIDEA(tmp_path_factory.mktemp("privacyidea"), _free_tcp_port(), privacyidea_slapd, certs,
                       admin_password="pi-admin-" + secrets.token_hex(8))
    peer.start()
    yield peer
    peer.stop()


def _free_tcp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------------------- FreeRADIUS

@dataclass
class FreeRADIUS:
    """A FreeRADIUS 3.x with the users of scripts/freeradius/authorize (alice, bob, carol, dave, erin)."""
    directory: Path
    port: int
    secret: str
    signed: bool = True

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        env = dict(os.environ, FREERADIUS_UNSIGNED="0" if self.signed else "1", FREERADIUS_DEBUG="0")
        proc = subprocess.run([str(RADIUS_START), str(self.directory), str(self.port), self.secret],
                              capture_output=True, text=True, env=env, timeout=60)
        assert proc.returncode == 0, f"FreeRADIUS did not start:\n{proc.stdout}\n{proc.stderr}"

    def stop(self) -> None:
        subprocess.run([str(RADIUS_STOP), str(self.directory)], capture_output=True, text=True, timeout=60)


_RADIUS_NAMES = itertools.count(1)


def _start_radius(tmp_path_factory, signed: bool) -> FreeRADIUS:
    server = FreeRADIUS(tmp_path_factory.mktemp(f"radius{next(_RADIUS_NAMES)}"), free_udp_port(),
                        "radius-" + secrets.token_hex(12), signed)
    server.start()
    return server


@pytest.fixture(scope="session")
def freeradius(tmp_path_factory):
    server = _start_radius(tmp_path_factory, signed=True)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def unsigned_freeradius(tmp_path_factory):
    """A FreeRADIUS that answers without Message-Authenticator (no BlastRADIUS fix)."""
    server = _start_radius(tmp_path_factory, signed=False)
    yield server
    server.stop()


def radius_section(proxy_dir: Path, servers: list[str], secret: str, **extra) -> dict:
    """The proxy's `mfa` overrides for RADIUS servers; the secret goes to a file (never inline)."""
    secret_file = proxy_dir / f"radius-secret-{secrets.token_hex(4)}"
    secret_file.write_text(secret + "\n")
    secret_file.chmod(0o600)
    section = {"servers": servers, "secret_file": str(secret_file), "timeout": "1s", "retries": 2}
    section.update(extra)
    return {"provider": "radius", "radius": section}
