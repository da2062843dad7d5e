#!/usr/bin/env python3
"""Writes the malformed-PDU corpus replayed by tests/integration/test_malformed_corpus.py (issue 8).

    python3 tests/integration/malformed/generate.py      # rewrites tests/integration/malformed/cases/

Each case is one file of raw bytes in cases/<class>/<name>.bin plus its entry in cases/manifest.json:
how to deliver it and what the proxy must answer. The generator is deterministic (no randomness
without a fixed seed), so the committed files only change when this script does.

Fields of a manifest entry:
  class      truncation, hostile-length, wrong-tag, depth-bomb, flood, garbage-before-starttls,
             tls-garbage, slowloris
  transport  plain     the plain LDAP port
             ldaps     the LDAPS port, after a complete TLS handshake (payload inside TLS)
             ldaps-raw the LDAPS port, payload sent as raw bytes instead of a TLS handshake
             starttls  the plain port, after StartTLS and a complete TLS handshake (inside TLS)
             starttls-raw the plain port, after a successful StartTLS, raw bytes instead of TLS
  half_close shut the client's sending side after the payload (a truncated PDU must not hang)
  dribble    send one byte every this many seconds (slowloris); the rest of the payload is
             never needed: the idle timeout must end the connection first
  expect     notice        a Notice of Disconnection (messageID 0, RFC 4511 §4.4.1) with `code`,
                           then the connection closes; nothing else is sent
             notice-or-close  the same notice, or a close without a word
             close         the connection closes; bytes before it (a TLS alert) are not LDAP
             silent-close  the connection closes and nothing at all is sent (Unbind)
             answered      the connection stays open; exactly the responses in `answers`
                           ([messageID, protocolOp tag, resultCode]) arrive, then it is still usable
  code       the Notice's resultCode: 2 protocolError, 52 unavailable (idle timeout)
  answers    for `answered` (and optionally before a notice): [messageID, protocolOp tag, resultCode]
  copies     replay the case on this many connections at once (default 1)
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "cases"
PROTOCOL_ERROR = 2
UNAVAILABLE = 52
READER_DN = "cn=proxy-reader,ou=service,dc=example,dc=test"
STARTTLS_OID = b"1.3.6.1.4.1.1466.20037"
WHOAMI_OID = b"1.3.6.1.4.1.4203.1.11.3"


def length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + length(len(content)) + content


def integer(n: int) -> bytes:
    return tlv(0x02, n.to_bytes(max(1, (n.bit_length() + 8) // 8), "big", signed=True))


def message(message_id: int, op: bytes) -> bytes:
    return tlv(0x30, integer(message_id) + op)


def bind(message_id: int, dn: str, password: str) -> bytes:
    return message(message_id, tlv(0x60, integer(3) + tlv(0x04, dn.encode()) + tlv(0x80, password.encode())))


def search(message_id: int, filter_bytes: bytes = tlv(0x87, b"objectClass")) -> bytes:
    body = (tlv(0x04, b"dc=example,dc=test") + tlv(0x0A, b"\x02") + tlv(0x0A, b"\x00") + integer(0) + integer(0)
            + tlv(0x01, b"\x00") + filter_bytes + tlv(0x30, b""))
    return message(message_id, tlv(0x63, body))


def extended(message_id: int, oid: bytes) -> bytes:
    return message(message_id, tlv(0x77, tlv(0x80, oid)))


def abandon(message_id: int, target: int) -> bytes:
    return message(message_id, tlv(0x50, target.to_bytes(max(1, (target.bit_length() + 8) // 8), "big")))


UNBIND = message(9, b"\x42\x00")
WHOAMI = extended(1, WHOAMI_OID)
STARTTLS = extended(1, STARTTLS_OID)
SEARCH = search(2)
BIND = bind(1, "uid=alice,ou=people,dc=example,dc=test", "secret,123456")
# Deterministic "garbage": a fixed byte pattern, no randomness.
GARBAGE = bytes((i * 167 + 13) % 256 for i in range(256))
# A TLS 1.2 ClientHello record header and the start of its handshake, nothing more.
CLIENT_HELLO_START = bytes.fromhex("16030100c8010000c40303") + bytes(range(32))


def cases() -> list[tuple[dict, bytes]]:
    out: list[tuple[dict, bytes]] = []

    def add(cls: str, name: str, payload: bytes, expect: str, code: int | None = PROTOCOL_ERROR, **extra):
        entry = {"class": cls, "name": name, "transport": "plain", "half_close": False, "expect": expect}
        if code is not None and expect in ("notice", "notice-or-close"):
            entry["code"] = code
        entry.update(extra)
        out.append((entry, payload))

    # -- truncations: the sender stops and shuts its side; the proxy must close, not wait forever.
    for cut in (1, 2, 3, 5, len(SEARCH) // 2, len(SEARCH) - 1):
        add("truncation", f"search-cut-at-{cut}", SEARCH[:cut], "notice-or-close", half_close=True)
    add("truncation", "bind-cut-in-password", BIND[:-4], "notice-or-close", half_close=True)

    # -- hostile lengths: refused from the header, before anything is buffered.
    add("hostile-length", "outer-2GiB", bytes.fromhex("30847fffffff020101"), "notice")
    add("hostile-length", "outer-4GiB-negative-if-signed", bytes.fromhex("3084ffffffff020101"), "notice")
    add("hostile-length", "outer-0x80000000", bytes.fromhex("308480000000020101"), "notice")
    add("hostile-length", "outer-1MiB-plus-1", bytes.fromhex("3083100001020101"), "notice")
    add("hostile-length", "indefinite", bytes.fromhex("308002010142000000"), "notice")
    add("hostile-length", "length-of-length-5", bytes.fromhex("308500000000050201014200"), "notice")
    add("hostile-length", "length-of-length-8", bytes.fromhex("30880000000000000005020101420000"), "notice")
    add("hostile-length", "length-of-length-127", bytes.fromhex("30ff") + bytes(127) + bytes.fromhex("020101"),
        "notice")
    add("hostile-length", "reserved-0x80-in-message-id", bytes.fromhex("3006028002014200"), "notice")
    add("hostile-length", "message-id-4GiB", bytes.fromhex("300902" "84ffffffff" "014200"), "notice")
    add("hostile-length", "bind-name-longer-than-bind",
        message(1, bytes.fromhex("600a020103047f41424380") + b"\x00"), "notice")
    add("hostile-length", "negative-message-id", message(0, b"\x42\x00").replace(b"\x02\x01\x00", b"\x02\x01\xff"),
        "notice")

    # -- wrong tags.
    add("wrong-tag", "outer-set", b"\x31" + WHOAMI[1:], "notice")
    add("wrong-tag", "outer-application-0", b"\x60" + WHOAMI[1:], "notice")
    add("wrong-tag", "message-id-octet-string", tlv(0x30, tlv(0x04, b"\x01") + b"\x42\x00"), "notice")
    add("wrong-tag", "unknown-operation-application-30", message(1, b"\x7e\x00"), "notice")
    add("wrong-tag", "operation-null", message(1, b"\x05\x00"), "notice")
    add("wrong-tag", "bind-response-from-client", message(1, tlv(0x61, tlv(0x0A, b"\x00") + b"\x04\x00\x04\x00")),
        "notice")
    add("wrong-tag", "search-done-from-client", message(1, tlv(0x65, tlv(0x0A, b"\x00") + b"\x04\x00\x04\x00")),
        "notice")
    add("wrong-tag", "bind-password-constructed",
        message(1, tlv(0x60, integer(3) + tlv(0x04, b"cn=x") + tlv(0xA0, tlv(0x04, b"pw")))), "notice")
    add("wrong-tag", "extended-name-as-tag-1", message(1, tlv(0x77, tlv(0x81, WHOAMI_OID))), "notice")
    add("wrong-tag", "abandon-constructed", message(2, tlv(0x70, integer(1))), "notice")

    # -- depth bombs: refused by the framer (nesting limit 32) or the decoder.
    nots = tlv(0x87, b"objectClass")
    for _ in range(200):
        nots = tlv(0xA2, nots)
    add("depth-bomb", "filter-200-nots", search(3, nots), "notice")
    nested = tlv(0x04, b"x")
    for _ in range(100):
        nested = tlv(0x30, nested)
    add("depth-bomb", "controls-100-sequences", tlv(0x30, integer(4) + b"\x42\x00" + tlv(0xA0, nested)), "notice")
    add("depth-bomb", "indefinite-1000-deep", b"\x30\x80" * 1000, "notice")
    long_form = b""
    for _ in range(200):
        long_form = b"\x30\x84" + len(long_form).to_bytes(4, "big") + long_form
    add("depth-bomb", "controls-200-long-form-sequences", tlv(0x30, integer(4) + b"\x42\x00" + tlv(0xA0, long_form)),
        "notice")

    # -- floods.
    add("flood", "abandon-2000-unknown-then-whoami",
        b"".join(abandon(10 + i, 100_000 + i) for i in range(2000)) + extended(5000, WHOAMI_OID),
        "answered", answers=[[5000, 0x78, 0]])
    add("flood", "unbind-500", UNBIND * 500, "silent-close")
    add("flood", "abandon-300-then-unbind", b"".join(abandon(10 + i, 1) for i in range(300)) + UNBIND,
        "silent-close")
    add("flood", "abandon-40-while-binding", bind(1, READER_DN, "reader-password")
        + b"".join(abandon(10 + i, 1) for i in range(40)), "notice")

    # -- garbage before StartTLS (plain port).
    add("garbage-before-starttls", "pattern-then-starttls", GARBAGE[:40] + STARTTLS, "notice")
    add("garbage-before-starttls", "http-then-starttls", b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" + STARTTLS,
        "notice")
    add("garbage-before-starttls", "client-hello-on-plain-port", CLIENT_HELLO_START, "notice")
    add("garbage-before-starttls", "plain-ldap-instead-of-tls", WHOAMI, "close", transport="starttls-raw")

    # -- TLS garbage.
    add("tls-garbage", "ldaps-pattern", GARBAGE, "close", transport="ldaps-raw")
    add("tls-garbage", "ldaps-plain-ldap", WHOAMI, "close", transport="ldaps-raw")
    add("tls-garbage", "ldaps-client-hello-cut", CLIENT_HELLO_START, "close", transport="ldaps-raw",
        half_close=True)
    add("tls-garbage", "ldaps-record-16k-then-nothing", bytes.fromhex("1603034000"), "close",
        transport="ldaps-raw", half_close=True)
    add("tls-garbage", "starttls-pattern", GARBAGE, "close", transport="starttls-raw")
    add("tls-garbage", "inside-ldaps-pattern", GARBAGE, "notice", transport="ldaps")
    add("tls-garbage", "inside-starttls-pattern", GARBAGE, "notice", transport="starttls")
    add("tls-garbage", "inside-ldaps-outer-2GiB", bytes.fromhex("30847fffffff020101"), "notice",
        transport="ldaps")

    # -- slowloris: the idle timeout (3s in the test's proxy) ends them; whole frames reset it.
    add("slowloris", "bind-dribbled", BIND, "notice", code=UNAVAILABLE, dribble=0.5)
    add("slowloris", "huge-header-then-silence", bytes.fromhex("30840000fff0"), "notice", code=UNAVAILABLE,
        copies=20)
    add("slowloris", "starttls-dribbled", STARTTLS, "notice", code=UNAVAILABLE, dribble=0.5, transport="plain")
    return out


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    manifest = []
    for entry, payload in cases():
        path = OUT / entry["class"] / f"{entry['name']}.bin"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(payload)
        entry["file"] = str(path.relative_to(OUT))
        manifest.append(entry)
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    total = sum((OUT / e["file"]).stat().st_size for e in manifest)
    print(f"{len(manifest)} cases, {total} bytes, in {OUT}")


if __name__ == "__main__":
    main()
