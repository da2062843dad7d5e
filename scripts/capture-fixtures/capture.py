#!/usr/bin/env python3
"""Drives real LDAP clients (OpenLDAP's command line tools, python ldap3) through recorder.py
against a real slapd and writes one LDAPMessage per fixture file. Run it through capture.sh,
which starts the slapd instance this expects (sample data, syncprov overlay).

    capture.py --slapd-port 4389 --recorder-port 4390 --ldapi URL --ca CA.pem --out DIR
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recorder import C2S, S2C, Message, Recorder, hex_lines, read_tlv_header  # noqa: E402

B = "dc=example,dc=test"
P = f"ou=people,{B}"
G = f"ou=groups,{B}"
ALICE = f"uid=alice,{P}"
BOB = f"uid=bob,{P}"
ADMIN = f"cn=admin,{B}"
READER = f"cn=proxy-reader,ou=service,{B}"

RESULT_CODES = {
    0: "success", 1: "operationsError", 2: "protocolError", 3: "timeLimitExceeded",
    4: "sizeLimitExceeded", 5: "compareFalse", 6: "compareTrue", 7: "authMethodNotSupported",
    8: "strongerAuthRequired", 10: "referral", 11: "adminLimitExceeded",
    12: "unavailableCriticalExtension", 13: "confidentialityRequired", 14: "saslBindInProgress",
    16: "noSuchAttribute", 17: "undefinedAttributeType", 18: "inappropriateMatching",
    19: "constraintViolation", 20: "attributeOrValueExists", 21: "invalidAttributeSyntax",
    32: "noSuchObject", 33: "aliasProblem", 34: "invalidDNSyntax", 48: "inappropriateAuthentication",
    49: "invalidCredentials", 50: "insufficientAccessRights", 51: "busy", 52: "unavailable",
    53: "unwillingToPerform", 64: "namingViolation", 65: "objectClassViolation",
    66: "notAllowedOnNonLeaf", 67: "notAllowedOnRDN", 68: "entryAlreadyExists", 80: "other",
    118: "canceled", 119: "noSuchOperation", 120: "tooLate", 121: "cannotCancel",
    122: "assertionFailed", 123: "authorizationDenied",
}
RESPONSE_OPS = {0x61, 0x65, 0x67, 0x69, 0x6B, 0x6D, 0x6F, 0x78}


# ---------------------------------------------------------------------- tiny BER reader
def tlvs(data: bytes, pos: int = 0, end: int | None = None):
    """Yields (tag, value_start, value_end) of consecutive TLVs in data[pos:end]."""
    end = len(data) if end is None else end
    while pos < end:
        tag, hl, cl = read_tlv_header(data, pos)
        yield tag, pos + hl, pos + hl + cl
        pos += hl + cl


def oid_text(b: bytes) -> str:
    return b.decode("ascii", "replace")


def summarize(m: Message) -> dict:
    """messageID, op, resultCode/diagnostic for responses, request/response names, controls."""
    d = m.data
    info: dict = {"msgid": m.msgid, "op": m.op, "op_name": m.op_name, "controls": []}
    _, hl, cl = read_tlv_header(d, 0)
    parts = list(tlvs(d, hl, hl + cl))
    op_tag, op_s, op_e = parts[1]
    if op_tag in RESPONSE_OPS:
        fields = list(tlvs(d, op_s, op_e))
        info["result"] = int.from_bytes(d[fields[0][1] : fields[0][2]], "big")
        info["matched"] = d[fields[1][1] : fields[1][2]].decode("utf-8", "replace")
        info["diag"] = d[fields[2][1] : fields[2][2]].decode("utf-8", "replace")
        for tag, s, e in fields[3:]:
            if tag == 0xA3:
                info["referral"] = True
            elif tag == 0x8A:
                info["responseName"] = oid_text(d[s:e])
            elif tag == 0x8B:
                info["responseValue"] = e - s
            elif tag == 0x87:
                info["serverSaslCreds"] = e - s
    elif op_tag == 0x77:
        for tag, s, e in tlvs(d, op_s, op_e):
            if tag == 0x80:
                info["requestName"] = oid_text(d[s:e])
    elif op_tag == 0x79:
        for tag, s, e in tlvs(d, op_s, op_e):
            if tag == 0x80:
                info["responseName"] = oid_text(d[s:e])
    for tag, s, e in parts[2:]:
        if tag == 0xA0:
            for _, cs, ce in tlvs(d, s, e):
                c = list(tlvs(d, cs, ce))
                oid = oid_text(d[c[0][1] : c[0][2]])
                crit = any(t == 0x01 and d[a:b] != b"\x00" for t, a, b in c[1:])
                info["controls"].append((oid, crit))
    return info


def summary_lines(m: Message) -> list[str]:
    i = summarize(m)
    s = f"messageID {i['msgid']}, {i['op_name']} (protocolOp tag 0x{i['op']:02x}), {len(m.data)} bytes"
    lines = [s]
    if "requestName" in i:
        lines.append(f"requestName {i['requestName']}")
    if "result" in i:
        r = i["result"]
        t = f"resultCode {r} ({RESULT_CODES.get(r, '?')}), matchedDN '{i['matched']}', diagnosticMessage '{i['diag']}'"
        lines.append(t)
    if i.get("referral"):
        lines.append("carries a referral (LDAPResult [3])")
    if "responseName" in i:
        lines.append(f"responseName {i['responseName']}")
    if "responseValue" in i:
        lines.append(f"responseValue present, {i['responseValue']} bytes")
    if "serverSaslCreds" in i:
        lines.append(f"serverSaslCreds present, {i['serverSaslCreds']} bytes")
    for oid, crit in i["controls"]:
        lines.append(f"control {oid} criticality {str(crit).lower()}")
    return lines


def runs(msgs: list[Message]) -> str:
    """'BindRequest BindResponse SearchResultEntry x205 ...': op names, repeats collapsed."""
    out: list[list] = []
    for m in msgs:
        if out and out[-1][0] == m.op_name:
            out[-1][1] += 1
        else:
            out.append([m.op_name, 1])
    return " ".join(n if c == 1 else f"{n} x{c}" for n, c in out)


# ---------------------------------------------------------------------- capture session
@dataclass
class Saved:
    group: str
    name: str
    what: str
    direction: str
    summary: str
    length_octet: int


class Capture:
    def __init__(self, args) -> None:
        self.args = args
        self.url = f"ldap://127.0.0.1:{args.recorder_port}"
        self.rec = Recorder(args.recorder_port, ("127.0.0.1", args.slapd_port)).start()
        self.saved: list[Saved] = []
        self.today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
        self.openldap = self._version(["ldapsearch", "-VV"], r"ldapsearch ([0-9][^ ]*)")
        self.libldap = self._version(["ldapsearch", "-VV"], r"LDAP library: OpenLDAP ([0-9]+)")
        self.slapd = self._version(["slapd", "-VV"], r"slapd ([0-9][^ ]*)")
        import ldap3

        self.ldap3_version = ldap3.__version__
        self.python = ".".join(map(str, sys.version_info[:3]))
        os.makedirs(args.out, exist_ok=True)
        for f in os.listdir(args.out):
            if f.endswith(".hex"):
                os.remove(os.path.join(args.out, f))

    def _version(self, argv, pattern) -> str:
        p = subprocess.run(argv, capture_output=True, text=True)
        m = re.search(pattern, p.stdout + p.stderr)
        return m.group(1) if m else "unknown"

    # ------------------------------------------------------------------ running things
    def cli(self, argv: list[str], stdin: str | None = None, env: dict | None = None, timeout: float = 20):
        """Runs an OpenLDAP tool against the recorder; returns (messages, returncode, output)."""
        mark = self.rec.mark()
        e = dict(os.environ)
        e.update({"LDAPTLS_CACERT": self.args.ca, "LDAPTLS_REQCERT": "demand"})
        if env:
            e.update(env)
        try:
            p = subprocess.run(argv, input=stdin, capture_output=True, text=True, env=e, timeout=timeout)
            rc, out = p.returncode, p.stdout + p.stderr
        except subprocess.TimeoutExpired as t:
            rc, out = "timeout", (t.stdout or b"").decode() + (t.stderr or b"").decode()
        if not self.rec.wait_idle(10):
            raise SystemExit(f"connections still open after {argv[0]}")
        msgs = self.rec.since(mark)
        print(f"  {argv[0]}: rc={rc}, {len(msgs)} messages: {runs(msgs)}")
        return msgs, rc, out

    def py(self, fn):
        mark = self.rec.mark()
        fn()
        if not self.rec.wait_idle(10):
            raise SystemExit("connections still open after python step")
        msgs = self.rec.since(mark)
        print(f"  python: {len(msgs)} messages: {runs(msgs)}")
        return msgs

    def tool(self, name: str) -> str:
        return f"{name} from OpenLDAP {self.openldap} (Debian 12 ldap-utils, libldap {self.libldap})"

    def save(self, msgs, name, op, what, group, produced_by, command, nth=0, direction=None):
        cands = [m for m in msgs if m.op == op and (direction is None or m.direction == direction)]
        if len(cands) <= nth:
            got = ", ".join(f"{m.direction}:{m.op_name}" for m in msgs)
            raise SystemExit(f"{name}: no message #{nth} with op 0x{op:02x} (captured: {got})")
        m = cands[nth]
        summ = summary_lines(m)
        path = os.path.join(self.args.out, name)
        with open(path, "w") as f:
            f.write(f"# {name}: {what}\n")
            f.write(f"# Produced by: {produced_by}\n")
            for i, line in enumerate(command.splitlines()):
                f.write(f"# {'Command: ' if i == 0 else '         '}{line}\n")
            f.write(
                f"# Peer: slapd {self.slapd} (scripts/slapd/start.sh, sample data) via "
                "scripts/capture-fixtures/recorder.py on 127.0.0.1\n"
            )
            f.write(f"# Direction: {m.direction}\n")
            for line in summ:
                f.write(f"# {line}\n")
            f.write(f"# Captured: {self.today} by scripts/capture-fixtures/capture.sh\n")
            f.write(hex_lines(m.data) + "\n")
        self.saved.append(Saved(group, name, what, m.direction, summ[0], m.data[1]))

    # ------------------------------------------------------------------ scenarios
    def run_all(self) -> None:
        steps = [
            self.whoami, self.wrong_password, self.anonymous, self.search_filter, self.search_paged,
            self.search_entries, self.search_errors, self.referrals, self.proxy_authz, self.compare,
            self.add_modify_modrdn_delete, self.passwd, self.cancel, self.sasl, self.starttls,
            self.sync_intermediate, self.ldap3_steps, self.unknown_operation,
        ]
        for s in steps:
            print(f"{s.__name__}:")
            s()

    def whoami(self) -> None:
        argv = ["ldapwhoami", "-x", "-H", self.url, "-D", ALICE, "-w", "alice-password"]
        msgs, rc, out = self.cli(argv)
        assert rc == 0, out
        t, c, g = self.tool("ldapwhoami"), shlex.join(argv), "Bind, WhoAmI, Unbind (ldapwhoami)"
        self.save(msgs, "ldapwhoami-bind-request.hex", 0x60, "simple BindRequest, version 3, alice", g, t, c)
        self.save(msgs, "ldapwhoami-bind-response.hex", 0x61, "BindResponse success", g, t, c)
        self.save(msgs, "ldapwhoami-whoami-request.hex", 0x77, "WhoAmI ExtendedRequest (RFC 4532), no value", g, t, c)
        self.save(msgs, "ldapwhoami-whoami-response.hex", 0x78, "WhoAmI ExtendedResponse, value dn:uid=alice,...", g, t, c)
        self.save(msgs, "ldapwhoami-unbind-request.hex", 0x42, "UnbindRequest (APPLICATION 2, primitive NULL)", g, t, c)

    def wrong_password(self) -> None:
        argv = ["ldapwhoami", "-x", "-H", self.url, "-D", ALICE, "-w", "wrong-password"]
        msgs, rc, out = self.cli(argv)
        assert rc == 49, out
        t, c, g = self.tool("ldapwhoami"), shlex.join(argv), "Bind, WhoAmI, Unbind (ldapwhoami)"
        self.save(msgs, "ldapwhoami-invalid-credentials-response.hex", 0x61, "BindResponse invalidCredentials (49)", g, t, c)

    def anonymous(self) -> None:
        argv = ["ldapwhoami", "-x", "-H", self.url]
        msgs, rc, out = self.cli(argv)
        assert rc == 0, out
        t, c, g = self.tool("ldapwhoami"), shlex.join(argv), "Bind, WhoAmI, Unbind (ldapwhoami)"
        self.save(msgs, "ldapwhoami-anonymous-bind-request.hex", 0x60, "anonymous simple BindRequest (empty name and password)", g, t, c)
        self.save(msgs, "ldapwhoami-anonymous-whoami-response.hex", 0x78, "WhoAmI ExtendedResponse for anonymous (empty authzId)", g, t, c)

    def search_filter(self) -> None:
        flt = (
            "(&(objectClass=inetOrgPerson)(|(cn=al*ce)(sn~=smith))(!(uid=bob))(mail=*)(uidNumber>=10)"
            "(uidNumber<=99)(cn:caseExactMatch:=Alice)(cn:dn:2.5.13.5:=x))"
        )
        argv = ["ldapsearch", "-x", "-H", self.url, "-D", ALICE, "-w", "alice-password", "-b", P, "-s", "sub", flt, "cn", "mail"]
        msgs, rc, out = self.cli(argv)
        t, c, g = self.tool("ldapsearch"), shlex.join(argv), "Search (ldapsearch)"
        self.save(msgs, "ldapsearch-filter-all-types-request.hex", 0x63,
                  "SearchRequest whose filter uses and, or, not, equality, substrings, approx, >=, <=, present and two extensible matches", g, t, c)
        self.save(msgs, "ldapsearch-filter-all-types-done.hex", 0x65, "SearchResultDone for that filter (no entry matches)", g, t, c)
        flt2 = "(|(cn=*Lid*ell)(cn=Bo*)(cn=*ones))"
        argv = ["ldapsearch", "-x", "-H", self.url, "-D", ALICE, "-w", "alice-password", "-b", P, "-s", "one", "-a", "always", "-l", "30", "-z", "50", flt2, "cn"]
        msgs, rc, out = self.cli(argv)
        assert rc == 0, out
        c = shlex.join(argv)
        self.save(msgs, "ldapsearch-substrings-request.hex", 0x63,
                  "SearchRequest, scope one, derefAliases always, size 50, time 30, substrings initial/any/final", g, t, c)

    def search_paged(self) -> None:
        flt = "(|(uid=alice)(uid=bob)(uid=carol)(uid=dave)(uid=user000*))"
        argv = ["ldapsearch", "-x", "-H", self.url, "-D", READER, "-w", "reader-password", "-b", P, "-E", "pr=5/noprompt", flt, "uid", "cn", "mail"]
        msgs, rc, out = self.cli(argv)
        assert rc == 0, out
        t, c, g = self.tool("ldapsearch"), shlex.join(argv), "Search with paged results (ldapsearch)"
        self.save(msgs, "ldapsearch-paged-request-page1.hex", 0x63, "SearchRequest with paged results control (size 5, empty cookie)", g, t, c)
        self.save(msgs, "ldapsearch-paged-entry-alice.hex", 0x64, "SearchResultEntry for alice (uid, cn, mail)", g, t, c)
        self.save(msgs, "ldapsearch-paged-done-page1.hex", 0x65, "SearchResultDone with paged results response control and a cookie", g, t, c)
        self.save(msgs, "ldapsearch-paged-request-page2.hex", 0x63, "second-page SearchRequest carrying the server's cookie", g, t, c, nth=1)
        dones = [m for m in msgs if m.op == 0x65]
        self.save(msgs, "ldapsearch-paged-done-last.hex", 0x65, "last page's SearchResultDone (empty cookie)", g, t, c, nth=len(dones) - 1)

    def search_entries(self) -> None:
        t, g = self.tool("ldapsearch"), "Search (ldapsearch)"
        argv = ["ldapsearch", "-x", "-H", self.url, "-D", READER, "-w", "reader-password", "-b", ALICE, "-s", "base", "(objectClass=*)"]
        msgs, rc, out = self.cli(argv)
        assert rc == 0, out
        c = shlex.join(argv)
        self.save(msgs, "ldapsearch-base-request.hex", 0x63, "SearchRequest, scope base, all user attributes (empty attribute list)", g, t, c)
        self.save(msgs, "ldapsearch-entry-alice.hex", 0x64, "SearchResultEntry alice, all user attributes (no userPassword: ACL)", g, t, c)
        self.save(msgs, "ldapsearch-done-success.hex", 0x65, "SearchResultDone success", g, t, c)

        argv = ["ldapsearch", "-x", "-H", self.url, "-D", READER, "-w", "reader-password", "-b", f"cn=vpn-users,{G}", "-s", "base", "(objectClass=groupOfNames)", "cn", "member"]
        msgs, rc, out = self.cli(argv)
        assert rc == 0, out
        self.save(msgs, "ldapsearch-entry-group-vpn-users.hex", 0x64, "SearchResultEntry of a groupOfNames, multi-valued member", g, t, shlex.join(argv))

        argv = ["ldapsearch", "-x", "-H", self.url, "-D", READER, "-w", "reader-password", "-b", P, "-A", "(uid=bob)"]
        msgs, rc, out = self.cli(argv)
        assert rc == 0, out
        c = shlex.join(argv)
        self.save(msgs, "ldapsearch-typesonly-request.hex", 0x63, "SearchRequest with typesOnly TRUE", g, t, c)
        self.save(msgs, "ldapsearch-typesonly-entry-bob.hex", 0x64, "SearchResultEntry with attribute types and empty value sets", g, t, c)

        argv = ["ldapsearch", "-x", "-H", self.url, "-b", "", "-s", "base", "(objectClass=*)", "*", "+"]
        msgs, rc, out = self.cli(argv)
        assert rc == 0, out
        c = shlex.join(argv)
        self.save(msgs, "ldapsearch-rootdse-request.hex", 0x63, "root DSE SearchRequest (empty base, attributes * and +)", g, t, c)
        self.save(msgs, "ldapsearch-rootdse-entry.hex", 0x64, "root DSE SearchResultEntry (supportedControl, supportedExtension, ...)", g, t, c)

    def search_errors(self) -> None:
        t, g = self.tool("ldapsearch"), "Search errors (ldapsearch)"
        argv = ["ldapsearch", "-x", "-H", self.url, "-D", READER, "-w", "reader-password", "-b", P, "-z", "3", "(uid=user*)", "1.1"]
        msgs, rc, out = self.cli(argv)
        assert rc == 4, out
        c = shlex.join(argv)
        self.save(msgs, "ldapsearch-sizelimit-entry.hex", 0x64, "SearchResultEntry with no attributes (DN only)", g, t, c)
        self.save(msgs, "ldapsearch-sizelimit-done.hex", 0x65, "SearchResultDone sizeLimitExceeded (4)", g, t, c)

        argv = ["ldapsearch", "-x", "-H", self.url, "-D", READER, "-w", "reader-password", "-b", f"ou=nowhere,{B}", "(objectClass=*)"]
        msgs, rc, out = self.cli(argv)
        assert rc == 32, out
        self.save(msgs, "ldapsearch-nosuchobject-done.hex", 0x65, "SearchResultDone noSuchObject (32) with matchedDN", g, t, shlex.join(argv))

        argv = ["ldapsearch", "-x", "-H", self.url, "-D", READER, "-w", "reader-password", "-b", P, "-E", "!sss=cn", "(uid=alice)", "cn"]
        msgs, rc, out = self.cli(argv)
        assert rc == 12, out
        c = shlex.join(argv)
        self.save(msgs, "ldapsearch-sort-critical-request.hex", 0x63, "SearchRequest with a critical server-side sort control (RFC 2891)", g, t, c)
        self.save(msgs, "ldapsearch-sort-critical-done.hex", 0x65, "SearchResultDone unavailableCriticalExtension (12): no sssvlv overlay", g, t, c)

    def referrals(self) -> None:
        t_add, g = self.tool("ldapadd"), "Referrals and ManageDsaIT"
        ref_dn = f"ou=partners,{B}"
        ldif = (
            f"dn: {ref_dn}\nobjectClass: referral\nobjectClass: extensibleObject\nou: partners\n"
            f"ref: ldap://127.0.0.1:4399/{ref_dn}\n"
        )
        argv = ["ldapadd", "-x", "-H", self.url, "-D", ADMIN, "-w", "admin-secret", "-M"]
        msgs, rc, out = self.cli(argv, stdin=ldif)
        assert rc == 0, out
        self.save(msgs, "ldapadd-managedsait-referral-request.hex", 0x68, "AddRequest of a referral object with the ManageDsaIT control",
                  g, t_add, shlex.join(argv) + "\n(LDIF on stdin:)\n" + ldif)
        t = self.tool("ldapsearch")
        argv = ["ldapsearch", "-x", "-H", self.url, "-D", READER, "-w", "reader-password", "-b", B, "(ou=partners)", "ou"]
        msgs, rc, out = self.cli(argv)
        self.save(msgs, "ldapsearch-result-reference.hex", 0x73, "SearchResultReference (continuation reference, one URI)", g, t, shlex.join(argv))
        argv = ["ldapsearch", "-x", "-H", self.url, "-D", READER, "-w", "reader-password", "-b", ref_dn, "-s", "base", "(objectClass=*)"]
        msgs, rc, out = self.cli(argv)
        assert rc == 10, out
        self.save(msgs, "ldapsearch-referral-done.hex", 0x65, "SearchResultDone referral (10) with the referral URIs in LDAPResult", g, t, shlex.join(argv))
        argv = ["ldapsearch", "-x", "-H", self.url, "-D", READER, "-w", "reader-password", "-M", "-b", ref_dn, "-s", "base", "(objectClass=*)", "ou", "ref"]
        msgs, rc, out = self.cli(argv)
        assert rc == 0, out
        c = shlex.join(argv)
        self.save(msgs, "ldapsearch-managedsait-request.hex", 0x63, "SearchRequest with the ManageDsaIT control (2.16.840.1.113730.3.4.2)", g, t, c)
        self.save(msgs, "ldapsearch-managedsait-entry.hex", 0x64, "SearchResultEntry of the referral object itself (ref attribute)", g, t, c)
        argv = ["ldapdelete", "-x", "-H", self.url, "-D", ADMIN, "-w", "admin-secret", "-M", ref_dn]
        msgs, rc, out = self.cli(argv)
        assert rc == 0, out

    def proxy_authz(self) -> None:
        t, g = self.tool("ldapsearch"), "Search errors (ldapsearch)"
        argv = ["ldapsearch", "-x", "-H", self.url, "-D", ALICE, "-w", "alice-password", "-e", f"!authzid=dn:{BOB}", "-b", P, "(uid=bob)", "cn"]
        msgs, rc, out = self.cli(argv)
        c = shlex.join(argv)
        self.save(msgs, "ldapsearch-proxyauthz-request.hex", 0x63, "SearchRequest with a critical proxied authorization control (RFC 4370)", g, t, c)
        self.save(msgs, "ldapsearch-proxyauthz-done.hex", 0x65, "SearchResultDone refusing the proxied authorization", g, t, c)

    def compare(self) -> None:
        t, g = self.tool("ldapcompare"), "Compare (ldapcompare)"
        argv = ["ldapcompare", "-x", "-H", self.url, "-D", READER, "-w", "reader-password", ALICE, "mail:alice@example.test"]
        msgs, rc, out = self.cli(argv)
        assert rc == 6, out
        c = shlex.join(argv)
        self.save(msgs, "ldapcompare-request.hex", 0x6E, "CompareRequest mail=alice@example.test", g, t, c)
        self.save(msgs, "ldapcompare-true-response.hex", 0x6F, "CompareResponse compareTrue (6)", g, t, c)
        argv = ["ldapcompare", "-x", "-H", self.url, "-D", READER, "-w", "reader-password", ALICE, "sn:Smith"]
        msgs, rc, out = self.cli(argv)
        assert rc == 5, out
        c = shlex.join(argv)
        self.save(msgs, "ldapcompare-false-response.hex", 0x6F, "CompareResponse compareFalse (5)", g, t, c)

    def add_modify_modrdn_delete(self) -> None:
        admin = ["-x", "-H", self.url, "-D", ADMIN, "-w", "admin-secret"]
        erin = f"uid=erin,{P}"
        ldif = (
            f"dn: {erin}\nobjectClass: inetOrgPerson\nuid: erin\ncn: Erin Example\nsn: Example\n"
            "givenName: Erin\ntelephoneNumber: +1 555 0140\nmobile: +1 555 0141\nmobile: +1 555 0142\n"
        )
        g = "Add, Modify, ModifyDN, Delete"
        argv = ["ldapadd", *admin]
        msgs, rc, out = self.cli(argv, stdin=ldif)
        assert rc == 0, out
        t, c = self.tool("ldapadd"), shlex.join(argv) + "\n(LDIF on stdin:)\n" + ldif
        self.save(msgs, "ldapadd-request.hex", 0x68, "AddRequest uid=erin with several attributes", g, t, c)
        self.save(msgs, "ldapadd-response.hex", 0x69, "AddResponse success", g, t, c)
        msgs, rc, out = self.cli(argv, stdin=ldif)
        assert rc == 68, out
        self.save(msgs, "ldapadd-already-exists-response.hex", 0x69, "AddResponse entryAlreadyExists (68)", g, t, c)

        mod = (
            f"dn: {erin}\nchangetype: modify\nadd: mail\nmail: erin@example.test\n-\n"
            "replace: description\ndescription: modified by capture.sh\n-\n"
            "delete: telephoneNumber\n-\ndelete: mobile\nmobile: +1 555 0141\n-\n"
        )
        argv = ["ldapmodify", *admin]
        msgs, rc, out = self.cli(argv, stdin=mod)
        assert rc == 0, out
        t, c = self.tool("ldapmodify"), shlex.join(argv) + "\n(LDIF on stdin:)\n" + mod
        self.save(msgs, "ldapmodify-request.hex", 0x66, "ModifyRequest with add, replace, delete (all values) and delete (one value)", g, t, c)
        self.save(msgs, "ldapmodify-response.hex", 0x67, "ModifyResponse success", g, t, c)
        bad = f"dn: {erin}\nchangetype: modify\ndelete: pager\n-\n"
        msgs, rc, out = self.cli(argv, stdin=bad)
        assert rc == 16, out
        c = shlex.join(argv) + "\n(LDIF on stdin:)\n" + bad
        self.save(msgs, "ldapmodify-nosuchattribute-response.hex", 0x67, "ModifyResponse noSuchAttribute (16) with a diagnostic", g, t, c)

        t = self.tool("ldapmodrdn")
        argv = ["ldapmodrdn", *admin, "-r", erin, "uid=erin2"]
        msgs, rc, out = self.cli(argv)
        assert rc == 0, out
        c = shlex.join(argv)
        self.save(msgs, "ldapmodrdn-request.hex", 0x6C, "ModifyDNRequest new RDN uid=erin2, deleteoldrdn TRUE, no newSuperior", g, t, c)
        self.save(msgs, "ldapmodrdn-response.hex", 0x6D, "ModifyDNResponse success", g, t, c)
        argv = ["ldapmodrdn", *admin, "-s", f"ou=service,{B}", f"uid=erin2,{P}", "uid=erin3"]
        msgs, rc, out = self.cli(argv)
        assert rc == 0, out
        c = shlex.join(argv)
        self.save(msgs, "ldapmodrdn-newsuperior-request.hex", 0x6C, "ModifyDNRequest deleteoldrdn FALSE with newSuperior [0]", g, t, c)

        t = self.tool("ldapdelete")
        argv = ["ldapdelete", *admin, f"uid=erin3,ou=service,{B}"]
        msgs, rc, out = self.cli(argv)
        assert rc == 0, out
        c = shlex.join(argv)
        self.save(msgs, "ldapdelete-request.hex", 0x4A, "DelRequest (APPLICATION 10, primitive LDAPDN)", g, t, c)
        self.save(msgs, "ldapdelete-response.hex", 0x6B, "DelResponse success", g, t, c)
        argv = ["ldapdelete", *admin, f"uid=nobody,{P}"]
        msgs, rc, out = self.cli(argv)
        assert rc == 32, out
        self.save(msgs, "ldapdelete-nosuchobject-response.hex", 0x6B, "DelResponse noSuchObject (32) with matchedDN", g, t, shlex.join(argv))

    def passwd(self) -> None:
        t, g = self.tool("ldappasswd"), "Password modify extended operation (ldappasswd)"
        argv = ["ldappasswd", "-x", "-H", self.url, "-D", BOB, "-w", "bob-password", "-a", "bob-password", "-s", "bob-new-password", BOB]
        msgs, rc, out = self.cli(argv)
        assert rc == 0, out
        c = shlex.join(argv)
        self.save(msgs, "ldappasswd-request.hex", 0x77, "Password Modify ExtendedRequest (RFC 3062) with userIdentity, oldPasswd, newPasswd", g, t, c)
        self.save(msgs, "ldappasswd-response.hex", 0x78, "Password Modify ExtendedResponse success, no value", g, t, c)
        argv = ["ldappasswd", "-x", "-H", self.url, "-D", ADMIN, "-w", "admin-secret", f"uid=carol,{P}"]
        msgs, rc, out = self.cli(argv)
        assert rc == 0, out
        c = shlex.join(argv)
        self.save(msgs, "ldappasswd-generate-request.hex", 0x77, "Password Modify ExtendedRequest with only userIdentity (server generates)", g, t, c)
        self.save(msgs, "ldappasswd-generate-response.hex", 0x78, "Password Modify ExtendedResponse with genPasswd in its value (random, throwaway)", g, t, c)

    def cancel(self) -> None:
        t, g = self.tool("ldapexop"), "Other extended operations"
        argv = ["ldapexop", "-x", "-H", self.url, "-D", ALICE, "-w", "alice-password", "cancel", "99"]
        msgs, rc, out = self.cli(argv)
        c = shlex.join(argv)
        self.save(msgs, "ldapexop-cancel-request.hex", 0x77, "Cancel ExtendedRequest (RFC 3909) for messageID 99", g, t, c)
        self.save(msgs, "ldapexop-cancel-response.hex", 0x78, "Cancel ExtendedResponse noSuchOperation (119)", g, t, c)

    def sasl(self) -> None:
        import ldap3

        g = "SASL binds"
        # OpenLDAP's client will not even send EXTERNAL over plain TCP (it has no external
        # identity: "SASL(-4): no mechanism available"), so EXTERNAL and PLAIN come from ldap3.
        t3 = f"python ldap3 {self.ldap3_version} (Python {self.python}, pyasn1), from the repo's .venv"
        server = ldap3.Server("127.0.0.1", port=self.args.recorder_port, get_info=ldap3.NONE)
        for mech, creds, code, what in (
            ("EXTERNAL", None, 7, "BindResponse authMethodNotSupported (7): no external identity over plain TCP"),
            ("PLAIN", (None, "alice", "alice-password"), 48,
             "BindResponse inappropriateAuthentication (48): PLAIN needs an encrypted connection"),
        ):
            def bind():
                conn = ldap3.Connection(server, authentication=ldap3.SASL, sasl_mechanism=mech, sasl_credentials=creds)
                assert not conn.bind() and conn.result["result"] == code, conn.result
                conn.unbind()

            c = (f"ldap3.Connection(server, authentication=ldap3.SASL, sasl_mechanism='{mech}', "
                 f"sasl_credentials={creds!r}).bind()")
            msgs = self.py(bind)
            low = mech.lower()
            self.save(msgs, f"ldap3-sasl-{low}-request.hex", 0x60, f"SASL BindRequest mechanism {mech}"
                      + (" with credentials (authzid, authcid, password)" if creds else ", no credentials"), g, t3, c)
            self.save(msgs, f"ldap3-sasl-{low}-response.hex", 0x61, what, g, t3, c)

        t = self.tool("ldapwhoami")
        argv = ["ldapwhoami", "-Y", "DIGEST-MD5", "-U", "alice", "-w", "alice-password", "-H", self.url]
        msgs, rc, out = self.cli(argv)
        c = shlex.join(argv)
        self.save(msgs, "ldapwhoami-sasl-digest-request1.hex", 0x60, "SASL BindRequest DIGEST-MD5, first step (no credentials)", g, t, c)
        self.save(msgs, "ldapwhoami-sasl-digest-challenge.hex", 0x61, "BindResponse saslBindInProgress (14) with the server's challenge", g, t, c)
        self.save(msgs, "ldapwhoami-sasl-digest-request2.hex", 0x60, "SASL BindRequest DIGEST-MD5, second step (digest response)", g, t, c, nth=1)
        self.save(msgs, "ldapwhoami-sasl-digest-final-response.hex", 0x61,
                  "final BindResponse invalidCredentials (49) with a SASL diagnostic (no sasldb secret)", g, t, c, nth=1)

    def starttls(self) -> None:
        t, g = self.tool("ldapwhoami"), "StartTLS"
        argv = ["ldapwhoami", "-ZZ", "-x", "-H", self.url, "-D", ALICE, "-w", "alice-password"]
        msgs, rc, out = self.cli(argv, env={"LDAPTLS_CACERT": self.args.ca})
        assert rc == 0, out
        c = "LDAPTLS_CACERT=run/certs/ca.pem " + shlex.join(argv)
        self.save(msgs, "ldapwhoami-starttls-request.hex", 0x77, "StartTLS ExtendedRequest (1.3.6.1.4.1.1466.20037); TLS follows, not recorded", g, t, c)
        self.save(msgs, "ldapwhoami-starttls-response.hex", 0x78, "StartTLS ExtendedResponse success", g, t, c)
        assert len(msgs) == 2, "recorder must stop at the TLS handshake"

    def sync_intermediate(self) -> None:
        t, g = self.tool("ldapsearch"), "Content synchronization (syncprov): IntermediateResponse"
        argv = ["ldapsearch", "-x", "-H", self.url, "-D", ADMIN, "-w", "admin-secret", "-b", G, "-E", "!sync=rp", "(cn=admins)", "cn"]
        msgs, rc, out = self.cli(argv, timeout=2)
        c = shlex.join(argv) + "\n(killed after 2 s: refreshAndPersist never ends)"
        self.save(msgs, "ldapsearch-sync-request.hex", 0x63, "SearchRequest with a critical Sync Request control (RFC 4533), refreshAndPersist", g, t, c)
        self.save(msgs, "ldapsearch-sync-entry.hex", 0x64, "SearchResultEntry with a Sync State control", g, t, c)
        self.save(msgs, "ldapsearch-sync-intermediate.hex", 0x79, "IntermediateResponse syncInfo refreshDelete [1] with a cookie (refreshDone defaults to TRUE): refresh phase over", g, t, c)

    def ldap3_steps(self) -> None:
        import ldap3
        from ldap3.protocol.controls import build_control
        from pyasn1.type.namedtype import NamedType, NamedTypes
        from pyasn1.type.univ import OctetString, Sequence

        t = f"python ldap3 {self.ldap3_version} (Python {self.python}, pyasn1), from the repo's .venv"
        g = "python ldap3"
        server = ldap3.Server("127.0.0.1", port=self.args.recorder_port, get_info=ldap3.NONE)

        def bind():
            conn = ldap3.Connection(server, user=ALICE, password="alice-password", auto_bind=False)
            assert conn.bind(), conn.result
            conn.unbind()

        c_bind = ("ldap3.Connection(ldap3.Server('127.0.0.1', port=PORT, get_info=ldap3.NONE), "
                  f"user='{ALICE}', password='alice-password').bind()")
        msgs = self.py(bind)
        self.save(msgs, "ldap3-bind-request.hex", 0x60, "simple BindRequest as ldap3 encodes it", g, t, c_bind)
        self.save(msgs, "ldap3-bind-response.hex", 0x61, "BindResponse success", g, t, c_bind)

        def paged():
            conn = ldap3.Connection(server, user=READER, password="reader-password", auto_bind=True)
            conn.search(P, "(uid=user00*)", attributes=["uid", "cn"], paged_size=5)
            assert conn.result["result"] == 0, conn.result
            conn.unbind()

        c = f"conn.search('{P}', '(uid=user00*)', attributes=['uid', 'cn'], paged_size=5)  # bound as proxy-reader"
        msgs = self.py(paged)
        self.save(msgs, "ldap3-paged-search-request.hex", 0x63, "SearchRequest with the paged results control as ldap3 encodes it", g, t, c)
        self.save(msgs, "ldap3-paged-search-done.hex", 0x65, "SearchResultDone with a paged results cookie", g, t, c)

        def dirsync():
            conn = ldap3.Connection(server, user=ADMIN, password="admin-secret", auto_bind=True)
            ds = conn.extend.microsoft.dir_sync(B, sync_filter="(objectClass=inetOrgPerson)", attributes=["cn", "mail"])
            try:
                ds.loop()
            except Exception as e:  # slapd has no DirSync
                print(f"    dir_sync raised {type(e).__name__}: {e}")
            conn.unbind()

        c = (f"conn.extend.microsoft.dir_sync('{B}', sync_filter='(objectClass=inetOrgPerson)', "
             "attributes=['cn', 'mail']).loop()  # bound as cn=admin")
        msgs = self.py(dirsync)
        self.save(msgs, "ldap3-dirsync-request.hex", 0x63,
                  "SearchRequest with AD DirSync (critical), extended DN and show deleted controls", g, t, c)
        self.save(msgs, "ldap3-dirsync-done.hex", 0x65, "slapd's SearchResultDone for the critical DirSync control", g, t, c)

        class ASQRequestValue(Sequence):  # MS-ADTS 3.1.1.3.4.1.18: SEQUENCE { sourceAttribute OCTET STRING }
            componentType = NamedTypes(NamedType("sourceAttribute", OctetString()))

        def asq():
            conn = ldap3.Connection(server, user=READER, password="reader-password", auto_bind=True)
            v = ASQRequestValue()
            v.setComponentByName("sourceAttribute", "member")
            ctrl = build_control("1.2.840.113556.1.4.1504", True, v)
            conn.search(f"cn=vpn-users,{G}", "(objectClass=*)", ldap3.BASE, attributes=["cn", "mail"], controls=[ctrl])
            conn.unbind()

        c = ("conn.search('cn=vpn-users,ou=groups,dc=example,dc=test', '(objectClass=*)', ldap3.BASE, "
             "attributes=['cn', 'mail'], controls=[ldap3.protocol.controls.build_control("
             "'1.2.840.113556.1.4.1504', True, ASQRequestValue(sourceAttribute='member'))])")
        msgs = self.py(asq)
        self.save(msgs, "ldap3-asq-request.hex", 0x63, "base SearchRequest with the AD attribute scoped query control (critical)", g, t, c)
        self.save(msgs, "ldap3-asq-done.hex", 0x65, "slapd's SearchResultDone for the critical ASQ control", g, t, c)

        def abandon():
            conn = ldap3.Connection(server, user=READER, password="reader-password",
                                    client_strategy=ldap3.ASYNC, auto_bind=True)
            msgid = conn.search(P, "(objectClass=inetOrgPerson)", attributes=["cn"])
            assert conn.abandon(msgid), "ldap3 did not send the abandon"
            time.sleep(0.2)
            conn.unbind()

        c = ("msgid = conn.search('ou=people,dc=example,dc=test', '(objectClass=inetOrgPerson)', attributes=['cn']); "
             "conn.abandon(msgid)  # client_strategy=ldap3.ASYNC, bound as proxy-reader")
        msgs = self.py(abandon)
        self.save(msgs, "ldap3-abandon-request.hex", 0x50, "AbandonRequest (APPLICATION 16, primitive messageID) naming the preceding search", g, t, c)

    def unknown_operation(self) -> None:
        # Hand-written request (no client sends this); the response is slapd's own.
        g = "Unsolicited notification"
        req = bytes.fromhex("3005020101" + "7e00")  # messageID 1, [APPLICATION 30] constructed, empty

        def send():
            with socket.create_connection(("127.0.0.1", self.args.recorder_port), timeout=5) as s:
                s.sendall(req)
                try:
                    while s.recv(4096):
                        pass
                except OSError:
                    pass

        msgs = self.py(send)
        c = "python socket: send 30 05 02 01 01 7e 00 (messageID 1, unknown [APPLICATION 30]) and read until close"
        self.save(msgs, "slapd-notice-of-disconnection.hex", 0x78,
                  "unsolicited Notice of Disconnection (messageID 0, 1.3.6.1.4.1.1466.20036) after an unknown operation",
                  g, "a hand-written request over a raw socket (the response is slapd's)", c)

    # ------------------------------------------------------------------ README
    def write_readme(self) -> None:
        groups: dict[str, list[Saved]] = {}
        for s in self.saved:
            groups.setdefault(s.group, []).append(s)
        lines = [
            "# LDAP wire fixtures",
            "",
            "Real LDAPv3 PDUs, captured from real clients talking to a real OpenLDAP slapd on loopback.",
            "Each `.hex` file holds exactly ONE complete BER-encoded LDAPMessage (RFC 4511 section 4.1.1).",
            "",
            "## Format",
            "",
            "- Lines starting with `#` are comments: what the message is, which tool and exact command",
            "  produced it (with versions), the peer, the direction (`client->server` or `server->client`),",
            "  a decoded summary (messageID, protocolOp, resultCode, controls) and the capture date.",
            "- Everything else is hex, two digits per byte, 32 bytes per line; whitespace and newlines",
            "  between byte pairs carry no meaning. A loader strips comment lines and whitespace, then",
            "  decodes the hex.",
            "",
            "Passwords in these messages are the sample directory's test-only passwords",
            "(scripts/slapd/sample-data.ldif), never used anywhere else.",
            "",
            "## Regenerating",
            "",
            "    scripts/capture-fixtures/capture.sh",
            "",
            "starts its own slapd (scripts/slapd/start.sh on 127.0.0.1:4389, with the syncprov overlay",
            "added), starts scripts/capture-fixtures/recorder.py on 127.0.0.1:4390 relaying to it, runs",
            "the clients against the recorder, and rewrites every `.hex` file here and this README.",
            "Bytes that depend on the run (paged-results cookies, generated passwords, SASL nonces,",
            "CSNs in sync cookies) change on every capture; the structure does not.",
            "",
            f"Last capture: {self.today}; OpenLDAP clients {self.openldap} (libldap {self.libldap}),",
            f"slapd {self.slapd}, python ldap3 {self.ldap3_version} (Python {self.python}).",
            "",
            "Outer length forms: "
            + "; ".join(
                f"{form}: " + ", ".join(f"`{s.name}`" for s in self.saved if s.length_octet == octet)
                for form, octet in (("0x82 (two length octets)", 0x82), ("0x81 (one length octet)", 0x81))
            )
            + "; all others use the short form.",
            "",
            "## Files",
            "",
        ]
        for group, items in groups.items():
            lines.append(f"### {group}")
            lines.append("")
            lines.append("| file | direction | message |")
            lines.append("|---|---|---|")
            for s in items:
                lines.append(f"| `{s.name}` | {s.direction} | {s.what} |")
            lines.append("")
        lines += [
            "## Not covered by a capture",
            "",
            "- Responses to AbandonRequest and UnbindRequest: there are none (RFC 4511 4.11, 4.3).",
            "- Messages inside TLS (LDAPS, or after StartTLS): the recorder sees only ciphertext there;",
            "  the bytes are the same LDAP encoding as in cleartext.",
            "- A SearchResultEntry or IntermediateResponse from Active Directory (DirSync/ASQ answers):",
            "  slapd refuses those controls; the requests are real ldap3 encodings.",
            "",
        ]
        with open(os.path.join(self.args.out, "README.md"), "w") as f:
            f.write("\n".join(lines))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--slapd-port", type=int, required=True)
    ap.add_argument("--recorder-port", type=int, required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    cap = Capture(args)
    try:
        cap.run_all()
        cap.write_readme()
    finally:
        cap.rec.stop()
    print(f"wrote {len(cap.saved)} fixtures to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
