"""Referrals (issue 5): returned to clients untouched by default; with `directory.referrals: chase`
the proxy follows those that name a host of `directory.referral_hosts`, bound as the client with
the same bind type. Two real slapd instances: the home directory holds a referral object for
ou=remote (RFC 3296) pointing at the remote one, which holds the entries. The sample ACL lets only
authenticated users read, so entries found through a chase show that it was bound as the client."""
import subprocess

import pytest

from helpers import BASE_DN, PEOPLE, SUCCESS, ldap_tool
from mfa_peers import ROOT_DN, ROOT_PASSWORD, ldap_root, slapd_binds, start_slapd_with_stats

ALICE = f"uid=alice,{PEOPLE}"
ALICE_PASSWORD = "alice-password"
REMOTE = f"ou=remote,{BASE_DN}"
PRINTERS = [f"cn=remote-printer-{n},{REMOTE}" for n in (1, 2)]
REFERRAL_ONLY = 10


@pytest.fixture(scope="module")
def directories(slapd_factory):
    remote = start_slapd_with_stats(slapd_factory, "refrem")
    ldap_root(remote, "ldapadd", f"dn: {REMOTE}\nobjectClass: organizationalUnit\nou: remote\n\n" + "\n".join(
        f"dn: {dn}\nobjectClass: organizationalRole\ncn: {dn.split(',')[0][3:]}\n" for dn in PRINTERS))
    home = slapd_factory.start("refhome")
    ldif = (f"dn: {REMOTE}\nobjectClass: referral\nobjectClass: extensibleObject\nou: remote\n"
            f"ref: ldap://127.0.0.1:{remote.port}/{REMOTE}\n")
    # ManageDsaIT (-M): the referral object itself is written, not followed (RFC 3296 §3).
    proc = subprocess.run(["ldapadd", "-x", "-M", "-H", home.url, "-D", ROOT_DN, "-w", ROOT_PASSWORD],
                          input=ldif, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return home, remote


def start_proxy(proxy_factory, home, name, **directory):
    # alice is exempt from the second factor: these tests are about what the directory answers.
    return proxy_factory.start(name, home.url, overrides={"directory": directory,
                                                          "mfa": {"exempt": {"dns": [ALICE]}}})


def search(url, *args):
    result = ldap_tool("ldapsearch", url, "-LLL", *args, dn=ALICE, password=ALICE_PASSWORD)
    dns = sorted(line[4:] for line in result.out.splitlines() if line.startswith("dn: "))
    # -LLL prints a continuation reference as "# refldap://..." and a referral result as "ref: ldap://...".
    refs = sorted(line.removeprefix("# ref").removeprefix("ref: ") for line in result.out.splitlines()
                  if line.startswith(("# ref", "ref: ")))
    return result, dns, refs


def reference(remote):
    """The continuation reference slapd sends for the referral object (it appends the scope)."""
    return f"ldap://127.0.0.1:{remote.port}/{REMOTE}??sub"


def test_directly_the_home_directory_answers_with_a_reference(directories):
    home, remote = directories
    result, dns, refs = search(home.url, "-b", BASE_DN, "(objectClass=organizationalRole)")
    assert result.rc == SUCCESS, result.err
    assert dns == [] and refs == [reference(remote)], result.out


def test_by_default_references_reach_the_client_untouched(directories, proxy_factory):
    home, remote = directories
    proxy = start_proxy(proxy_factory, home, "ref-return")
    result, dns, refs = search(proxy.url, "-b", BASE_DN, "(objectClass=organizationalRole)")
    assert result.rc == SUCCESS, result.err
    assert dns == [] and refs == [reference(remote)], result.out


def test_chase_follows_a_continuation_reference_as_the_client(directories, proxy_factory):
    home, remote = directories
    proxy = start_proxy(proxy_factory, home, "ref-chase", referrals="chase", referral_hosts=["127.0.0.1"])
    before = slapd_binds(remote, ALICE)
    result, dns, refs = search(proxy.url, "-b", BASE_DN, "(objectClass=organizationalRole)")
    assert result.rc == SUCCESS, result.err + proxy.tail()
    assert dns == sorted(PRINTERS) and refs == [], result.out
    # The remote directory saw the client's own bind (anonymous users may read nothing there).
    assert slapd_binds(remote, ALICE) > before


def test_chase_follows_a_referral_result(directories, proxy_factory):
    home, _ = directories
    proxy = start_proxy(proxy_factory, home, "ref-chase-result", referrals="chase", referral_hosts=["127.0.0.1"])
    direct, _, _ = search(home.url, "-b", PRINTERS[0], "-s", "base")
    assert direct.rc == REFERRAL_ONLY, direct.out + direct.err
    result, dns, refs = search(proxy.url, "-b", PRINTERS[0], "-s", "base")
    assert result.rc == SUCCESS, result.out + result.err
    assert dns == [PRINTERS[0]] and refs == []


def test_chase_never_follows_a_host_that_is_not_listed(directories, proxy_factory):
    home, remote = directories
    proxy = start_proxy(proxy_factory, home, "ref-untrusted", referrals="chase",
                        referral_hosts=["dc1.trusted.example.test"])
    before = slapd_binds(remote, ALICE)
    result, dns, refs = search(proxy.url, "-b", BASE_DN, "(objectClass=organizationalRole)")
    assert result.rc == SUCCESS, result.err
    assert dns == [] and refs == [reference(remote)], result.out
    # No credentials went to a host the administrator did not list.
    assert slapd_binds(remote, ALICE) == before
