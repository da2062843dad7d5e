"""Fixtures for the integration tests: real slapd instances, real proxy processes, fresh TOTP users.

Everything listens on 127.0.0.1 on ports the kernel picked free; everything lives under pytest's
tmp dir; every process started here is stopped in fixture teardown, also when a test fails.
"""
from __future__ import annotations

import itertools
import json
import os
import re
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from helpers import (BASE_DN, BINARY, MAKE_CERTS, PEOPLE, READER_DN, READER_PASSWORD, SLAPD_START,
                     SLAPD_STOP, free_port, port_open, random_secret, totp, wait_until)

# The privacyIDEA and FreeRADIUS fixtures of the MFA tests (issue 4).
pytest_plugins = ["mfa_peers"]

# Every proxy started in this session, for the secrets-in-logs test and for failure reports.
PROXIES: list["Proxy"] = []

# The sample directory's numbered users; each is handed out once per session, so no user ever
# binds successfully twice in one 30 s step (the store refuses a code step that is not newer).
_USER_NUMBERS = itertools.count(1)
MAX_NUMBERED_USER = 200


def pytest_configure(config):
    if not BINARY.exists():
        raise pytest.UsageError(f"{BINARY} is missing: run `swift build` first (scripts/test-integration.sh does)")


# ----------------------------------------------------------------------------- slapd

class Slapd:
    """One slapd from scripts/slapd/start.sh, in its own directory on its own ports."""

    def __init__(self, directory: Path, certs: Path, name: str):
        self.name = name
        self.dir = directory
        self.certs = certs
        self.port = free_port()
        self.ldaps_port = free_port()
        while self.ldaps_port == self.port:
            self.ldaps_port = free_port()
        self.env: dict[str, str] = {}

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_url(self) -> str:
        return f"ldaps://127.0.0.1:{self.ldaps_port}"

    @property
    def ldapi_url(self) -> str:
        return self.env["SLAPD_LDAPI_URL"]

    def start(self, keep: bool = False) -> None:
        env = dict(os.environ, SLAPD_CERT_DIR=str(self.certs), KEEP="1" if keep else "0")
        proc = subprocess.run([str(SLAPD_START), str(self.dir), str(self.port), str(self.ldaps_port)],
                              capture_output=True, text=True, env=env, timeout=60)
        assert proc.returncode == 0, f"slapd {self.name} did not start:\n{proc.stdout}\n{proc.stderr}"
        self.env = dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)

    def stop(self) -> None:
        proc = subprocess.run([str(SLAPD_STOP), str(self.dir)], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, f"slapd {self.name} did not stop:\n{proc.stdout}\n{proc.stderr}"

    def running(self) -> bool:
        return port_open(self.port)


class SlapdFactory:
    def __init__(self, tmp_path_factory, certs: Path):
        self.tmp = tmp_path_factory
        self.certs = certs
        self.instances: list[Slapd] = []

    def start(self, name: str) -> Slapd:
        # Short names keep the ldapi socket path under the unix socket limit.
        instance = Slapd(self.tmp.mktemp(f"slapd-{name}"), self.certs, name)
        self.instances.append(instance)
        instance.start()
        return instance

    def close(self) -> None:
        for instance in reversed(self.instances):
            try:
                instance.stop()
            except Exception as error:  # keep stopping the others
                print(f"warning: {error}")


# ----------------------------------------------------------------------------- the proxy

def _merge(base: dict, extra: dict) -> dict:
    for key, value in extra.items():
        if value is None:
            base.pop(key, None)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


@dataclass(eq=False)
class User:
    """A directory user enrolled for TOTP in one proxy's store."""
    uid: str
    password: str
    secret: str
    proxy: "Proxy"

    @property
    def dn(self) -> str:
        return f"uid={self.uid},{PEOPLE}"

    def code(self, step_offset: int = 0) -> str:
        code = totp(self.secret, step_offset=step_offset)
        self.proxy.remember(code)
        return code

    def otp_password(self, code: str | None = None, password: str | None = None) -> str:
        """What a client sends to the proxy: password, delimiter, code (the current one by default)."""
        code = self.code() if code is None else code
        password = self.password if password is None else password
        self.proxy.remember(code, password)
        return f"{password},{code}"


@dataclass(eq=False)
class Proxy:
    name: str
    workdir: Path
    config: dict
    ldap_port: int | None
    ldaps_port: int | None
    process: subprocess.Popen | None = None
    secrets: set = field(default_factory=set)

    @property
    def config_path(self) -> Path:
        return self.workdir / "proxy.yaml"

    @property
    def log_path(self) -> Path:
        return self.workdir / "proxy.log"

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.ldap_port}"

    @property
    def ldaps_url(self) -> str:
        return f"ldaps://127.0.0.1:{self.ldaps_port}"

    def remember(self, *secrets: str) -> None:
        """Records secrets this proxy saw, for the no-secrets-in-logs test."""
        self.secrets.update(s for s in secrets if s)

    def write_config(self) -> None:
        # JSON is YAML: no YAML library needed.
        self.config_path.write_text(json.dumps(self.config, indent=2) + "\n")

    def cli(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        """Runs `ldap-mfa-proxy ARGS -c <this proxy's config>`."""
        return subprocess.run([str(BINARY), *args, "-c", str(self.config_path)], capture_output=True,
                              text=True, timeout=timeout, env=_clean_env(), cwd=self.workdir)

    def start(self) -> None:
        self.write_config()
        log = open(self.log_path, "ab")
        try:
            self.process = subprocess.Popen([str(BINARY), "serve", "-c", str(self.config_path)],
                                            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                            cwd=self.workdir, env=_clean_env())
        finally:
            log.close()
        ports = [port for port in (self.ldap_port, self.ldaps_port) if port]

        def ready():
            return self.process.poll() is not None or all(port_open(port) for port in ports)
        try:
            wait_until(ready, timeout=30, what=f"proxy {self.name} to listen on {ports}")
        except TimeoutError:
            raise AssertionError(f"proxy {self.name} did not start listening on {ports}:\n{self.tail()}")
        assert self.process.poll() is None, f"proxy {self.name} exited ({self.process.returncode}):\n{self.tail()}"
        # The store key the proxy created on first use is a secret too.
        key_file = Path(self.config["store"]["encryption_key_file"])
        if key_file.exists():
            self.remember(*(line.strip() for line in key_file.read_text().splitlines() if line.strip()))

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except FileNotFoundError:
            return 0

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])

    # -- users

    def enrol(self, uid: str, password: str, secret: str | None = None) -> User:
        secret = secret or random_secret()
        proc = self.cli("users", "enrol", uid, "--secret", secret, "--no-qr")
        assert proc.returncode == 0, f"users enrol {uid} failed:\n{proc.stdout}\n{proc.stderr}"
        self.remember(password, secret)
        return User(uid, password, secret, self)

    def new_user(self) -> User:
        """A numbered sample user never handed out before in this session, enrolled here."""
        number = next(_USER_NUMBERS)
        assert number <= MAX_NUMBERED_USER, "the sample directory has no more fresh users"
        uid = f"user{number:04d}"
        return self.enrol(uid, f"pass-{uid}")

    # -- audit

    def audit_events(self, uid: str | None = None) -> list[dict]:
        """The bind decisions in the log, as dicts of their fields (JSON lines or key=value text)."""
        events = [fields for fields in map(log_fields, self.log_text().splitlines()) if fields.get("event") == "bind"]
        if uid is not None:
            # The user as the audit names it: the username once resolved, else the bind DN.
            events = [e for e in events if e.get("user") in (uid, f"uid={uid},{PEOPLE}")]
        return events

    def wait_audit(self, uid: str, outcome: str, timeout: float = 10) -> dict:
        """The (last) bind decision for `uid` with `outcome`, polled until it is written."""
        def find():
            found = [e for e in self.audit_events(uid) if e.get("outcome") == outcome]
            return found[-1] if found else None
        try:
            return wait_until(find, timeout=timeout, what=f"an audit event user={uid} outcome={outcome}")
        except TimeoutError:
            raise AssertionError(f"no audit event user={uid} outcome={outcome} in {self.log_path}; last events:\n"
                                 + "\n".join(map(str, self.audit_events()[-10:])))


_TEXT_FIELD = re.compile(r"(?:^|\s)([A-Za-z_][\w.-]*)=(\S*)")


def log_fields(line: str) -> dict:
    """One log line's fields: a JSON object as is, or the key=value pairs of swift-log's text format."""
    line = line.strip()
    if line.startswith("{"):
        try:
            fields = json.loads(line)
            return {k: str(v) if not isinstance(v, str) else v for k, v in fields.items()} \
                if isinstance(fields, dict) else {}
        except ValueError:
            return {}
    return dict(_TEXT_FIELD.findall(line))


def _clean_env() -> dict:
    # No configuration overrides (LDAP_MFA_PROXY__*) or secrets from the caller's environment.
    return {k: v for k, v in os.environ.items() if not k.startswith("LDAP_MFA_PROXY")}


class ProxyFactory:
    def __init__(self, tmp_path_factory, certs: Path):
        self.tmp = tmp_path_factory
        self.certs = certs
        self.proxies: list[Proxy] = []

    def create(self, name: str, servers: str, *, bind_type: str = "simple", ca_file: Path | None = None,
               listen_tls: bool = True, overrides: dict | None = None) -> Proxy:
        """A configured, not yet started proxy. `overrides` is deep-merged into the config
        (a value of None removes the key)."""
        workdir = self.tmp.mktemp(f"proxy-{name}")
        (workdir / "bind_password").write_text(READER_PASSWORD + "\n")
        ldap_port = free_port()
        ldaps_port = free_port() if listen_tls else None
        config = {
            "listen": {"ldap": f"127.0.0.1:{ldap_port}"},
            "directory": {
                "servers": servers,
                "base_dn": BASE_DN,
                "bind_type": {"queries": bind_type, "authentications": bind_type},
                "bind_dn": READER_DN,
                "bind_password_file": str(workdir / "bind_password"),
                "attributes": {"username": ["uid"]},
                "connect_timeout": "3s",
                "operation_timeout": "5s",
            },
            "mfa": {"provider": "totp", "otp": {"delimiter": ","}},
            "store": {"sqlite": str(workdir / "store.sqlite"),
                      "encryption_key_file": str(workdir / "store.key")},
            "log": {"level": "debug"},
        }
        if listen_tls:
            config["listen"]["ldaps"] = f"127.0.0.1:{ldaps_port}"
            config["listen"]["tls"] = {"certificate": str(self.certs / "server-chain.pem"),
                                       "key": str(self.certs / "server.key")}
        if ca_file is not None:
            config["directory"]["tls"] = {"ca_file": str(ca_file)}
        _merge(config, overrides or {})
        proxy = Proxy(name, workdir, config, ldap_port, ldaps_port)
        proxy.remember(READER_PASSWORD)
        proxy.write_config()
        return proxy

    def start(self, name: str, servers: str, **kwargs) -> Proxy:
        proxy = self.create(name, servers, **kwargs)
        self.proxies.append(proxy)
        PROXIES.append(proxy)
        proxy.start()
        return proxy

    def close(self) -> None:
        for proxy in reversed(self.proxies):
            proxy.stop()


# ----------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def certs(tmp_path_factory) -> Path:
    """The dev PKI (certs/make-dev-certs.sh) in a tmp dir: ca.pem, server*.pem, wrong-ca.pem, ..."""
    directory = tmp_path_factory.mktemp("certs")
    proc = subprocess.run([str(MAKE_CERTS), str(directory)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"make-dev-certs.sh failed:\n{proc.stdout}\n{proc.stderr}"
    return directory


@pytest.fixture(scope="session")
def slapd_factory(tmp_path_factory, certs):
    factory = SlapdFactory(tmp_path_factory, certs)
    yield factory
    factory.close()


@pytest.fixture(scope="session")
def proxy_factory(tmp_path_factory, certs):
    factory = ProxyFactory(tmp_path_factory, certs)
    yield factory
    factory.close()


@pytest.fixture(scope="session")
def slapd(slapd_factory) -> Slapd:
    """The shared directory: sample data, StartTLS and LDAPS."""
    return slapd_factory.start("main")


@pytest.fixture(scope="session")
def proxy(proxy_factory, slapd) -> Proxy:
    """The shared proxy: plain + StartTLS listener and LDAPS listener, plain upstream, debug log."""
    return proxy_factory.start("main", slapd.url)


@pytest.fixture
def fresh_user(proxy):
    """Hands out users enrolled in the shared proxy, each never used before: `user = fresh_user()`."""
    return proxy.new_user


# ----------------------------------------------------------------------------- failure reports

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    item._proxy_log_sizes = {id(p): p.log_size() for p in PROXIES}
    yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.failed or call.when == "teardown":
        return
    sizes = getattr(item, "_proxy_log_sizes", {})
    used = [v for v in getattr(item, "funcargs", {}).values() if isinstance(v, Proxy)]
    for proxy in PROXIES:
        if proxy in used or proxy.log_size() != sizes.get(id(proxy)):
            report.sections.append((f"proxy {proxy.name}: tail of {proxy.log_path}", proxy.tail(40)))
