#!/usr/bin/env bash
# Starts an OWN FreeRADIUS 3.x instance for tests and development (never the system one).
#
# Usage: scripts/freeradius/start.sh INSTANCE_DIR AUTH_PORT SECRET
#   INSTANCE_DIR  made if missing; wiped only if this script made it (marker file)
#   AUTH_PORT     authentication port on 127.0.0.1; accounting listens on AUTH_PORT+1
#   SECRET        the shared secret of the one client, 127.0.0.1 (printable ASCII, no quotes,
#                 backslashes or spaces)
# Env:
#   FREERADIUS_DEBUG=1  run with -X (full debug, every attribute) into INSTANCE_DIR/radius.log;
#                       the debug log shows passwords: for local debugging only
#   FREERADIUS_UNSIGNED=1  do NOT put a Message-Authenticator in replies (a server without the
#                       BlastRADIUS fix), to show that the proxy ignores such replies
#
# Copies /etc/freeradius/3.0 to INSTANCE_DIR/raddb, replaces radiusd.conf, clients.conf, the
# enabled sites and modules and the users file with the templates beside this script, starts
# `freeradius -f` in the background as the current user and waits (up to 10 s) until it answers a
# Status-Server probe. The users (mods-config/files/authorize) are documented in `authorize`.
# Prints KEY=VALUE lines (also written to INSTANCE_DIR/env); stop with stop.sh INSTANCE_DIR.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
MARKER=".ldap-mfa-proxy-freeradius"
SYSTEM_RADDB="/etc/freeradius/3.0"

die() {
    echo "freeradius/start: ERROR: $*" >&2
    exit 1
}

(($# == 3)) || die "usage: $0 INSTANCE_DIR AUTH_PORT SECRET"
DIR="$1"
AUTH_PORT="$2"
SECRET="$3"
export PATH="$PATH:/usr/sbin:/sbin"
export LC_ALL=C

for t in freeradius radclient; do
    command -v "$t" >/dev/null 2>&1 || die "$t not found (run scripts/install-deps.sh)"
done
[[ -d "$SYSTEM_RADDB" ]] || die "$SYSTEM_RADDB not found (run scripts/install-deps.sh)"
[[ "$AUTH_PORT" =~ ^[0-9]+$ ]] && ((AUTH_PORT >= 1 && AUTH_PORT <= 65534)) ||
    die "AUTH_PORT must be a number from 1 to 65534"
ACCT_PORT=$((AUTH_PORT + 1))
[[ "$SECRET" =~ ^[[:graph:]]+$ && "$SECRET" != *'"'* && "$SECRET" != *'\'* ]] ||
    die "SECRET must be non-empty printable ASCII without quotes, backslashes or spaces"

mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
case "$DIR" in
/ | "$REPO" | "$HOME" | /etc* | /usr*) die "refusing to use $DIR as an instance directory" ;;
esac

# ------------------------------------------------------------- stop a running instance
"$HERE/stop.sh" "$DIR" >/dev/null

# ------------------------------------------------------------- (re)create the instance
if [[ -n "$(ls -A "$DIR")" ]]; then
    [[ -f "$DIR/$MARKER" ]] ||
        die "$DIR is not empty and was not made by this script (no $MARKER); refusing to wipe it"
    find "$DIR" -mindepth 1 -delete
fi
touch "$DIR/$MARKER"

RADDB="$DIR/raddb"
cp -a "$SYSTEM_RADDB" "$RADDB"

# Replace @NAME@ placeholders literally (no sed: the secret may contain & | /).
shopt -u patsub_replacement 2>/dev/null || true
render() { # TEMPLATE OUTPUT
    local text
    text="$(<"$1")"
    text="${text//@DIR@/$DIR}"
    text="${text//@AUTH_PORT@/$AUTH_PORT}"
    text="${text//@ACCT_PORT@/$ACCT_PORT}"
    text="${text//@SECRET@/$SECRET}"
    printf '%s\n' "$text" >"$2"
}
render "$HERE/radiusd.conf.in" "$RADDB/radiusd.conf"
render "$HERE/clients.conf.in" "$RADDB/clients.conf"
# Only our site and the modules it uses: no EAP (needs certificates), no inner tunnel, no proxying.
find "$RADDB/sites-enabled" "$RADDB/mods-enabled" -mindepth 1 -delete
render "$HERE/mfa-test-site.in" "$RADDB/sites-enabled/mfa-test"
if [[ "${FREERADIUS_UNSIGNED:-0}" == 1 ]]; then
    # Keep the update sections valid; Tmp-String-1 is internal and never sent.
    text="$(<"$RADDB/sites-enabled/mfa-test")"
    printf '%s\n' "${text//&Message-Authenticator := 0x00/&Tmp-String-1 := \"unsigned\"}" \
        >"$RADDB/sites-enabled/mfa-test"
fi
for m in always pap files; do
    ln -s "../mods-available/$m" "$RADDB/mods-enabled/$m"
done
cp "$HERE/authorize" "$RADDB/mods-config/files/authorize"
chmod -R go-rwx "$DIR"

# ------------------------------------------------------------- start and wait
# FreeRADIUS binds with SO_REUSEADDR, so a second instance on a busy UDP port may start and the
# probe below would be answered by the first: refuse a busy port up front.
if command -v ss >/dev/null 2>&1; then
    for p in "$AUTH_PORT" "$ACCT_PORT"; do
        [[ -z "$(ss -Hlun "sport = :$p" 2>/dev/null)" ]] || die "UDP port $p is already in use"
    done
fi
LOG="$DIR/radius.log"
OUT="$DIR/stdout.log"
if [[ "${FREERADIUS_DEBUG:-0}" == 1 ]]; then
    MODE=(-X)
    OUT="$LOG"
else
    MODE=(-f -l "$LOG")
fi
# Own session, stdio to a file: the caller may read our output to EOF.
setsid freeradius "${MODE[@]}" -d "$RADDB" -n radiusd >>"$OUT" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$DIR/radiusd.pid.start"

probe() {
    printf 'Message-Authenticator = 0x00\n' |
        radclient -q -r 1 -t 1 "127.0.0.1:$AUTH_PORT" status "$SECRET" >/dev/null 2>&1
}
ready=0
for _ in $(seq 1 50); do
    if ! kill -0 "$pid" 2>/dev/null; then
        tail -n 30 "$DIR/stdout.log" "$LOG" >&2 2>/dev/null || true
        die "freeradius exited during start-up (logs: $DIR/stdout.log, $LOG)"
    fi
    if grep -q "Ready to process requests" "$LOG" 2>/dev/null && probe && kill -0 "$pid" 2>/dev/null; then
        ready=1
        break
    fi
    sleep 0.2
done
if ((ready == 0)); then
    tail -n 30 "$DIR/stdout.log" "$LOG" >&2 2>/dev/null || true
    "$HERE/stop.sh" "$DIR" >/dev/null || true
    die "freeradius did not answer on 127.0.0.1:$AUTH_PORT within 10 s"
fi
# radiusd writes its pid file only when it daemonises; -f does not, so write it ourselves.
echo "$pid" >"$DIR/radiusd.pid"
rm -f "$DIR/radiusd.pid.start"

{
    echo "FREERADIUS_DIR=$DIR"
    echo "FREERADIUS_AUTH_PORT=$AUTH_PORT"
    echo "FREERADIUS_ACCT_PORT=$ACCT_PORT"
    echo "FREERADIUS_LOG=$LOG"
    echo "FREERADIUS_PID=$pid"
} | tee "$DIR/env"
