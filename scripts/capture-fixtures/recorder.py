#!/usr/bin/env python3
"""A recording TCP relay for LDAP: listens on 127.0.0.1:PORT, relays every connection to an
upstream LDAP server, and splits each direction's byte stream into LDAPMessages (BER tag 0x30
with a definite length, short or long form), keeping each message's exact bytes.

When a direction stops looking like LDAP (the first byte of a message is not 0x30, as after a
StartTLS handshake starts, or an indefinite length), that direction is relayed untouched and no
longer recorded.

Used as a library by capture.py; also usable on its own:

    recorder.py --listen 4390 --upstream 127.0.0.1:4389 --out DIR

writes DIR/connNNNN-MMMM-c2s-OPNAME.hex (or -s2c-) per message, with a comment header, until
SIGTERM or Ctrl-C.
Loopback only: the listening address is always 127.0.0.1.
"""

from __future__ import annotations

import argparse
import datetime
import os
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass, field

C2S = "client->server"
S2C = "server->client"

# protocolOp tags (RFC 4511 section 4.2 onwards)
OP_NAMES = {
    0x60: "BindRequest",
    0x61: "BindResponse",
    0x42: "UnbindRequest",
    0x63: "SearchRequest",
    0x64: "SearchResultEntry",
    0x65: "SearchResultDone",
    0x73: "SearchResultReference",
    0x66: "ModifyRequest",
    0x67: "ModifyResponse",
    0x68: "AddRequest",
    0x69: "AddResponse",
    0x4A: "DelRequest",
    0x6B: "DelResponse",
    0x6C: "ModifyDNRequest",
    0x6D: "ModifyDNResponse",
    0x6E: "CompareRequest",
    0x6F: "CompareResponse",
    0x50: "AbandonRequest",
    0x77: "ExtendedRequest",
    0x78: "ExtendedResponse",
    0x79: "IntermediateResponse",
}


def read_tlv_header(data: bytes, pos: int) -> tuple[int, int, int] | None:
    """Returns (tag, header_length, content_length) of the TLV at pos, None if incomplete.
    Raises ValueError for an indefinite or absurd length."""
    if pos + 2 > len(data):
        return None
    tag = data[pos]
    first = data[pos + 1]
    if first < 0x80:
        return tag, 2, first
    n = first & 0x7F
    if n == 0 or n > 4:
        raise ValueError(f"unsupported length octet 0x{first:02x}")
    if pos + 2 + n > len(data):
        return None
    return tag, 2 + n, int.from_bytes(data[pos + 2 : pos + 2 + n], "big")


def describe(message: bytes) -> tuple[int, int, str]:
    """(messageID, protocolOp tag, op name) of one complete LDAPMessage."""
    _, hl, _ = read_tlv_header(message, 0)
    _, idhl, idlen = read_tlv_header(message, hl)
    msgid = int.from_bytes(message[hl + idhl : hl + idhl + idlen], "big")
    op = message[hl + idhl + idlen]
    return msgid, op, OP_NAMES.get(op, f"op-0x{op:02x}")


@dataclass
class Message:
    seq: int  # global order in which the recorder saw complete messages
    conn: int
    direction: str
    data: bytes
    time: float
    msgid: int = 0
    op: int = 0
    op_name: str = ""

    def __post_init__(self) -> None:
        try:
            self.msgid, self.op, self.op_name = describe(self.data)
        except Exception:  # malformed inside: keep the bytes, name it unknown
            self.op_name = "unparsed"


class Splitter:
    """Accumulates one direction's bytes and yields complete LDAPMessages."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.raw = False
        self.raw_reason = ""

    def feed(self, chunk: bytes) -> list[bytes]:
        if self.raw:
            return []
        self.buf += chunk
        out = []
        while self.buf:
            if self.buf[0] != 0x30:
                self.raw, self.raw_reason = True, f"first byte 0x{self.buf[0]:02x} is not a SEQUENCE"
                self.buf.clear()
                break
            try:
                hdr = read_tlv_header(bytes(self.buf[:6]), 0)
            except ValueError as e:
                self.raw, self.raw_reason = True, str(e)
                self.buf.clear()
                break
            if hdr is None:
                break
            _, hl, cl = hdr
            if len(self.buf) < hl + cl:
                break
            out.append(bytes(self.buf[: hl + cl]))
            del self.buf[: hl + cl]
        return out


class Recorder:
    def __init__(self, listen_port: int, upstream: tuple[str, int], on_message=None) -> None:
        self.listen_port = listen_port
        self.upstream = upstream
        self.on_message = on_message
        self.messages: list[Message] = []
        self.lock = threading.Lock()
        self.seq = 0
        self.conn_count = 0
        self.active = 0
        self.idle = threading.Condition(self.lock)
        self.sock: socket.socket | None = None
        self.stopping = False

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> "Recorder":
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", self.listen_port))
        s.listen(16)
        self.sock = s
        threading.Thread(target=self._accept_loop, name="recorder-accept", daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopping = True
        if self.sock:
            try:
                self.sock.close()
            except OSError:
                pass

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Waits until no relayed connection is open."""
        deadline = time.monotonic() + timeout
        with self.idle:
            while self.active:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.idle.wait(left)
        return True

    def mark(self) -> int:
        with self.lock:
            return len(self.messages)

    def since(self, mark: int) -> list[Message]:
        with self.lock:
            return list(self.messages[mark:])

    # ------------------------------------------------------------------ relaying
    def _accept_loop(self) -> None:
        assert self.sock
        while not self.stopping:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=10)
                server.settimeout(None)
            except OSError as e:
                print(f"recorder: cannot reach upstream {self.upstream}: {e}", file=sys.stderr)
                client.close()
                continue
            with self.lock:
                self.conn_count += 1
                self.active += 1
                conn_id = self.conn_count
            state = {"open": 2}
            for src, dst, direction in ((client, server, C2S), (server, client, S2C)):
                threading.Thread(
                    target=self._pump,
                    args=(conn_id, src, dst, direction, state, client, server),
                    name=f"recorder-{conn_id}-{direction}",
                    daemon=True,
                ).start()

    def _pump(self, conn_id, src, dst, direction, state, client, server) -> None:
        splitter = Splitter()
        try:
            while True:
                try:
                    chunk = src.recv(65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    break
                # Record before forwarding: a request is always recorded before its response.
                for m in splitter.feed(chunk):
                    self._record(conn_id, direction, m)
                try:
                    dst.sendall(chunk)
                except OSError:
                    break
        finally:
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            with self.lock:
                state["open"] -= 1
                last = state["open"] == 0
            if last:
                client.close()
                server.close()
                with self.idle:
                    self.active -= 1
                    self.idle.notify_all()

    def _record(self, conn_id: int, direction: str, data: bytes) -> None:
        with self.lock:
            self.seq += 1
            msg = Message(self.seq, conn_id, direction, data, time.time())
            self.messages.append(msg)
        if self.on_message:
            self.on_message(msg)


def hex_lines(data: bytes, per_line: int = 32) -> str:
    return "\n".join(
        " ".join(f"{b:02x}" for b in data[i : i + per_line]) for i in range(0, len(data), per_line)
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--listen", type=int, required=True, help="port on 127.0.0.1 to listen on")
    ap.add_argument("--upstream", required=True, help="HOST:PORT of the LDAP server (loopback)")
    ap.add_argument("--out", required=True, help="directory for the .hex files")
    args = ap.parse_args()
    host, _, port = args.upstream.rpartition(":")
    if host not in ("127.0.0.1", "localhost", "::1", "[::1]"):
        ap.error("upstream must be a loopback address")
    os.makedirs(args.out, exist_ok=True)

    def write(msg: Message) -> None:
        name = f"conn{msg.conn:04d}-{msg.seq:04d}-{'c2s' if msg.direction == C2S else 's2c'}-{msg.op_name}.hex"
        stamp = datetime.datetime.fromtimestamp(msg.time, datetime.timezone.utc).isoformat(timespec="seconds")
        with open(os.path.join(args.out, name), "w") as f:
            f.write(f"# Recorded by scripts/capture-fixtures/recorder.py, {stamp}\n")
            f.write(f"# Direction: {msg.direction}; connection {msg.conn}\n")
            f.write(f"# LDAPMessage messageID={msg.msgid} {msg.op_name}, {len(msg.data)} bytes\n")
            f.write(hex_lines(msg.data) + "\n")
        print(name, flush=True)

    rec = Recorder(args.listen, (host.strip("[]"), int(port)), on_message=write).start()
    print(f"recording 127.0.0.1:{args.listen} -> {args.upstream} into {args.out}", file=sys.stderr)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    rec.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
