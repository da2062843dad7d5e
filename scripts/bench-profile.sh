#!/usr/bin/env bash
# Where the proxy's time goes under load (issue 8: "where a target is missed, profile"): one slapd with the
# bench data, the release proxy in front of it (the bench-compare configuration), bind load at concurrency 64
# for DURATION seconds, and `perf record -g` of the proxy (and of slapd) over that time; prints the top of
# `perf report --no-children` and `--children` for each. Nothing here is a test.
#
# Usage: scripts/bench-profile.sh exempt|gated
# Env:   DURATION (default 10)  CONCURRENCY (default 64)  GATED_USERS (default 40000)
#        SERVICE_ACCOUNTS (default 2000)  EXTRA  extra proxy configuration as JSON, merged in
#        BIN, LOADGEN as for bench-compare.sh   KEEP_WORK=1 keeps the perf data
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
MODE="${1:-exempt}"
DURATION="${DURATION:-10}"
CONCURRENCY="${CONCURRENCY:-64}"
GATED_USERS="${GATED_USERS:-40000}"
SERVICE_ACCOUNTS="${SERVICE_ACCOUNTS:-2000}"
WORK="$(mktemp -d /tmp/bench-profile.XXXXXX)"
source "$REPO/Tools/LoadGen/scripts/bench-lib.sh"
cleanup() {
    bench_cleanup
    [[ "${KEEP_WORK:-0}" == 1 ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
command -v perf >/dev/null || { echo "bench-profile: perf is missing (apt-get install linux-perf)" >&2; exit 1; }
case "$MODE" in
exempt) USERS=services.tsv ;;
gated) USERS=gated.tsv ;;
*) echo "usage: $0 exempt|gated" >&2; exit 2 ;;
esac

bench_need_binaries
"$REPO/scripts/slapd/gen-bench-data.sh" "$WORK/data" "$GATED_USERS" "$SERVICE_ACCOUNTS" >&2
P_SLAPD=$(free_port); P_SLAPDS=$(free_port); P_US=$(free_port)
bench_slapd main "$P_SLAPD" "$P_SLAPDS"
bench_proxy us "ldap://127.0.0.1:$P_SLAPD" "$P_US" "${EXTRA:-{\}}"
if [[ "$MODE" == gated ]]; then
    sleep "$(python3 -c 'import time; print(30 - time.time() % 30 + 0.2)')"
    DURATION=$((DURATION > 25 ? 25 : DURATION))  # one TOTP step
fi
lg --url "ldap://127.0.0.1:$P_US" --users-file "$WORK/data/$USERS" --concurrency "$CONCURRENCY" \
    --duration "$((DURATION + 1))" --warmup 1 >"$WORK/load.json" &
LOAD=$!
sleep 1
perf record -q -e cpu-clock -F 999 -g -o "$WORK/proxy.perf" -p "$PROXY_PID" -- sleep "$DURATION" 2>/dev/null &
PERF_PROXY=$!
perf record -q -e cpu-clock -F 999 -g -o "$WORK/slapd.perf" -p "$SLAPD_PID_main" -- sleep "$DURATION" 2>/dev/null &
PERF_SLAPD=$!
wait "$PERF_PROXY" "$PERF_SLAPD" "$LOAD" || true
echo "== $MODE, c=$CONCURRENCY: $(jget "$WORK/load.json" bindsPerSecond) binds/s, p99 $(jget "$WORK/load.json" latencyMicroseconds.p99) us"
for who in proxy slapd; do
    echo "== $who: self time (perf report --no-children)"
    perf report -i "$WORK/$who.perf" --no-children --sort dso,sym --stdio --percent-limit 0.7 -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -40
    echo "== $who: with callees (perf report --children)"
    perf report -i "$WORK/$who.perf" --children --stdio --percent-limit 4 -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -40
done
