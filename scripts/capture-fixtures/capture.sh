#!/usr/bin/env bash
# Captures real LDAP PDUs into Tests/LDAPCoreTests/Fixtures/*.hex (and rewrites its README.md).
#
# Usage: scripts/capture-fixtures/capture.sh [OUTDIR]   (default Tests/LDAPCoreTests/Fixtures)
# Env:   CAPTURE_SLAPD_PORT (4389), CAPTURE_SLAPD_LDAPS_PORT (4636), CAPTURE_RECORDER_PORT (4390)
#
# Starts its own slapd (scripts/slapd/start.sh, instance run/capture-slapd, sample data, plus the
# syncprov overlay so that an IntermediateResponse can be recorded), runs recorder.py in front of
# it, drives ldapwhoami/ldapsearch/ldapadd/... and python ldap3 through the recorder, and stops
# slapd again whatever happens. Needs scripts/install-deps.sh to have run (the .venv with ldap3).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="${1:-$REPO/Tests/LDAPCoreTests/Fixtures}"
SLAPD_PORT="${CAPTURE_SLAPD_PORT:-4389}"
SLAPD_LDAPS_PORT="${CAPTURE_SLAPD_LDAPS_PORT:-4636}"
RECORDER_PORT="${CAPTURE_RECORDER_PORT:-4390}"
INST="$REPO/run/capture-slapd"
PY="$REPO/.venv/bin/python"

if ! [[ -x "$PY" ]] || ! "$PY" -c 'import ldap3' >/dev/null 2>&1; then
    "$REPO/scripts/install-deps.sh"
fi
command -v ldapexop >/dev/null 2>&1 || {
    echo "capture: ldap-utils missing (run scripts/install-deps.sh)" >&2
    exit 1
}

trap '"$REPO/scripts/slapd/stop.sh" "$INST" >/dev/null' EXIT
# The fixtures name the sample passwords; the rootdn password must be the default one.
env_out="$(SLAPD_ROOTPW=admin-secret SLAPD_LOGLEVEL=none \
    "$REPO/scripts/slapd/start.sh" "$INST" "$SLAPD_PORT" "$SLAPD_LDAPS_PORT")"
ldapi="$(sed -n 's/^SLAPD_LDAPI_URL=//p' <<<"$env_out")"
ca="$(sed -n 's/^SLAPD_CA_FILE=//p' <<<"$env_out")"

# syncprov on this capture instance only (through ldapi, SASL EXTERNAL as the current user).
ldapmodify -Q -Y EXTERNAL -H "$ldapi" >/dev/null <<EOF
dn: cn=module{0},cn=config
changetype: modify
add: olcModuleLoad
olcModuleLoad: syncprov

dn: olcOverlay=syncprov,olcDatabase={1}mdb,cn=config
changetype: add
objectClass: olcOverlayConfig
objectClass: olcSyncProvConfig
olcOverlay: syncprov
EOF

mkdir -p "$OUT"
"$PY" "$HERE/capture.py" --slapd-port "$SLAPD_PORT" --recorder-port "$RECORDER_PORT" \
    --ca "$ca" --out "$(cd "$OUT" && pwd)"
