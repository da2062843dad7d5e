"""Malformed input on the plain port (issue 3, item 8): the proxy answers with a Notice of
Disconnection (messageID 0, extendedResponse, protocolError) or closes, and goes on serving."""
import socket
import time

import pytest

from helpers import (NOTICE_OF_DISCONNECTION_OID, PROTOCOL_ERROR, ber_read, ldap_tool, parse_ldap_message,
                     simple_bind_pdu)

# A well-formed WhoAmI request (messageID 1) to build broken variants from.
WHOAMI = bytes.fromhex("301e02010177198017312e332e362e312e342e312e343230332e312e31312e33")

PAYLOADS = {
    # Not BER at all: the first octet is not SEQUENCE.
    "garbage": b"\xde\xad\xbe\xef garbage \x00\xff" * 8,
    # The outer SEQUENCE is complete, but its content is cut: the messageID claims 4 octets, 1 follow.
    "truncated-content": bytes.fromhex("3003020401"),
    # A complete frame whose operation is cut in the middle (the bind's name runs past the end).
    "truncated-operation": bytes.fromhex("300c020101600702010304104142"),
    # A length written in 5 octets (0x85): longer than any LDAP message may be.
    "five-octet-length": bytes.fromhex("308500000000050201014200"),
    # An indefinite length (0x80): not allowed in LDAP's BER (RFC 4511 §5.1).
    "indefinite-length": bytes.fromhex("308002010142000000"),
    # A message far larger than listen.max_message_size.
    "oversized-length": bytes.fromhex("30847fffffff020101"),
    # A valid messageID, then an operation with an unknown tag ([APPLICATION 30]).
    "unknown-operation": bytes.fromhex("30050201017e00"),
}


def read_until_closed(sock, timeout):
    """Everything the proxy sends until it closes the connection; fails after `timeout`."""
    sock.settimeout(0.2)
    data = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk
    raise AssertionError(f"the proxy kept the connection open for {timeout}s after malformed input "
                         f"(received {data.hex()})")


def assert_notice_or_nothing(data):
    if not data:
        return  # closed without a word: allowed
    message = parse_ldap_message(data)
    assert message["message_id"] == 0, message
    assert message["op_tag"] == 0x78, f"not an ExtendedResponse: {data.hex()}"
    assert message["result_code"] == PROTOCOL_ERROR, message
    assert message["response_name"] == NOTICE_OF_DISCONNECTION_OID, message
    _, _, end = ber_read(data)
    assert end == len(data), f"more after the notice: {data[end:].hex()}"


@pytest.mark.parametrize("name", list(PAYLOADS))
def test_malformed_pdu_is_answered_or_closed(proxy, fresh_user, name):
    with socket.create_connection(("127.0.0.1", proxy.ldap_port), timeout=5) as sock:
        sock.sendall(PAYLOADS[name])
        data = read_until_closed(sock, timeout=10)
    assert_notice_or_nothing(data)
    # The proxy goes on serving others.
    assert proxy.alive()
    user = fresh_user()
    result = ldap_tool("ldapwhoami", proxy.url, dn=user.dn, password=user.otp_password())
    assert result.rc == 0 and result.out.strip() == f"dn:{user.dn}", result


def test_malformed_after_valid_request_on_same_connection(proxy):
    """A good request is answered; the garbage after it ends the connection with a notice."""
    with socket.create_connection(("127.0.0.1", proxy.ldap_port), timeout=5) as sock:
        sock.sendall(WHOAMI)
        sock.settimeout(10)
        data = b""
        while True:
            try:
                _, _, end = ber_read(data)
                break
            except ValueError:
                chunk = sock.recv(4096)
                assert chunk, "closed before answering WhoAmI"
                data += chunk
        first = parse_ldap_message(data[:end])
        assert first["message_id"] == 1 and first["op_tag"] == 0x78 and first["result_code"] == 0, first
        sock.sendall(PAYLOADS["garbage"])
        rest = data[end:] + read_until_closed(sock, timeout=10)
    assert_notice_or_nothing(rest)
    assert proxy.alive()


def test_truncated_pdu_then_half_close(proxy):
    """The client sends half a message and shuts its side: the proxy closes, it does not hang."""
    pdu = simple_bind_pdu(1, "uid=alice,ou=people,dc=example,dc=test", "not-sent")
    with socket.create_connection(("127.0.0.1", proxy.ldap_port), timeout=5) as sock:
        sock.sendall(pdu[: len(pdu) // 2])
        sock.shutdown(socket.SHUT_WR)
        data = read_until_closed(sock, timeout=10)
    assert_notice_or_nothing(data)
    assert proxy.alive()
