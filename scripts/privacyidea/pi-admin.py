#!/usr/bin/env python3
"""Administer a test privacyIDEA started by scripts/privacyidea/start.sh, through its REST API only,
and play the smartphone of a poll-only push token.

Run it with the privacyIDEA venv's interpreter (it needs `requests` and `cryptography`):

    .venv-privacyidea/bin/python scripts/privacyidea/pi-admin.py --dir DIR COMMAND ...

DIR is the instance directory given to start.sh; its `env` file names the URL, the CA file and the
admin credentials. Commands (all print one JSON object on success and exit 1 with a message on error):

    enrol-totp USER OTPKEY_HEX [--serial S] [--pin P]   TOTP token (SHA-1, 6 digits, 30 s)
    enrol-hotp USER OTPKEY_HEX [--serial S] [--pin P]   HOTP token (SHA-1, 6 digits)
    enrol-push USER [--serial S]        poll-only push token; the smartphone's key pair and the
                                        token's serial are kept in DIR/push-<serial>.json
    push-answer SERIAL [--decline] [--wait SECONDS]
                                        as the smartphone: poll GET /ttype/push (signed) until a
                                        challenge is open, then approve or decline it (POST
                                        /ttype/push, signed); prints the nonce count answered
    set-pin SERIAL PIN                  POST /token/setpin
    reset USER                          reset the fail counters of all of USER's tokens
    delete-tokens USER                  remove all of USER's tokens
    set-policy NAME SCOPE ACTION        create or replace a policy (all realms)
    delete-policy NAME                  remove a policy (no error when it does not exist)

Test use only: nothing here is hardened, and the admin password comes from a file in DIR.
"""

import argparse
import base64
import datetime
import json
import os
import sys
import time
import urllib.parse

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


class Failure(Exception):
    pass


def read_env(directory):
    values = {}
    with open(os.path.join(directory, "env"), encoding="utf-8") as handle:
        for line in handle:
            key, sep, value = line.strip().partition("=")
            if sep:
                values[key] = value
    return values


class Admin:
    """A logged-in admin session (the JWT from POST /auth is cached in DIR/admin.jwt)."""

    def __init__(self, directory):
        self.directory = directory
        env = read_env(directory)
        self.url = env["PI_URL"].rstrip("/")
        self.verify = env.get("PI_CA_FILE") or True
        self.user = env["PI_ADMIN_USER"]
        with open(os.path.join(directory, "admin-password"), encoding="utf-8") as handle:
            self.password = handle.read().strip()
        self.jwt_file = os.path.join(directory, "admin.jwt")
        self.session = requests.Session()
        # Explicit everywhere: requests lets REQUESTS_CA_BUNDLE from the environment override a
        # session's own CA file.
        self.session.trust_env = False
        self.session.verify = self.verify

    def _login(self):
        response = self.session.post(self.url + "/auth", data={"username": self.user, "password": self.password},
                                     verify=self.verify, timeout=30)
        body = self._json(response, "/auth")
        token = body["result"]["value"]["token"]
        with open(self.jwt_file, "w", encoding="utf-8") as handle:
            handle.write(token)
        return token

    def _jwt(self):
        try:
            with open(self.jwt_file, encoding="utf-8") as handle:
                return handle.read().strip() or self._login()
        except FileNotFoundError:
            return self._login()

    @staticmethod
    def _json(response, what):
        try:
            body = response.json()
        except ValueError:
            raise Failure(f"{what}: HTTP {response.status_code}, not JSON: {response.text[:200]}")
        if not body.get("result", {}).get("status"):
            raise Failure(f"{what}: HTTP {response.status_code}: {json.dumps(body.get('result'))}")
        return body

    def call(self, method, path, data=None):
        for attempt in range(2):
            headers = {"Authorization": self._jwt()}
            response = self.session.request(method, self.url + path, data=data, headers=headers,
                                             verify=self.verify, timeout=30)
            if response.status_code == 401 and attempt == 0:
                self._login()
                continue
            return self._json(response, f"{method} {path}")
        raise Failure(f"{method} {path}: not authorised")

    def anonymous(self, method, path, data=None, params=None):
        response = self.session.request(method, self.url + path, data=data, params=params,
                                     verify=self.verify, timeout=30)
        return self._json(response, f"{method} {path}")


def enrol_otp(admin, kind, args):
    serial = args.serial or f"{kind.upper()}-{args.user}"
    data = {"type": kind, "otpkey": args.otpkey, "genkey": "0", "user": args.user, "serial": serial,
            "otplen": "6", "hashlib": "sha1"}
    if kind == "totp":
        data["timeStep"] = "30"
    if args.pin:
        data["pin"] = args.pin
    admin.call("POST", "/token/init", data)
    return {"serial": serial}


def push_state_file(admin, serial):
    return os.path.join(admin.directory, f"push-{serial}.json")


def enrol_push(admin, args):
    serial = args.serial or f"PUSH-{args.user}"
    # Step 1 (the admin): the server answers with the enrolment credential a QR code would carry.
    body = admin.call("POST", "/token/init", {"type": "push", "genkey": "1", "user": args.user, "serial": serial})
    detail = body["detail"]
    credential = detail.get("enrollment_credential")
    if not credential:
        raise Failure("no enrollment_credential in /token/init answer (is the push enrolment policy set?)")
    # Step 2 (the smartphone): register its public key.
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_der = key.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    answer = admin.anonymous("POST", "/ttype/push", data={
        "serial": serial, "enrollment_credential": credential, "fbtoken": "poll-only-test-phone",
        "pubkey": base64.urlsafe_b64encode(public_der).decode()})
    if not answer["detail"].get("public_key"):
        raise Failure("the server did not finish the push enrolment (no public_key in the answer)")
    private_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode()
    path = push_state_file(admin, serial)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
        json.dump({"serial": serial, "private_key": private_pem}, handle)
    return {"serial": serial}


def sign(key, text):
    signature = key.sign(text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return base64.b32encode(signature).decode()


def push_answer(admin, args):
    with open(push_state_file(admin, args.serial), encoding="utf-8") as handle:
        state = json.load(handle)
    key = serialization.load_pem_private_key(state["private_key"].encode(), password=None)
    serial = state["serial"]
    deadline = time.monotonic() + args.wait
    while True:
        timestamp = datetime.datetime.now(datetime.timezone.utc).isoformat()
        body = admin.anonymous("GET", "/ttype/push", params={
            "serial": serial, "timestamp": timestamp, "signature": sign(key, f"{serial}|{timestamp}")})
        challenges = body["result"]["value"] or []
        if challenges or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    if not challenges:
        raise Failure(f"no open push challenge for {serial} within {args.wait} s")
    for challenge in challenges:
        nonce = challenge["nonce"]
        data = {"serial": serial, "nonce": nonce}
        if args.decline:
            data["decline"] = "1"
            data["signature"] = sign(key, f"{nonce}|{serial}|decline")
        else:
            data["signature"] = sign(key, f"{nonce}|{serial}")
        answer = admin.anonymous("POST", "/ttype/push", data=data)
        if answer["result"]["value"] is not True:
            raise Failure(f"the server did not take the answer: {json.dumps(answer['result'])}")
    return {"answered": len(challenges), "declined": bool(args.decline)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", required=True, help="instance directory given to start.sh")
    commands = parser.add_subparsers(dest="command", required=True)
    for kind in ("totp", "hotp"):
        sub = commands.add_parser(f"enrol-{kind}")
        sub.add_argument("user")
        sub.add_argument("otpkey", help="the secret as hex")
        sub.add_argument("--serial")
        sub.add_argument("--pin")
    sub = commands.add_parser("enrol-push")
    sub.add_argument("user")
    sub.add_argument("--serial")
    sub = commands.add_parser("push-answer")
    sub.add_argument("serial")
    sub.add_argument("--decline", action="store_true")
    sub.add_argument("--wait", type=float, default=20.0)
    sub = commands.add_parser("set-pin")
    sub.add_argument("serial")
    sub.add_argument("pin")
    for name in ("reset", "delete-tokens"):
        commands.add_parser(name).add_argument("user")
    sub = commands.add_parser("set-policy")
    sub.add_argument("name")
    sub.add_argument("scope")
    sub.add_argument("action")
    commands.add_parser("delete-policy").add_argument("name")
    args = parser.parse_args()

    admin = Admin(args.dir)
    if args.command in ("enrol-totp", "enrol-hotp"):
        result = enrol_otp(admin, args.command.split("-")[1], args)
    elif args.command == "enrol-push":
        result = enrol_push(admin, args)
    elif args.command == "push-answer":
        result = push_answer(admin, args)
    elif args.command == "set-pin":
        admin.call("POST", "/token/setpin", {"serial": args.serial, "otppin": args.pin})
        result = {"serial": args.serial}
    elif args.command == "reset":
        admin.call("POST", "/token/reset", {"user": args.user})
        result = {"user": args.user}
    elif args.command == "delete-tokens":
        tokens = admin.call("GET", "/token/?" + urllib.parse.urlencode({"user": args.user}))
        serials = [t["serial"] for t in tokens["result"]["value"]["tokens"]]
        for serial in serials:
            admin.call("DELETE", "/token/" + urllib.parse.quote(serial, safe=""))
        result = {"deleted": serials}
    elif args.command == "set-policy":
        admin.call("POST", "/policy/" + urllib.parse.quote(args.name, safe=""),
                   {"scope": args.scope, "action": args.action, "active": "true"})
        result = {"policy": args.name}
    else:
        try:
            admin.call("DELETE", "/policy/" + urllib.parse.quote(args.name, safe=""))
        except Failure as failure:
            if "does not exist" not in str(failure):
                raise
        result = {"policy": args.name}
    print(json.dumps(result))


if __name__ == "__main__":
    try:
        main()
    except (Failure, requests.RequestException, OSError, KeyError) as error:
        print(f"pi-admin: ERROR: {error}", file=sys.stderr)
        sys.exit(1)
