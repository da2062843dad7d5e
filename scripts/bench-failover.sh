#!/usr/bin/env bash
# Failover under load (issue 8): two slapd with the same data (primary, backup), TOTP-gated load through the
# release proxy, kill -9 of the primary after KILL_AT seconds, restart after RESTART_AT seconds.
# Prints: wrong-factor binds sent and accepted (every WRONG_EVERY-th bind carries a wrong code or no code; the
# count accepted must be 0), the longest gap without a successful bind (the failover time), successful binds
# per second, and whether the proxy went back to the primary (its binds, CPU and the proxy's
# upstream_healthy metric after the restart).
# Usage: scripts/bench-failover.sh
# Env: DURATION (default 45), KILL_AT (10), RESTART_AT (25), RATE (paced binds/s, default 400),
#      CONCURRENCY (16), WRONG_EVERY (10), BIN, LOADGEN
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
DURATION="${DURATION:-45}"
KILL_AT="${KILL_AT:-10}"
RESTART_AT="${RESTART_AT:-25}"
RATE="${RATE:-400}"
CONCURRENCY="${CONCURRENCY:-16}"
WRONG_EVERY="${WRONG_EVERY:-10}"
WORK="$(mktemp -d /tmp/bench-failover.XXXXXX)"
source "$REPO/Tools/LoadGen/scripts/bench-lib.sh"
cleanup() {
    bench_cleanup
    [[ "${KEEP_WORK:-0}" == 1 ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

bench_need_binaries
echo "== $(date -u +%FT%TZ) load average $(load_average); $(nproc) cores" >&2
# Users for the whole run at RATE, each once per 30 s step, with room to spare.
"$REPO/scripts/slapd/gen-bench-data.sh" "$WORK/data" $((RATE * 30 + 2000)) 100 >&2
P1=$(free_port); P1S=$(free_port); P2=$(free_port); P2S=$(free_port); P_US=$(free_port); P_OPS=$(free_port)
bench_slapd primary "$P1" "$P1S"
bench_slapd backup "$P2" "$P2S"
bench_proxy us "ldap://127.0.0.1:$P1;ldap://127.0.0.1:$P2" "$P_US" \
    "{\"directory\": {\"connect_timeout\": \"1s\", \"operation_timeout\": \"2s\", \"health_check_interval\": \"1s\"},
      \"operations\": {\"listen\": \"127.0.0.1:$P_OPS\"}}"

lg --url "ldap://127.0.0.1:$P_US" --users-file "$WORK/data/gated.tsv" --concurrency "$CONCURRENCY" --rate "$RATE" \
    --duration "$DURATION" --warmup 0 --wrong-every "$WRONG_EVERY" --timeline --timeout 15 >"$WORK/load.json" &
LOAD=$!
sleep "$KILL_AT"
echo "t=${KILL_AT}s: kill -9 primary slapd $SLAPD_PID_primary" >&2
kill -KILL "$SLAPD_PID_primary"
sleep $((RESTART_AT - KILL_AT))
echo "t=${RESTART_AT}s: restarting the primary" >&2
KEEP=1 SLAPD_DATA="$WORK/data/bench-data.ldif" SLAPD_CERT_DIR="$CERTS" \
    "$REPO/scripts/slapd/start.sh" "$WORK/primary" "$P1" "$P1S" >"$WORK/primary.env"
NEW_PID="$(sed -n 's/^SLAPD_PID=//p' "$WORK/primary.env")"
sleep 5
t1=$(cpu_ticks "$NEW_PID")
conns1=$(ss -Htn state established "( sport = :$P1 )" | wc -l)
wait "$LOAD"
t2=$(cpu_ticks "$NEW_PID" 2>/dev/null || echo "$t1")
metrics="$(curl -s "http://127.0.0.1:$P_OPS/metrics" | grep upstream_healthy || true)"
python3 - "$WORK/load.json" "$KILL_AT" "$RESTART_AT" <<'PY'
import json, sys
r, kill_at, restart_at = json.load(open(sys.argv[1])), int(sys.argv[2]), int(sys.argv[3])
print(f"load: {r['ok']} successful gated binds, {r['failed']} failed, result codes {r['resultCodes']}, "
      f"timeouts {r['timeouts']}, dropped {r['dropped']}, user pool waits {r['userPoolWaits']}")
print(f"wrong-factor binds: {r['wrongFactorSent']} sent, {r['wrongFactorAccepted']} accepted "
      f"({'none accepted: OK' if r['wrongFactorAccepted'] == 0 else 'A BIND SUCCEEDED WITHOUT ITS FACTOR'})")
print(f"failover time (longest gap without a successful bind): {r['maxSuccessGapMilliseconds']:.0f} ms, "
      f"ending {r['maxSuccessGapEndSecond']:.1f} s into the run (primary killed at {kill_at} s)")
print("successful binds per second: " + " ".join(map(str, r["timeline"])))
PY
echo "failback: the restarted primary used $((t2 - t1)) CPU ticks in the last $((DURATION - RESTART_AT - 5)) s of load," \
    "with $conns1 established connection(s) 5 s after its restart"
echo "metrics: $(echo "$metrics" | grep -v '^#' | tr '\n' ' ')"
echo "== done $(date -u +%FT%TZ), load average $(load_average)" >&2
