#!/usr/bin/env bash
# Runs every test: installs what is missing, builds, checks formatting, runs the unit tests
# (swift test), builds the release binary the container image ships (the entrypoint test runs it),
# then the integration tests against real peers (slapd, Samba AD DC, FreeRADIUS, privacyIDEA,
# PostgreSQL) with real clients.
#
# Usage: scripts/test.sh
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
LOGS="$REPO/run/test-logs"
mkdir -p "$LOGS"

scripts/install-deps.sh

echo "== build (log: run/test-logs/build.log)"
if ! swift build --build-tests >"$LOGS/build.log" 2>&1; then
    grep -E "error:" -A3 "$LOGS/build.log" | head -n 60
    tail -n 5 "$LOGS/build.log"
    exit 1
fi
tail -n 1 "$LOGS/build.log"

echo "== format"
swift format lint --strict --recursive Sources Tests

echo "== unit tests"
# Swift Testing only (no XCTest), so the closing line is Swift Testing's own summary.
# The QR code suite also checks its symbols with a real scanner (zbarimg, from install-deps).
if [[ -z "${QRCODE_ZBARIMG:-}" ]] && command -v zbarimg >/dev/null; then export QRCODE_ZBARIMG="$(command -v zbarimg)"; fi
set +e
swift test --skip-build --disable-xctest >"$LOGS/unit.log" 2>&1
status=$?
set -e
grep -vE "^.{1,3}(Test|Suite) .*(started|passed after [0-9.]+ seconds)\.?$" "$LOGS/unit.log" || true
# The run's own summary (filtered out above with the passing tests).
grep -E "^.{1,3}Test run with " "$LOGS/unit.log" | tail -n 1 || true
[ "$status" -eq 0 ] || exit "$status"

echo "== release build, as the image builds it (log: run/test-logs/release.log)"
if ! swift build -c release --static-swift-stdlib --product ldap-mfa-proxy >"$LOGS/release.log" 2>&1; then
    grep -E "error:" -A3 "$LOGS/release.log" | head -n 60
    tail -n 5 "$LOGS/release.log"
    exit 1
fi
tail -n 1 "$LOGS/release.log"
# Set, so the entrypoint test runs (and fails if the binary is missing) instead of skipping.
export LDAP_MFA_PROXY_RELEASE_BINARY="$REPO/.build/release/ldap-mfa-proxy"

echo "== integration tests"
scripts/test-integration.sh
