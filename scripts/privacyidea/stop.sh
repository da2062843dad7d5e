#!/usr/bin/env bash
# Stops a privacyIDEA instance started by scripts/privacyidea/start.sh (by the pid in its directory).
#
# Usage: scripts/privacyidea/stop.sh [INSTANCE_DIR]     (default $PI_DIR or $REPO/run/privacyidea)
#
# Sends SIGTERM to that process only, waits up to 5 s, then SIGKILL. Quiet and successful when
# nothing runs. The instance directory (database, logs) is kept.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
DIR="${1:-${PI_DIR:-$REPO/run/privacyidea}}"
PIDFILE="$DIR/privacyidea.pid"

[[ -s "$PIDFILE" ]] || exit 0
pid="$(cat "$PIDFILE")"
[[ "$pid" =~ ^[0-9]+$ ]] || {
    rm -f "$PIDFILE"
    exit 0
}
# Only a process that is our pi-manage (not a recycled pid).
if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep 'pi-manage' >/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "stopped privacyIDEA $pid ($DIR)"
fi
rm -f "$PIDFILE"
