#!/usr/bin/env bash
# Stops a slapd instance started by scripts/slapd/start.sh, by its pid file.
#
# Usage: scripts/slapd/stop.sh [INSTANCE_DIR]     (default $SLAPD_DIR or $REPO/run/slapd)
# Quiet and successful when the instance is not running. Sends TERM, waits up to 10 s,
# then KILL. Only a process whose name is slapd and whose command line names this
# instance's directory is signalled (a stale pid file never hits another process).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
DIR="${1:-${SLAPD_DIR:-$REPO/run/slapd}}"
[[ -d "$DIR" ]] || exit 0
DIR="$(cd "$DIR" && pwd)"
PIDFILE="$DIR/slapd.pid"
[[ -s "$PIDFILE" ]] || exit 0

pid="$(tr -dc '0-9' <"$PIDFILE")"
ours() {
    [[ -n "$pid" && "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == slapd ]] &&
        tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -F -- "$DIR/slapd.d" >/dev/null
}
if ours; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 200); do
        ours || break
        sleep 0.05
    done
    if ours; then
        echo "slapd/stop: slapd $pid did not stop in 10 s, killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
    fi
    echo "stopped slapd $pid ($DIR)"
fi
rm -f "$PIDFILE"
