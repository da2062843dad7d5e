"""No secrets in logs (issue 3, item 9; issue 4). Runs last (file name) so that it sees the logs of
every proxy instance of the session, all of which log at `debug`: none of them may contain any
password, OTP code, TOTP secret, store key or the service account's password used with that
instance, nor, for the second-factor providers' proxies (test_mfa_*.py), the RADIUS shared secret,
the privacyIDEA admin password or the privacyIDEA token keys."""
import base64
import re
from pathlib import Path

from conftest import PROXIES
from helpers import INVALID_CREDENTIALS, ldap_tool, wrong_code


def leaks(proxy):
    text = proxy.log_text()
    found = []
    for secret in sorted(proxy.secrets):
        if secret.isdigit():
            # An OTP code: as a number of its own (not part of a longer one, such as a timestamp).
            if re.search(rf"(?<!\d){secret}(?!\d)", text):
                found.append(secret)
            continue
        forms = {secret}
        if len(secret) >= 8:
            raw = secret.encode()
            forms |= {raw.hex(), raw.hex().upper(), base64.b64encode(raw).decode().rstrip("=")}
        if any(form in text for form in forms):
            found.append(secret)
    return found


def provider_secrets(instance) -> set:
    """The secrets an instance's provider configuration holds (read from their files), so they are
    checked even if a test forgot to record them."""
    radius = instance.config.get("mfa", {}).get("radius") or {}
    path = radius.get("secret_file")
    if path and Path(path).exists():
        return {Path(path).read_text().strip()}
    return set()


def test_no_secret_in_any_proxy_log(proxy, fresh_user, request):
    # This instance's own traffic of every kind, so that the check has something to look at even
    # when this file runs alone: success, replay, wrong code, wrong password, code only.
    user, other = fresh_user(), fresh_user()
    password = user.otp_password()
    assert ldap_tool("ldapwhoami", proxy.url, dn=user.dn, password=password).rc == 0
    assert ldap_tool("ldapwhoami", proxy.url, dn=user.dn, password=password).rc == INVALID_CREDENTIALS
    assert ldap_tool("ldapwhoami", proxy.url, dn=other.dn,
                     password=other.otp_password(wrong_code(other.secret))).rc == INVALID_CREDENTIALS
    assert ldap_tool("ldapwhoami", proxy.url, dn=other.dn,
                     password=other.otp_password(password="wrong-secret-0d5c")).rc == INVALID_CREDENTIALS
    proxy.wait_audit(other.uid, "denied")

    checked = 0
    problems = []
    providers = set()
    for instance in PROXIES:
        instance.remember(*provider_secrets(instance))
        providers.add(instance.config.get("mfa", {}).get("provider"))
        assert instance.config["log"]["level"] == "debug"
        assert instance.log_size() > 0, f"proxy {instance.name} wrote no log"
        assert instance.secrets, f"proxy {instance.name}: no secrets recorded"
        found = leaks(instance)
        if found:
            problems.append(f"proxy {instance.name} ({instance.log_path}): {len(found)} secrets appear, "
                            f"e.g. {found[:5]}")
        checked += len(instance.secrets)
    assert not problems, "\n".join(problems)
    print(f"checked {checked} secrets in {len(PROXIES)} proxy logs; providers {sorted(map(str, providers))}")
    # When the provider suites ran in this session, their proxies' logs were among those checked.
    ran = {item.module.__name__ for item in request.session.items}
    for provider, module in (("privacyidea", "test_mfa_privacyidea"), ("radius", "test_mfa_radius")):
        if module in ran:
            assert provider in providers, f"{module} ran but no {provider} proxy log was checked"
    # The main proxy's log shows this test's binds (so the log really covers the traffic).
    assert proxy.audit_events(user.uid) and proxy.audit_events(other.uid)
    assert checked >= 8
