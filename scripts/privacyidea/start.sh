#!/usr/bin/env bash
# Starts an OWN privacyIDEA server for tests and development, from the venv made by
# scripts/install-deps.sh, with SQLite in the instance directory and an LDAP resolver on a test slapd.
#
# Usage: scripts/privacyidea/start.sh [INSTANCE_DIR] [PORT] [LDAP_URL]
#   INSTANCE_DIR  default $PI_DIR or $REPO/run/privacyidea
#   PORT          default $PI_PORT or 5443 (5001 with PI_TLS=0)
#   LDAP_URL      the directory for the resolver, default $SLAPD_LDAP_URL or ldap://127.0.0.1:3389
#                 (scripts/slapd/start.sh: users under ou=people with uid as the login name)
# Env:
#   PI_TLS=1          serve HTTPS with the dev certificates (default); PI_TLS=0 serves plain HTTP
#   PI_CERT_DIR       dev PKI from certs/make-dev-certs.sh (default $REPO/run/certs)
#   PI_REALM          realm name, made the default realm (default example)
#   PI_LDAP_BASE      resolver search base (default ou=people,dc=example,dc=test)
#   PI_BIND_DN / PI_BIND_PW   resolver bind (default cn=proxy-reader,ou=service,dc=example,dc=test /
#                     reader-password)
#   PI_ADMIN_PASSWORD admin password for user "admin" (default admin-password), kept in
#                     INSTANCE_DIR/admin-password for pi-admin.py
#   PI_VENV           the privacyIDEA venv (default $REPO/.venv-privacyidea)
#   KEEP=1            keep the existing instance (database, tokens, keys) and just (re)start it
#
# Always starts from scratch: stops a running instance, wipes the directory (only one it made
# itself), writes pi.cfg, runs `pi-manage setup create_enckey / create_audit_keys / create_tables`,
# `pi-manage admin add`, imports config.yaml (resolver, default realm, push enrolment policy), then
# `pi-manage run` in the background (pid in INSTANCE_DIR/privacyidea.pid) and waits until /healthz/
# answers. Takes 15-30 s, mostly pi-manage start-up (KEEP=1: about 5 s). Prints KEY=VALUE lines, also
# written to INSTANCE_DIR/env. Stop with stop.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

TLS="${PI_TLS:-1}"
DEFAULT_PORT=5443
[[ "$TLS" == 1 ]] || DEFAULT_PORT=5001
DIR="${1:-${PI_DIR:-$REPO/run/privacyidea}}"
PORT="${2:-${PI_PORT:-$DEFAULT_PORT}}"
LDAP_URL="${3:-${SLAPD_LDAP_URL:-ldap://127.0.0.1:3389}}"
CERT_DIR="${PI_CERT_DIR:-$REPO/run/certs}"
REALM="${PI_REALM:-example}"
LDAP_BASE="${PI_LDAP_BASE:-ou=people,dc=example,dc=test}"
BIND_DN="${PI_BIND_DN:-cn=proxy-reader,ou=service,dc=example,dc=test}"
BIND_PW="${PI_BIND_PW:-reader-password}"
ADMIN_PASSWORD="${PI_ADMIN_PASSWORD:-admin-password}"
VENV="${PI_VENV:-$REPO/.venv-privacyidea}"
MARKER=".ldap-mfa-proxy-privacyidea"

die() {
    echo "privacyidea/start: ERROR: $*" >&2
    exit 1
}

[[ -x "$VENV/bin/pi-manage" ]] ||
    die "privacyIDEA is not installed ($VENV/bin/pi-manage missing): run scripts/install-deps.sh"
[[ "$PORT" =~ ^[0-9]+$ ]] || die "PORT must be a number"
[[ "$TLS" == 0 || "$TLS" == 1 ]] || die "PI_TLS must be 0 or 1"

mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
case "$DIR" in
/ | "$REPO" | "$HOME") die "refusing to use $DIR as an instance directory" ;;
esac

"$HERE/stop.sh" "$DIR" >/dev/null

SCHEME=http
if [[ "$TLS" == 1 ]]; then
    SCHEME=https
    "$REPO/certs/make-dev-certs.sh" "$CERT_DIR" >/dev/null
fi
URL="$SCHEME://127.0.0.1:$PORT"
export PRIVACYIDEA_CONFIGFILE="$DIR/pi.cfg"

# ------------------------------------------------------------- a fresh instance
create_instance() {
    if [[ -n "$(ls -A "$DIR")" ]]; then
        [[ -f "$DIR/$MARKER" ]] ||
            die "$DIR is not empty and was not made by this script (no $MARKER); refusing to wipe it"
        find "$DIR" -mindepth 1 -delete
    fi
    touch "$DIR/$MARKER"

    # ------------------------------------------------------------- configuration from the templates
    # Replace @KEY@ placeholders; values are passed through the environment, never through sed syntax.
    fill() {
        "$VENV/bin/python" - "$1" <<'EOF'
import os, sys
text = open(sys.argv[1], encoding="utf-8").read()
for key, value in os.environ.items():
    if key.startswith("FILL_"):
        text = text.replace("@" + key[5:] + "@", value)
sys.stdout.write(text)
EOF
    }
    random_hex() { "$VENV/bin/python" -c 'import secrets; print(secrets.token_hex(24))'; }

    umask 077
    FILL_DIR="$DIR" FILL_SECRET_KEY="$(random_hex)" FILL_PEPPER="$(random_hex)" \
        fill "$HERE/pi.cfg.template" >"$DIR/pi.cfg"
    FILL_RESOLVER=ldap-people FILL_REALM="$REALM" FILL_LDAP_URL="$LDAP_URL" FILL_LDAP_BASE="$LDAP_BASE" \
        FILL_BIND_DN="$BIND_DN" FILL_BIND_PW="$BIND_PW" FILL_PI_URL="$URL" FILL_CA_FILE="$CERT_DIR/ca.pem" \
        fill "$HERE/config.yaml.template" >"$DIR/config.yaml"
    printf '%s\n' "$ADMIN_PASSWORD" >"$DIR/admin-password"
    umask 022

    manage() {
        local out
        out="$("$VENV/bin/pi-manage" "$@" 2>&1)" || die "pi-manage $1 $2 failed:"$'\n'"$out"
        printf '%s\n' "$out" >>"$DIR/setup.log"
    }
    manage setup create_enckey
    manage setup create_audit_keys
    manage setup create_tables
    manage admin add admin -p "$ADMIN_PASSWORD"
    manage config import -i "$DIR/config.yaml"
}

if [[ "${KEEP:-0}" == 1 && -f "$DIR/$MARKER" && -f "$DIR/pi.cfg" && -f "$DIR/privacyidea.sqlite" ]]; then
    : # keep the database, tokens and keys; just start the server again
else
    create_instance
fi

# ------------------------------------------------------------- start
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_busy "$PORT" && die "port $PORT on 127.0.0.1 is already in use"

RUN=("$VENV/bin/pi-manage" run -h 127.0.0.1 -p "$PORT" --with-threads --no-reload)
if [[ "$TLS" == 1 ]]; then
    RUN+=(--cert "$CERT_DIR/server.pem" --key "$CERT_DIR/server.key")
fi
# setsid: its own session, so it outlives the caller's process group.
setsid "${RUN[@]}" </dev/null >>"$DIR/server.log" 2>&1 &
pid=$!
echo "$pid" >"$DIR/privacyidea.pid"

ready=0
for _ in $(seq 1 300); do
    if curl -fsS --max-time 2 --cacert "$CERT_DIR/ca.pem" "$URL/healthz/" >/dev/null 2>&1; then
        ready=1
        break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if ((!ready)); then
    kill "$pid" 2>/dev/null || true
    echo "privacyidea/start: privacyIDEA did not come up; last lines of $DIR/server.log:" >&2
    tail -n 30 "$DIR/server.log" >&2 || true
    exit 1
fi

CA_LINE=""
[[ "$TLS" == 1 ]] && CA_LINE="$CERT_DIR/ca.pem"
cat >"$DIR/env" <<EOF
PI_URL=$URL
PI_CA_FILE=$CA_LINE
PI_REALM=$REALM
PI_ADMIN_USER=admin
PI_DIR=$DIR
PI_PID=$pid
EOF
cat "$DIR/env"
