#!/usr/bin/env python3
"""Enrols many TOTP users in the proxy's SQLite store at once, for the benchmarks of issue 8.

`ldap-mfa-proxy users enrol` starts a process per user (too slow for 20,000 users). This writes the same
rows enrol writes (Sources/UserStore/SQLiteUserStore+TOTP.swift, enrolTOTP): username_key = the lower-cased
NFC username, totp_secret = AES-256-GCM nonce(12) + ciphertext + tag(16) under the store key with the AAD
"ldap-mfa-proxy/totp-secret/v1/<username_key>" (SecretCipher.swift), totp_last_step NULL.
Run `users enrol` once first so that the store, its schema and its key exist.

Usage: seed-store.py STORE.sqlite STORE.key USERS.tsv     (lines DN<TAB>PASSWORD<TAB>BASE32-SECRET;
       the username is the DN's first RDN value, the uid)
"""
import base64
import os
import sqlite3
import sys
import unicodedata

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def main() -> None:
    store, key_file, users = sys.argv[1:4]
    key = base64.b64decode(open(key_file).read().strip())
    aead = AESGCM(key)
    db = sqlite3.connect(store)
    created = db.execute("SELECT created_at FROM users LIMIT 1").fetchone()
    if created is None:
        sys.exit("seed-store: the store has no user yet: run `ldap-mfa-proxy users enrol` once first")
    rows = []
    for line in open(users):
        dn, _password, secret = line.rstrip("\n").split("\t")[:3]
        username = dn.split(",", 1)[0].split("=", 1)[1]
        username_key = unicodedata.normalize("NFC", username).lower()
        nonce = os.urandom(12)
        sealed = nonce + aead.encrypt(nonce, base64.b32decode(secret),
                                      f"ldap-mfa-proxy/totp-secret/v1/{username_key}".encode())
        rows.append((username_key, username, sealed, created[0]))
    db.executemany("INSERT OR REPLACE INTO users (username_key, username, totp_secret, totp_last_step, created_at,"
                   " last_used_at) VALUES (?, ?, ?, NULL, ?, NULL)", rows)
    db.commit()
    print(f"seed-store: {len(rows)} users enrolled in {store}")


if __name__ == "__main__":
    main()
