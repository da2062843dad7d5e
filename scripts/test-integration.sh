#!/usr/bin/env bash
# Runs the integration tests (tests/integration, pytest): real slapd instances from
# scripts/slapd/start.sh, real proxy processes, real clients (ldapwhoami/ldapsearch/ldapcompare
# and python ldap3). Everything on 127.0.0.1, on free ports, under pytest's tmp dir.
#
# Usage: scripts/test-integration.sh [PYTEST_ARGS...]     e.g. -k failover, -x, -v,
#        or test files / node IDs such as tests/integration/test_gate.py::test_empty_password_is_refused
# Env:   LDAP_MFA_PROXY_BINARY   the proxy to test (default .build/debug/ldap-mfa-proxy; built
#                                with `swift build` when missing)
# Exits with pytest's status.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

BINARY="${LDAP_MFA_PROXY_BINARY:-$REPO/.build/debug/ldap-mfa-proxy}"
PYTHON="$REPO/.venv/bin/python"

# Python venv (ldap3, pytest), slapd and ldap-utils come from install-deps.sh.
if ! "$PYTHON" -c 'import ldap3, pytest, yaml' >/dev/null 2>&1 ||
    ! command -v ldapwhoami >/dev/null 2>&1 ||
    { ! command -v slapd >/dev/null 2>&1 && [[ ! -x /usr/sbin/slapd ]]; }; then
    scripts/install-deps.sh
fi

if [[ ! -x "$BINARY" ]]; then
    if [[ -n "${LDAP_MFA_PROXY_BINARY:-}" ]]; then
        echo "test-integration: $BINARY is not an executable" >&2
        exit 2
    fi
    echo "test-integration: $BINARY is missing; running swift build"
    swift build --product ldap-mfa-proxy
fi
export LDAP_MFA_PROXY_BINARY="$BINARY"

# No bytecode or pytest cache in the repository; tmp data goes to pytest's basetemp under /tmp.
export PYTHONDONTWRITEBYTECODE=1
# The whole suite unless the arguments name test files or node IDs themselves.
targets=(tests/integration)
for arg in "$@"; do
    if [[ "$arg" != -* && -e "${arg%%::*}" ]]; then targets=(); fi
done
set +e
"$PYTHON" -m pytest -c tests/integration/pytest.ini --rootdir tests/integration "${targets[@]}" "$@"
status=$?
set -e
exit "$status"
