#!/usr/bin/env bash
# Stops a Samba AD DC started by scripts/samba/start.sh, by its pid file.
#
# Usage: scripts/samba/stop.sh [INSTANCE_DIR]     (default $SAMBA_DIR or $REPO/run/samba)
# Quiet and successful when the instance is not running. start.sh runs samba in its own
# session (setsid), so its process group holds samba and every child it forked: TERM goes to
# that group, then KILL after 10 s. Only a group whose leader is a samba process started with
# this instance's smb.conf is signalled (a stale pid file never hits another process).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
DIR="${1:-${SAMBA_DIR:-$REPO/run/samba}}"
[[ -d "$DIR" ]] || exit 0
DIR="$(cd "$DIR" && pwd)"
PIDFILE="$DIR/samba.pid"
[[ -s "$PIDFILE" ]] || exit 0

pid="$(tr -dc '0-9' <"$PIDFILE")"
[[ -n "$pid" ]] || {
    rm -f "$PIDFILE"
    exit 0
}

# Samba rewrites its command line ("samba: root process"), so the instance is recognised by
# its executable, the process group it leads (setsid) and an open file in the instance directory.
ours() {
    [[ -d "/proc/$pid" ]] || return 1
    [[ "$(readlink "/proc/$pid/exe" 2>/dev/null || true)" == */samba ]] || return 1
    [[ "$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ')" == "$pid" ]] || return 1
    [[ "$(ps -o stat= -p "$pid" 2>/dev/null)" != Z* ]] || return 1
    ls -l "/proc/$pid/fd" 2>/dev/null | grep -F -- "$DIR/" >/dev/null || return 1
}
group_alive() {
    local p
    for p in $(ps -e -o pid=,pgid=,stat= | awk -v g="$pid" '$2 == g && $3 !~ /^Z/ {print $1}'); do
        return 0
    done
    return 1
}

if ours; then
    kill -TERM -- "-$pid" 2>/dev/null || true
    for _ in $(seq 1 200); do
        group_alive || break
        sleep 0.05
    done
    if group_alive; then
        echo "samba/stop: samba $pid did not stop in 10 s, killing its process group" >&2
        kill -KILL -- "-$pid" 2>/dev/null || true
        sleep 0.2
    fi
    echo "stopped samba $pid ($DIR)"
fi
rm -f "$PIDFILE"
