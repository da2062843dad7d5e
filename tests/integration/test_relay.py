"""After a gated bind the proxy relays (issue 3, item 2): search, compare, paged search and WhoAmI
through the proxy return exactly what the directory returns directly to the same user."""
import ldap3
import pytest

from helpers import BASE_DN, COMPARE_FALSE, COMPARE_TRUE, PEOPLE, ldap3_connection, ldap_tool


def through_proxy_and_direct(proxy, slapd, user, tool, *args):
    via = ldap_tool(tool, proxy.url, *args, dn=user.dn, password=user.otp_password())
    direct = ldap_tool(tool, slapd.url, *args, dn=user.dn, password=user.password)
    return via, direct


def test_search_matches_directory(proxy, slapd, fresh_user):
    user = fresh_user()
    # The whole tree with all attributes: the user's own userPassword is visible only to the user
    # (ACL "by self write"), so this also shows that the search runs as the bound user.
    via, direct = through_proxy_and_direct(proxy, slapd, user, "ldapsearch", "-b", BASE_DN, "(objectClass=*)",
                                           "*", "+")
    assert direct.rc == 0, direct
    assert via.rc == direct.rc, via
    assert via.out == direct.out
    assert direct.out.count("\ndn: ") > 200
    assert f"dn: {user.dn}\n" in direct.out and "userPassword:: " in direct.out


def test_search_with_size_limit_and_filter_matches_directory(proxy, slapd, fresh_user):
    user = fresh_user()
    via, direct = through_proxy_and_direct(proxy, slapd, user, "ldapsearch", "-z", "3", "-b", PEOPLE,
                                           "(&(objectClass=inetOrgPerson)(|(uid=alice)(uid=user01*)))", "mail", "cn")
    assert direct.rc == 4, direct  # sizeLimitExceeded
    assert (via.rc, via.out) == (direct.rc, direct.out), via


@pytest.mark.parametrize("assertion, expected", [
    ("mail:alice@example.test", COMPARE_TRUE),
    ("mail:bob@example.test", COMPARE_FALSE),
])
def test_compare_matches_directory(proxy, slapd, fresh_user, assertion, expected):
    user = fresh_user()
    via, direct = through_proxy_and_direct(proxy, slapd, user, "ldapcompare", f"uid=alice,{PEOPLE}", assertion)
    assert direct.rc == expected, direct
    assert (via.rc, via.out) == (direct.rc, direct.out), via


def test_paged_search_matches_directory(proxy, slapd, fresh_user):
    user = fresh_user()
    via, direct = through_proxy_and_direct(proxy, slapd, user, "ldapsearch", "-E", "pr=5/noprompt", "-b", PEOPLE,
                                           "(uid=user00*)", "uid", "mail")
    assert direct.rc == 0, direct
    assert direct.out.count("pagedresults: cookie=") > 10, direct  # many pages of 5
    # Message IDs, entries, result lines and the paged results controls (cookies) are identical.
    assert via.out == direct.out
    assert via.rc == direct.rc


def _ldap3_paged(url, dn, password):
    conn = ldap3_connection(url, user=dn, password=password)
    try:
        assert conn.bind(), conn.result
        entries = conn.extend.standard.paged_search(PEOPLE, "(objectClass=inetOrgPerson)", attributes=["*"],
                                                    paged_size=5, generator=False)
        assert conn.result["result"] == 0, conn.result
        return sorted((e["dn"], sorted((k, sorted(v)) for k, v in e["raw_attributes"].items())) for e in entries)
    finally:
        conn.unbind()


def test_ldap3_paged_search_matches_directory(proxy, slapd, fresh_user):
    user = fresh_user()
    via = _ldap3_paged(proxy.url, user.dn, user.otp_password())
    direct = _ldap3_paged(slapd.url, user.dn, user.password)
    assert len(direct) > 200
    assert via == direct


def test_whoami_matches_directory(proxy, slapd, fresh_user):
    user = fresh_user()
    via, direct = through_proxy_and_direct(proxy, slapd, user, "ldapwhoami")
    assert direct.out.strip() == f"dn:{user.dn}", direct
    assert (via.rc, via.out) == (direct.rc, direct.out), via


def test_ldap3_operations_on_one_connection_match_directory(proxy, slapd, fresh_user):
    """Several operations on one bound connection: search, compare, WhoAmI, a search as the
    proxy's bound user for an attribute only the user may read."""
    user = fresh_user()

    def run(url, password):
        conn = ldap3_connection(url, user=user.dn, password=password)
        try:
            assert conn.bind(), conn.result
            out = [conn.extend.standard.who_am_i()]
            conn.search(user.dn, "(objectClass=*)", search_scope=ldap3.BASE, attributes=["userPassword", "mail"])
            out.append((conn.result["result"], [e.entry_to_json() for e in conn.entries]))
            conn.compare(f"cn=mfa-users,ou=groups,{BASE_DN}", "member", f"uid=alice,{PEOPLE}")
            out.append(conn.result["result"])
            conn.search(f"uid=bob,{PEOPLE}", "(objectClass=*)", search_scope=ldap3.BASE, attributes=["userPassword"])
            out.append((conn.result["result"], [e.entry_to_json() for e in conn.entries]))
            return out
        finally:
            conn.unbind()

    via, direct = run(proxy.url, user.otp_password()), run(slapd.url, user.password)
    assert "userPassword" in direct[1][1][0]  # own password hash readable
    assert direct[2] == COMPARE_TRUE
    assert via == direct
