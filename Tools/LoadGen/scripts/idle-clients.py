#!/usr/bin/env python3
"""Opens N client connections to an LDAP server, makes one simple bind on each (as service accounts from a
users file: DN<TAB>PASSWORD), then holds them idle until stdin closes or SIGTERM: the idle clients of
scripts/bench-memory.sh. Prints "ready N" (N connections bound) when all are open.

Usage: idle-clients.py HOST PORT N USERS.tsv
"""
import select
import signal
import socket
import sys


def ber_len(n: int) -> bytes:
    return bytes([n]) if n < 0x80 else (bytes([0x81, n]) if n < 0x100 else bytes([0x82, n >> 8, n & 0xFF]))


def tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + ber_len(len(content)) + content


def bind(dn: str, password: str) -> bytes:
    op = tlv(0x60, b"\x02\x01\x03" + tlv(0x04, dn.encode()) + tlv(0x80, password.encode()))
    return tlv(0x30, b"\x02\x01\x01" + op)


host, port, count, users_file = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
users = [line.rstrip("\n").split("\t")[:2] for line in open(users_file) if line.strip()]
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
sockets = []
bound = 0
for i in range(count):
    s = socket.create_connection((host, port))
    dn, password = users[i % len(users)]
    s.sendall(bind(dn, password))
    answer = s.recv(4096)
    # BindResponse resultCode: ... 0x61 len 0x0a 0x01 CODE
    at = answer.find(b"\x0a\x01", 5)
    if at > 0 and answer[at + 2] == 0:
        bound += 1
    sockets.append(s)
print(f"ready {len(sockets)} open, {bound} bound", flush=True)
select.select([sys.stdin], [], [])
