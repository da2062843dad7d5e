#!/usr/bin/env bash
# Stops a PostgreSQL server started by scripts/postgres/start.sh and removes its data when it lived in
# /tmp/ldap-mfa-proxy-pg.* (the instance directory itself stays, for its logs).
#
# Usage: scripts/postgres/stop.sh [INSTANCE_DIR]     (default $PG_DIR or $REPO/run/postgres)
# Quiet and successful when the server is not running. Only the postmaster whose data folder is this
# instance's is signalled (fast shutdown via pg_ctl, then SIGKILL after 20 s).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
DIR="${1:-${PG_DIR:-$REPO/run/postgres}}"
BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
[[ -d "$DIR" ]] || exit 0
DIR="$(cd "$DIR" && pwd)"
ROOT="$DIR"
[[ -s "$DIR/pgroot" ]] && ROOT="$(cat "$DIR/pgroot")"
DATA="$ROOT/data"
PIDFILE="$DATA/postmaster.pid"

if [[ -s "$PIDFILE" ]]; then
    pid="$(head -n1 "$PIDFILE" | tr -dc '0-9')"
    ours() {
        [[ -n "$pid" && "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == postgres ]] &&
            tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -F -- "$DATA" >/dev/null
    }
    AS=()
    [[ "$(id -u)" == 0 ]] && AS=(runuser -u postgres --)
    if ours; then
        "${AS[@]}" "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 20 stop >/dev/null 2>&1 || true
        if ours; then
            echo "postgres/stop: postmaster $pid did not stop in 20 s, killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
fi
if [[ "$ROOT" != "$DIR" && "$ROOT" == /tmp/ldap-mfa-proxy-pg.* ]]; then
    rm -rf "$ROOT"
    rm -f "$DIR/pgroot"
fi
