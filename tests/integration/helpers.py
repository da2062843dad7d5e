"""Helpers for the integration tests: TOTP codes, OpenLDAP client tools, polling, a tiny BER reader.

Imported by conftest.py and the test modules (pytest puts this folder on sys.path).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import socket
import struct
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("LDAP_MFA_PROXY_BINARY", REPO / ".build" / "debug" / "ldap-mfa-proxy"))
SLAPD_START = REPO / "scripts" / "slapd" / "start.sh"
SLAPD_STOP = REPO / "scripts" / "slapd" / "stop.sh"
MAKE_CERTS = REPO / "certs" / "make-dev-certs.sh"

BASE_DN = "dc=example,dc=test"
PEOPLE = f"ou=people,{BASE_DN}"
READER_DN = f"cn=proxy-reader,ou=service,{BASE_DN}"
READER_PASSWORD = "reader-password"

PERIOD = 30
DIGITS = 6

# LDAP result codes used by the tests (RFC 4511 appendix A).
SUCCESS = 0
PROTOCOL_ERROR = 2
COMPARE_FALSE = 5
COMPARE_TRUE = 6
AUTH_METHOD_NOT_SUPPORTED = 7
CONFIDENTIALITY_REQUIRED = 13
NO_SUCH_OBJECT = 32
INVALID_CREDENTIALS = 49
INSUFFICIENT_ACCESS = 50
UNAVAILABLE = 52


# ----------------------------------------------------------------------------- TOTP (RFC 6238)

def totp(secret_b32: str, at: float | None = None, step_offset: int = 0) -> str:
    """The code for `secret_b32` at time `at` (default now), `step_offset` steps away."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int(time.time() if at is None else at) // PERIOD + step_offset
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)


def wrong_code(secret_b32: str) -> str:
    """A six-digit code that no step in the proxy's window (±1, plus margin) accepts."""
    window = {totp(secret_b32, step_offset=o) for o in range(-3, 4)}
    candidate = int(totp(secret_b32))
    while True:
        candidate = (candidate + 1) % 10**DIGITS
        code = str(candidate).zfill(DIGITS)
        if code not in window:
            return code


def random_secret() -> str:
    return base64.b32encode(os.urandom(20)).decode().rstrip("=")


# ----------------------------------------------------------------------------- ports, polling

def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float, interval: float = 0.05, what: str = "condition"):
    """Polls `predicate` until it returns a truthy value (returned) or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")
        time.sleep(interval)


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


# ----------------------------------------------------------------------------- OpenLDAP client tools

@dataclass(repr=False)
class ToolResult:
    argv: list
    rc: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err

    def __repr__(self) -> str:  # shown in assertion messages (the password masked)
        shown = " ".join("<pw>" if i > 0 and self.argv[i - 1] == "-w" else a for i, a in enumerate(self.argv))
        return f"$ {shown}\nrc={self.rc}\nstdout:\n{self.out}\nstderr:\n{self.err}"


def tool_env(ca_file: Path | None = None) -> dict:
    # Our own settings only: no LDAPTLS_*/LDAPRC/... from the caller's environment.
    env = {k: v for k, v in os.environ.items() if not k.startswith("LDAP")}
    if ca_file is not None:
        env["LDAPTLS_CACERT"] = str(ca_file)
        env["LDAPTLS_REQCERT"] = "demand"
    return env


def ldap_tool(tool: str, url: str, *args: str, dn: str | None = None, password: str | None = None,
              starttls: bool = False, ca_file: Path | None = None, timeout: float = 30) -> ToolResult:
    """Runs ldapwhoami / ldapsearch / ldapcompare with a simple bind (or anonymous)."""
    argv = [tool, "-x", "-H", url, "-o", "nettimeout=10"]
    if starttls:
        argv.append("-ZZ")
    if dn is not None:
        argv += ["-D", dn]
    if password is not None:
        argv += ["-w", password]
    argv += list(args)
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=tool_env(ca_file))
    return ToolResult(argv, proc.returncode, proc.stdout, proc.stderr)


def ldif_entries(text: str) -> list[str]:
    """LDIF output without comments and with lines unwrapped, as a sorted list of entries."""
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        if line.startswith(" ") and lines:
            lines[-1] += line[1:]
        else:
            lines.append(line)
    entries = "\n".join(lines).split("\n\n")
    return sorted(e.strip() for e in entries if e.strip())


# ----------------------------------------------------------------------------- python ldap3

def ldap3_server(url: str, ca_file: Path | None = None):
    import ssl

    import ldap3

    tls = None
    if url.startswith("ldaps://") or ca_file is not None:
        tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=str(ca_file) if ca_file else None)
    host, port = url.split("://", 1)[1].rsplit(":", 1)
    return ldap3.Server(host, port=int(port), use_ssl=url.startswith("ldaps://"), tls=tls,
                        get_info=ldap3.NONE, connect_timeout=10)


def ldap3_connection(url: str, user: str | None = None, password: str | None = None, **kwargs):
    import ldap3

    kwargs.setdefault("receive_timeout", 15)
    kwargs.setdefault("raise_exceptions", False)
    kwargs.setdefault("auto_referrals", False)
    return ldap3.Connection(ldap3_server(url, kwargs.pop("ca_file", None)), user=user, password=password,
                            **kwargs)


# ----------------------------------------------------------------------------- a tiny BER reader

def ber_read(data: bytes, pos: int = 0) -> tuple[int, bytes, int]:
    """Reads one TLV at `pos`: (tag byte, content, position after it). Raises ValueError."""
    if pos + 2 > len(data):
        raise ValueError("short TLV")
    tag = data[pos]
    first = data[pos + 1]
    pos += 2
    if first & 0x80:
        n = first & 0x7F
        if n == 0 or n > 4 or pos + n > len(data):
            raise ValueError("bad length")
        length = int.from_bytes(data[pos:pos + n], "big")
        pos += n
    else:
        length = first
    if pos + length > len(data):
        raise ValueError("truncated content")
    return tag, data[pos:pos + length], pos + length


def ber_children(content: bytes) -> list[tuple[int, bytes]]:
    out, pos = [], 0
    while pos < len(content):
        tag, value, pos = ber_read(content, pos)
        out.append((tag, value))
    return out


NOTICE_OF_DISCONNECTION_OID = b"1.3.6.1.4.1.1466.20036"


def parse_ldap_message(data: bytes) -> dict:
    """Decodes an LDAPMessage enough to recognise an ExtendedResponse (a Notice of Disconnection)."""
    tag, content, _ = ber_read(data)
    if tag != 0x30:
        raise ValueError(f"not an LDAPMessage: tag {tag:#x}")
    children = ber_children(content)
    (id_tag, id_bytes), (op_tag, op) = children[0], children[1]
    if id_tag != 0x02:
        raise ValueError("no messageID")
    result: dict = {"message_id": int.from_bytes(id_bytes, "big", signed=True), "op_tag": op_tag}
    if op_tag == 0x78:  # [APPLICATION 24] ExtendedResponse
        parts = ber_children(op)
        result["result_code"] = int.from_bytes(parts[0][1], "big")
        result["diagnostic"] = parts[2][1].decode("utf-8", "replace")
        result["response_name"] = next((v for t, v in parts[3:] if t == 0x8A), None)
    return result


def ber_length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + ber_length(len(content)) + content


def simple_bind_pdu(message_id: int, dn: str, password: str) -> bytes:
    bind = tlv(0x60, tlv(0x02, b"\x03") + tlv(0x04, dn.encode()) + tlv(0x80, password.encode()))
    return tlv(0x30, tlv(0x02, bytes([message_id])) + bind)

