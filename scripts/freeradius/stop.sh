#!/usr/bin/env bash
# Stops a FreeRADIUS instance started by scripts/freeradius/start.sh, by its pid file.
#
# Usage: scripts/freeradius/stop.sh INSTANCE_DIR
# Quiet and successful when the instance is not running. Sends TERM, waits up to 10 s, then KILL.
# Only a process named freeradius whose command line names this instance's raddb is signalled
# (a stale pid file never hits another process).
set -euo pipefail

(($# == 1)) || {
    echo "usage: $0 INSTANCE_DIR" >&2
    exit 1
}
DIR="$1"
[[ -d "$DIR" ]] || exit 0
DIR="$(cd "$DIR" && pwd)"

stop_pid() {
    local pid="$1"
    ours() {
        [[ -n "$pid" && "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == freeradius ]] &&
            tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -F -- "$DIR/raddb" >/dev/null
    }
    ours || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 200); do
        ours || break
        sleep 0.05
    done
    if ours; then
        echo "freeradius/stop: freeradius $pid did not stop in 10 s, killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
    fi
    echo "stopped freeradius $pid ($DIR)"
}

for f in radiusd.pid radiusd.pid.start; do
    if [[ -s "$DIR/$f" ]]; then
        stop_pid "$(tr -dc '0-9' <"$DIR/$f")"
        rm -f "$DIR/$f"
    fi
done
