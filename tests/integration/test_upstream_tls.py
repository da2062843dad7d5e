"""TLS between the proxy and the directory (issue 3, item 5): LDAPS and StartTLS upstream with CA
verification, and a clear failure with the wrong CA.

The slapd here refuses simple binds without TLS (olcSecurity simple_bind=1), so a bind that works
through the proxy proves the proxy's upstream connection really was encrypted.
"""
import re
import subprocess

import pytest

from helpers import CONFIDENTIALITY_REQUIRED, PEOPLE, UNAVAILABLE, ldap_tool, tool_env


@pytest.fixture(scope="module")
def tls_slapd(slapd_factory):
    instance = slapd_factory.start("tlsonly")
    ldif = "dn: cn=config\nchangetype: modify\nreplace: olcSecurity\nolcSecurity: simple_bind=1\n"
    proc = subprocess.run(["ldapmodify", "-Q", "-Y", "EXTERNAL", "-H", instance.ldapi_url], input=ldif,
                          capture_output=True, text=True, timeout=30, env=tool_env())
    assert proc.returncode == 0, proc.stderr
    return instance


def test_directory_refuses_plain_simple_binds(tls_slapd, certs):
    """The premise of this module: the directory itself refuses a simple bind in the clear,
    and accepts it over StartTLS."""
    dn, password = f"uid=carol,{PEOPLE}", "carol-password"
    plain = ldap_tool("ldapwhoami", tls_slapd.url, dn=dn, password=password)
    assert plain.rc == CONFIDENTIALITY_REQUIRED, plain
    tls = ldap_tool("ldapwhoami", tls_slapd.url, dn=dn, password=password, starttls=True, ca_file=certs / "ca.pem")
    assert tls.rc == 0, tls


@pytest.fixture(scope="module")
def ldaps_proxy(proxy_factory, tls_slapd, certs):
    return proxy_factory.start("up-ldaps", tls_slapd.ldaps_url, bind_type="ssl", ca_file=certs / "ca.pem",
                               listen_tls=False)


@pytest.fixture(scope="module")
def starttls_proxy(proxy_factory, tls_slapd, certs):
    return proxy_factory.start("up-starttls", tls_slapd.url, bind_type="ssl", ca_file=certs / "ca.pem",
                               listen_tls=False)


@pytest.fixture(scope="module", params=["ldaps", "starttls"])
def wrong_ca_proxy(request, proxy_factory, tls_slapd, certs):
    url = tls_slapd.ldaps_url if request.param == "ldaps" else tls_slapd.url
    return proxy_factory.start(f"up-wrongca-{request.param}", url, bind_type="ssl",
                               ca_file=certs / "wrong-ca.pem", listen_tls=False,
                               overrides={"directory": {"connect_timeout": "2s"}})


@pytest.mark.parametrize("which", ["ldaps_proxy", "starttls_proxy"])
def test_upstream_tls_test_command_succeeds(request, which):
    proxy = request.getfixturevalue(which)
    password_file = proxy.workdir / "carol.password"
    password_file.write_text("carol-password\n")
    proxy.remember("carol-password")
    proc = proxy.cli("test", "--user", f"uid=carol,{PEOPLE}", "--password-file", str(password_file))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) >= 2 and all(line.startswith("OK") for line in lines), proc.stdout
    assert any("authentications" in line and "carol" in line for line in lines), proc.stdout


@pytest.mark.parametrize("which", ["ldaps_proxy", "starttls_proxy"])
def test_upstream_tls_gated_bind(request, which):
    proxy = request.getfixturevalue(which)
    user = proxy.new_user()
    result = ldap_tool("ldapwhoami", proxy.url, dn=user.dn, password=user.otp_password())
    assert result.rc == 0, result
    assert result.out.strip() == f"dn:{user.dn}", result
    # The relayed session (a dedicated upstream connection bound as the user) is over TLS too.
    search = ldap_tool("ldapsearch", proxy.url, "-LLL", "-b", user.dn, "-s", "base", "mail",
                       dn=(u := proxy.new_user()).dn, password=u.otp_password())
    assert search.rc == 0, search
    assert f"mail: {user.uid}@example.test" in search.out, search


def test_wrong_ca_test_command_fails_naming_tls(wrong_ca_proxy):
    proc = wrong_ca_proxy.cli("test")
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert "FAIL" in output, output
    # Every line names the certificate problem, not a vague timeout.
    for line in proc.stdout.splitlines():
        assert line.startswith("FAIL"), output
        assert re.search(r"certificate", line, re.IGNORECASE), output


def test_wrong_ca_bind_is_unavailable(wrong_ca_proxy):
    user = wrong_ca_proxy.new_user()
    result = ldap_tool("ldapwhoami", wrong_ca_proxy.url, dn=user.dn, password=user.otp_password())
    assert result.rc == UNAVAILABLE, result
    assert "unavailable" in result.err, result
    assert wrong_ca_proxy.alive()
