#!/usr/bin/env bash
# Memory benchmarks of issue 8, against an own slapd and the release proxy:
#  1. resident size of the proxy with IDLE_CLIENTS (default 10000) idle client connections, each bound once
#     as an exempt service account (target <= 200 MB);
#  2. PARKED (default 1000) gated binds parked on a slow second factor (a privacyIDEA stand-in that answers
#     only after 120 s, Tools/LoadGen/scripts/slow-mfa.py) must not move the p99 of other (exempt) binds, paced
#     at RATE/s (default 500) with concurrency 8, by more than 1 ms: the same paced run before and while parked.
# Usage: scripts/bench-memory.sh       Env: IDLE_CLIENTS, PARKED, RATE, DURATION (default 15), BIN, LOADGEN
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
IDLE_CLIENTS="${IDLE_CLIENTS:-10000}"
PARKED="${PARKED:-1000}"
RATE="${RATE:-500}"
DURATION="${DURATION:-15}"
WORK="$(mktemp -d /tmp/bench-memory.XXXXXX)"
source "$REPO/Tools/LoadGen/scripts/bench-lib.sh"
EXTRA_PIDS=()
cleanup() {
    local pid
    for pid in "${EXTRA_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    bench_cleanup
    [[ "${KEEP_WORK:-0}" == 1 ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"  # 10,000 idle clients need more than the usual 1024

bench_need_binaries
echo "== $(date -u +%FT%TZ) load average $(load_average); $(nproc) cores" >&2
"$REPO/scripts/slapd/gen-bench-data.sh" "$WORK/data" "$PARKED" 2000 >&2
P_SLAPD=$(free_port); P_SLAPDS=$(free_port); P_US=$(free_port); P_MFA=$(free_port)
bench_slapd main "$P_SLAPD" "$P_SLAPDS"

# -------------------------------------------------------------- 1. idle connections
bench_proxy idle "ldap://127.0.0.1:$P_SLAPD" "$P_US"
sleep 1
rss_start=$(rss_kib "$PROXY_PID")
coproc IDLE { exec python3 "$REPO/Tools/LoadGen/scripts/idle-clients.py" 127.0.0.1 "$P_US" "$IDLE_CLIENTS" \
    "$WORK/data/services.tsv"; }
EXTRA_PIDS+=("$IDLE_PID")
read -r line <&"${IDLE[0]}"
sleep 2
rss_idle=$(rss_kib "$PROXY_PID")
fds=$(ls "/proc/$PROXY_PID/fd" | wc -l)
echo "idle: $line; proxy resident $((rss_start / 1024)) MiB before, $((rss_idle / 1024)) MiB with them" \
    "($(((rss_idle - rss_start) / IDLE_CLIENTS)) KiB per connection), $fds open fds"
kill -TERM "$IDLE_PID" 2>/dev/null || true
bench_stop_pid "$PROXY_PID"

# -------------------------------------------------------------- 2. binds parked on a slow factor
python3 "$REPO/Tools/LoadGen/scripts/slow-mfa.py" "$P_MFA" 120 2>"$WORK/slow-mfa.log" &
EXTRA_PIDS+=("$!")
wait_port "$P_MFA"
P_US2=$(free_port)
bench_proxy parked "ldap://127.0.0.1:$P_SLAPD" "$P_US2" \
    "{\"mfa\": {\"provider\": \"privacyidea\", \"privacyidea\": {\"url\": \"http://127.0.0.1:$P_MFA\", \"timeout\": \"5m\"}}}"
measure() {
    local before
    before=$(cpu_ticks "$PROXY_PID")
    lg --url "ldap://127.0.0.1:$P_US2" --users-file "$WORK/data/services.tsv" --concurrency 8 --rate "$RATE" \
        --duration "$DURATION" --warmup 2 >"$WORK/$1.json"
    echo "$1: $(jget "$WORK/$1.json" bindsPerSecond) binds/s, p50 $(jget "$WORK/$1.json" latencyMicroseconds.p50) us," \
        "p99 $(jget "$WORK/$1.json" latencyMicroseconds.p99) us, p99.9 $(jget "$WORK/$1.json" latencyMicroseconds.p999) us," \
        "failed $(jget "$WORK/$1.json" failed); proxy CPU $(($(cpu_ticks "$PROXY_PID") - before)) ticks; proxy resident $(($(rss_kib "$PROXY_PID") / 1024)) MiB; load $(load_average)"
}
measure baseline
"$LOADGEN" --url "ldap://127.0.0.1:$P_US2" --users-file "$WORK/data/gated.tsv" --concurrency "$PARKED" \
    --duration 200 --warmup 0 --timeout 300 >"$WORK/parked.txt" 2>&1 &
EXTRA_PIDS+=("$!")
sleep 8
idle_before=$(cpu_ticks "$PROXY_PID")
sleep 5
echo "parked, no other load: the proxy used $(($(cpu_ticks "$PROXY_PID") - idle_before)) CPU ticks (1/100 s) in 5 s"
echo "parked: $(tail -1 "$WORK/slow-mfa.log"); client connections to the proxy:" \
    "$(ss -Htn state established "( dport = :$P_US2 )" | wc -l)"
measure parked
python3 - "$WORK/baseline.json" "$WORK/parked.json" <<'PY'
import json, sys
b, p = (json.load(open(f))["latencyMicroseconds"]["p99"] for f in sys.argv[1:3])
moved = (p - b) / 1000
print(f"p99 moved by {moved:.2f} ms with the binds parked (target <= 1 ms): {'met' if moved <= 1 else 'MISSED'}")
PY
echo "== done $(date -u +%FT%TZ), load average $(load_average)" >&2
