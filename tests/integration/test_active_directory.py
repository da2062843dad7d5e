"""Active Directory (issue 5) through the proxy, against a real Samba AD DC from scripts/samba/start.sh:
the windows bind type (Kerberos and NTLMv2, GSS-SPNEGO with a SASL signing layer over plain LDAP), the
three name forms, ssl binds over LDAPS and StartTLS, nested and primary group exemption, TOTP on top,
signing-required DCs, and `ldap-mfa-proxy test`.

Samba 4.17 cannot move LDAP off 389/636, so this module takes run/samba-tests.lock, the lock the Swift
Samba suites take, for as long as its DC runs."""
import fcntl
import os
import re
import ssl
import subprocess
import time
import uuid
from pathlib import Path

import ldap3
import pytest

from conftest import PROXIES
from helpers import INVALID_CREDENTIALS, REPO, SUCCESS, random_secret, totp

SAMBA_START = REPO / "scripts" / "samba" / "start.sh"
SAMBA_STOP = REPO / "scripts" / "samba" / "stop.sh"
LOCK = REPO / "run" / "samba-tests.lock"
STRONGER_AUTH_REQUIRED = 8


class SambaDC:
    """One Samba AD DC instance; `restart(strong_auth)` changes `ldap server require strong auth`."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.env: dict = {}

    def start(self, strong_auth: str = "allow_sasl_over_tls") -> None:
        env = dict(os.environ, SAMBA_STRONG_AUTH=strong_auth)
        proc = subprocess.run([str(SAMBA_START), str(self.directory)], capture_output=True, text=True,
                              timeout=600, env=env)
        assert proc.returncode == 0, f"samba/start.sh failed:\n{proc.stdout}\n{proc.stderr}"
        self.env = dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)

    def stop(self) -> None:
        subprocess.run([str(SAMBA_STOP), str(self.directory)], capture_output=True, timeout=60)

    @property
    def base(self) -> str:
        return self.env["SAMBA_BASE_DN"]

    def admin(self) -> ldap3.Connection:
        tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=self.env["SAMBA_CA_FILE"])
        server = ldap3.Server("127.0.0.1", port=636, use_ssl=True, tls=tls, get_info=ldap3.NONE)
        connection = ldap3.Connection(server, self.env["SAMBA_ADMIN_DN"], self.env["SAMBA_ADMIN_PASSWORD"],
                                      raise_exceptions=True, receive_timeout=20)
        connection.bind()
        return connection

    def add_user(self, groups: tuple = ()) -> "ADUser":
        """A fresh enabled user (optionally a member of `groups`, CNs under CN=Users)."""
        name = "u" + uuid.uuid4().hex[:10]
        password = "Pw-" + uuid.uuid4().hex[:12] + "-9"
        dn = f"CN={name},CN=Users,{self.base}"
        with self.admin() as admin:
            admin.add(dn, ["top", "person", "organizationalPerson", "user"], {
                "sAMAccountName": name, "userPrincipalName": f"{name}@example.test",
                "unicodePwd": f'"{password}"'.encode("utf-16-le"), "userAccountControl": "512"})
            for group in groups:
                admin.modify(f"CN={group},CN=Users,{self.base}", {"member": [(ldap3.MODIFY_ADD, [dn])]})
        return ADUser(name, password, dn)

    def add_group(self, name: str) -> str:
        dn = f"CN={name},CN=Users,{self.base}"
        with self.admin() as admin:
            # groupType: global security group (0x80000002).
            admin.add(dn, ["top", "group"], {"sAMAccountName": name, "groupType": str(-2147483646)})
        return dn


class ADUser:
    def __init__(self, name: str, password: str, dn: str):
        self.name, self.password, self.dn = name, password, dn

    @property
    def upn(self) -> str:
        return f"{self.name}@example.test"

    @property
    def down_level(self) -> str:
        return f"EXAMPLE\\{self.name}"

    def form(self, form: str) -> str:
        return {"down-level": self.down_level, "upn": self.upn, "dn": self.dn}[form]


@pytest.fixture(scope="module")
def samba(tmp_path_factory):
    LOCK.parent.mkdir(parents=True, exist_ok=True)
    with open(LOCK, "a+") as lock:
        deadline = time.monotonic() + 600
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                assert time.monotonic() < deadline, f"another test run held {LOCK} for 10 minutes"
                time.sleep(0.2)
        dc = SambaDC(tmp_path_factory.mktemp("samba"))
        dc.start()
        try:
            yield dc
        finally:
            dc.stop()


def ad_proxy(proxy_factory, samba, name: str, *, servers: str = "ldap://127.0.0.1:389",
             queries: str = "windows", authentications: str = "windows", mechanism: str = "negotiate",
             extra: dict | None = None, start: bool = True):
    env = samba.env
    proxy = proxy_factory.create(name, servers, bind_type="simple", ca_file=Path(env["SAMBA_CA_FILE"]))
    (proxy.workdir / "bind_password").write_text(env["SAMBA_SERVICE_PASSWORD"] + "\n")
    proxy.remember(env["SAMBA_SERVICE_PASSWORD"])
    directory = proxy.config["directory"]
    directory.update({
        "base_dn": env["SAMBA_BASE_DN"],
        "bind_type": {"queries": queries, "authentications": authentications},
        "bind_dn": "EXAMPLE\\svc-proxy" if queries == "windows" else env["SAMBA_SERVICE_DN"],
        "attributes": {"username": ["userPrincipalName", "sAMAccountName"]},
        "windows": {"mechanism": mechanism, "krb5_config": env["SAMBA_KRB5_CONFIG"]},
        "operation_timeout": "20s",
    })
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(proxy.config.get(key), dict):
            proxy.config[key].update(value)
        else:
            proxy.config[key] = value
    proxy.write_config()
    if start:
        proxy_factory.proxies.append(proxy)
        PROXIES.append(proxy)  # test_zz_no_secrets_in_logs.py checks its log too
        proxy.start()
    return proxy


def enrol(proxy, user: ADUser) -> str:
    secret = random_secret()
    proc = proxy.cli("users", "enrol", user.upn, "--secret", secret, "--no-qr")
    assert proc.returncode == 0, f"users enrol failed:\n{proc.stdout}\n{proc.stderr}"
    proxy.remember(user.password, secret)
    return secret


def code(proxy, secret: str) -> str:
    value = totp(secret)
    proxy.remember(value)
    return value


def bind(proxy, name: str, password: str, search_base: str | None = None):
    """Binds through the proxy with python ldap3; returns (result code, message, entries found)."""
    server = ldap3.Server("127.0.0.1", port=proxy.ldap_port, get_info=ldap3.NONE, connect_timeout=10)
    connection = ldap3.Connection(server, user=name, password=password, raise_exceptions=False,
                                  receive_timeout=30, auto_referrals=False)
    connection.bind()
    result = connection.result or {}
    entries = []
    if result.get("result") == SUCCESS and search_base:
        connection.search(search_base, "(objectClass=*)", search_scope=ldap3.BASE, attributes=["sAMAccountName"])
        entries = [str(e["sAMAccountName"]) for e in connection.entries]
    connection.unbind()
    return result.get("result"), result.get("message", ""), entries


@pytest.fixture(scope="module")
def kerberos_proxy(proxy_factory, samba):
    return ad_proxy(proxy_factory, samba, "ad-kerberos", mechanism="kerberos")


@pytest.fixture(scope="module")
def ntlm_proxy(proxy_factory, samba):
    return ad_proxy(proxy_factory, samba, "ad-ntlm", mechanism="ntlm")


@pytest.mark.parametrize("form", ["down-level", "upn", "dn"])
@pytest.mark.parametrize("mechanism", ["kerberos", "ntlm"])
def test_windows_bind_with_code(request, samba, mechanism, form):
    """Password plus TOTP code: the proxy binds upstream with GSS-SPNEGO over plain LDAP (signed and
    sealed), and the client's operations then run on a connection bound the same way."""
    proxy = request.getfixturevalue(f"{mechanism}_proxy")
    user = samba.add_user()
    secret = enrol(proxy, user)
    rc, message, entries = bind(proxy, user.form(form), f"{user.password},{code(proxy, secret)}", user.dn)
    assert rc == SUCCESS, (rc, message, proxy.tail())
    assert entries == [user.name], entries
    event = proxy.wait_audit(user.upn, "allowed")
    assert event.get("rule") == "second-factor", event


@pytest.mark.parametrize("mechanism", ["kerberos", "ntlm"])
def test_windows_bind_wrong_password_or_no_code(request, samba, mechanism):
    proxy = request.getfixturevalue(f"{mechanism}_proxy")
    user = samba.add_user()
    secret = enrol(proxy, user)
    rc, message, _ = bind(proxy, user.down_level, f"Not-{user.password},{code(proxy, secret)}")
    assert rc == INVALID_CREDENTIALS, (rc, message)
    rc, message, _ = bind(proxy, user.upn, user.password)
    assert rc == INVALID_CREDENTIALS, (rc, message)
    assert proxy.wait_audit(user.upn, "denied").get("rule") == "no-code"


@pytest.mark.parametrize("transport", ["ldaps", "starttls"])
@pytest.mark.parametrize("mechanism", ["kerberos", "ntlm"])
def test_windows_bind_over_tls(proxy_factory, samba, mechanism, transport):
    """The windows bind type through the proxy over LDAPS, and over StartTLS on ldap:// (no SASL layer:
    TLS protects it, with channel bindings), gated by the code like any other bind."""
    servers = "ldaps://127.0.0.1:636" if transport == "ldaps" else "ldap://127.0.0.1:389"
    extra = {"directory": {"tls": {"ca_file": samba.env["SAMBA_CA_FILE"], "starttls": True}}} \
        if transport == "starttls" else None
    proxy = ad_proxy(proxy_factory, samba, f"ad-{mechanism}-{transport}", servers=servers, mechanism=mechanism,
                     extra=extra)
    user = samba.add_user()
    secret = enrol(proxy, user)
    rc, message, entries = bind(proxy, user.upn, f"{user.password},{code(proxy, secret)}", user.dn)
    assert rc == SUCCESS, (rc, message, proxy.tail())
    assert entries == [user.name], entries
    assert proxy.wait_audit(user.upn, "allowed").get("rule") == "second-factor"
    rc, _, _ = bind(proxy, user.down_level, f"Wrong-{user.password},{code(proxy, secret)}")
    assert rc == INVALID_CREDENTIALS


@pytest.mark.parametrize("servers", ["ldaps://127.0.0.1:636", "ldap://127.0.0.1:389"], ids=["ldaps", "starttls"])
def test_ssl_bind(proxy_factory, samba, servers):
    """Bind type ssl: simple binds over LDAPS, or StartTLS on ldap://, for queries and users."""
    proxy = ad_proxy(proxy_factory, samba, "ad-ssl-" + servers[:5], servers=servers, queries="ssl",
                     authentications="ssl")
    for form in ("dn", "upn"):
        user = samba.add_user()  # one user per bind: a TOTP code is accepted once
        secret = enrol(proxy, user)
        rc, message, entries = bind(proxy, user.form(form), f"{user.password},{code(proxy, secret)}", user.dn)
        assert rc == SUCCESS, (form, rc, message, proxy.tail())
        assert entries == [user.name]


def test_nested_group_exemption(proxy_factory, samba):
    """mfa.exempt.groups with Active Directory: a member of a group nested in the exempt group
    (LDAP_MATCHING_RULE_IN_CHAIN) needs no code; a user outside it does."""
    outer = samba.add_group("exempt-outer-" + uuid.uuid4().hex[:6])
    inner_name = "exempt-inner-" + uuid.uuid4().hex[:6]
    inner = samba.add_group(inner_name)
    with samba.admin() as admin:
        admin.modify(outer, {"member": [(ldap3.MODIFY_ADD, [inner])]})
    proxy = ad_proxy(proxy_factory, samba, "ad-groups", extra={"mfa": {"exempt": {"groups": [outer]}}})
    member = samba.add_user(groups=(inner_name,))
    outsider = samba.add_user()
    proxy.remember(member.password, outsider.password)
    enrol(proxy, outsider)
    rc, message, _ = bind(proxy, member.down_level, member.password)
    assert rc == SUCCESS, (rc, message, proxy.tail())
    rc, message, _ = bind(proxy, outsider.down_level, outsider.password)
    assert rc == INVALID_CREDENTIALS, (rc, message)


def test_primary_group_exemption(proxy_factory, samba):
    """The primary group (primaryGroupID, never listed in member): Domain Users exempts every user."""
    group = f"CN=Domain Users,CN=Users,{samba.base}"
    proxy = ad_proxy(proxy_factory, samba, "ad-primary", extra={"mfa": {"exempt": {"groups": [group]}}})
    user = samba.add_user()
    proxy.remember(user.password)
    with samba.admin() as admin:
        admin.search(group, "(objectClass=*)", search_scope=ldap3.BASE, attributes=["member"])
        members = [str(m).lower() for m in admin.entries[0]["member"]] if admin.entries[0]["member"] else []
    assert user.dn.lower() not in members, "the primary group lists the user in member: the test proves nothing"
    rc, message, _ = bind(proxy, user.upn, user.password)
    assert rc == SUCCESS, (rc, message, proxy.tail())


def test_simple_bind_over_plain_ldap_gets_stronger_auth_required(proxy_factory, samba):
    """A DC that requires signing refuses simple binds over plain LDAP: the client gets 8 and the hint."""
    proxy = ad_proxy(proxy_factory, samba, "ad-simple-plain", authentications="simple")
    user = samba.add_user()
    secret = enrol(proxy, user)
    rc, message, _ = bind(proxy, user.dn, f"{user.password},{code(proxy, secret)}")
    assert rc == STRONGER_AUTH_REQUIRED, (rc, message)
    assert "bind_type.authentications to ssl" in message and "windows" in message, message


def test_directory_test_command(proxy_factory, samba):
    """`ldap-mfa-proxy test` reports the windows bind per server, and why it fails."""
    proxy = ad_proxy(proxy_factory, samba, "ad-test-cmd", start=False)
    user = samba.add_user()
    password_file = proxy.workdir / "user_password"
    password_file.write_text(user.password + "\n")
    proxy.remember(user.password)
    proc = proxy.cli("test", "--user", user.down_level, "--password-file", str(password_file))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OK   ldap://127.0.0.1:389 queries (windows, plain LDAP): bound as EXAMPLE\\svc-proxy" in proc.stdout
    assert f"windows bind as {user.down_level}: Kerberos, SASL sign and seal" in proc.stdout, proc.stdout
    assert user.password not in proc.stdout + proc.stderr
    # A wrong password (the KDC refuses it) and an unknown service principal.
    password_file.write_text("Wrong-" + user.password + "\n")
    proc = proxy.cli("test", "--user", user.down_level, "--password-file", str(password_file))
    assert proc.returncode != 0
    assert "failed: wrong password or unknown user" in proc.stdout, proc.stdout
    # A DN is turned into the user's logon name through the queries connection, as for clients.
    password_file.write_text(user.password + "\n")
    proc = proxy.cli("test", "--user", user.dn, "--password-file", str(password_file))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"windows bind as {user.dn}: Kerberos, SASL sign and seal" in proc.stdout, proc.stdout
    proxy.config["directory"]["windows"]["service_principal_host"] = "no-such-dc.example.test"
    proxy.config["directory"]["windows"]["mechanism"] = "kerberos"
    proxy.write_config()
    proc = proxy.cli("test", "--user", user.down_level, "--password-file", str(password_file))
    assert proc.returncode != 0
    assert "SPN unknown" in proc.stdout, proc.stdout
    # No KDC: the realm's KDC is a closed port.
    dead = proxy.workdir / "krb5-dead-kdc.conf"
    krb5 = Path(samba.env["SAMBA_KRB5_CONFIG"]).read_text()
    dead.write_text(re.sub(r"(?m)^(\s*)kdc = \S+", r"\1kdc = 127.0.0.1:9", krb5))
    proxy.config["directory"]["windows"]["krb5_config"] = str(dead)
    proxy.config["directory"]["windows"].pop("service_principal_host")
    proxy.write_config()
    proc = proxy.cli("test", "--user", user.down_level, "--password-file", str(password_file))
    assert proc.returncode != 0
    assert "failed: no KDC" in proc.stdout, proc.stdout


def test_zz_require_strong_auth_yes(proxy_factory, samba):
    """`ldap server require strong auth = yes` (Samba's strictest): windows binds over plain LDAP still
    work (they sign and seal), simple binds over plain LDAP get 8 with the hint. Last: restarts the DC."""
    samba.stop()
    samba.start("yes")
    proxy = ad_proxy(proxy_factory, samba, "ad-strict")
    user = samba.add_user()
    secret = enrol(proxy, user)
    rc, message, entries = bind(proxy, user.upn, f"{user.password},{code(proxy, secret)}", user.dn)
    assert rc == SUCCESS, (rc, message, proxy.tail())
    assert entries == [user.name]
    simple = ad_proxy(proxy_factory, samba, "ad-strict-simple", authentications="simple")
    secret = enrol(simple, user)
    rc, message, _ = bind(simple, user.dn, f"{user.password},{code(simple, secret)}")
    assert rc == STRONGER_AUTH_REQUIRED, (rc, message)
    assert "ssl" in message and "windows" in message, message


def test_referrals_are_returned_untouched(proxy_factory, samba):
    """directory.referrals: return (the default): a subtree search of the domain gets the DC's
    continuation references (the other naming contexts, RFC 4511 §4.5.3) through the proxy exactly as
    the DC sends them: not chased, not rewritten."""
    group = f"CN=Domain Users,CN=Users,{samba.base}"
    proxy = ad_proxy(proxy_factory, samba, "ad-referrals", extra={"mfa": {"exempt": {"groups": [group]}}})
    user = samba.add_user()
    proxy.remember(user.password)

    def references(connection):
        connection.search(samba.base, "(cn=no-such-entry-7f3a)", search_scope=ldap3.SUBTREE)
        assert connection.result["result"] == SUCCESS, connection.result
        return sorted(str(uri) for r in connection.response if r["type"] == "searchResRef" for uri in r["uri"])

    with samba.admin() as admin:
        direct = references(admin)
    server = ldap3.Server("127.0.0.1", port=proxy.ldap_port, get_info=ldap3.NONE, connect_timeout=10)
    connection = ldap3.Connection(server, user=user.upn, password=user.password, raise_exceptions=False,
                                  receive_timeout=30, auto_referrals=False)
    assert connection.bind(), connection.result
    through = references(connection)
    connection.unbind()
    assert direct, "Samba sent no continuation reference: the test proves nothing"
    # The DC names the scheme of the connection asked on: LDAPS for the admin, plain LDAP for the proxy.
    assert through == sorted(uri.replace("ldaps://", "ldap://", 1) for uri in direct)
