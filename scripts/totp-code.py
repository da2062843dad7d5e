#!/usr/bin/env python3
"""Print the current TOTP code (RFC 6238: SHA-1, 6 digits, 30 s) for a base32 secret.

For trying the proxy by hand: `scripts/totp-code.py "$(cat run/sample/alice.secret)"`.
The secret is read from the command line or, with no argument, from standard input.
"""
import base64
import hashlib
import hmac
import struct
import sys
import time


def totp(secret: str, now: float, digits: int = 6, period: int = 30) -> str:
    cleaned = secret.strip().replace(" ", "").upper()
    key = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(now) // period), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**digits).zfill(digits)


if __name__ == "__main__":
    secret = sys.argv[1] if len(sys.argv) > 1 else sys.stdin.read()
    print(totp(secret, time.time()))
