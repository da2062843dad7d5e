#!/usr/bin/env bash
# Soak of issue 8: TOTP-gated binds through the release proxy at half the maximum rate for SOAK_MINUTES
# (default 30), the proxy's resident size sampled every 10 s; prints the samples, the drift (mean of the last
# minute against the mean of the second minute, after warm-up; target under 5 %) and the load's figures.
# CPU-heavy for its whole length: run it only when the machine is not needed.
# Usage: scripts/bench-soak.sh        Env: SOAK_MINUTES, CONCURRENCY (64), MAX_RATE (skip the probe), GATED_USERS (80000), BIN, LOADGEN
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
SOAK_MINUTES="${SOAK_MINUTES:-30}"
CONCURRENCY="${CONCURRENCY:-64}"
WORK="$(mktemp -d /tmp/bench-soak.XXXXXX)"
source "$REPO/Tools/LoadGen/scripts/bench-lib.sh"
cleanup() {
    [[ -n "${LOAD:-}" ]] && kill -TERM "$LOAD" 2>/dev/null || true
    bench_cleanup
    [[ "${KEEP_WORK:-0}" == 1 ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

bench_need_binaries
echo "== $(date -u +%FT%TZ) load average $(load_average); $(nproc) cores" >&2
GATED_USERS="${GATED_USERS:-80000}"
"$REPO/scripts/slapd/gen-bench-data.sh" "$WORK/data" "$GATED_USERS" 100 >&2
P_SLAPD=$(free_port); P_SLAPDS=$(free_port); P_US=$(free_port)
bench_slapd main "$P_SLAPD" "$P_SLAPDS"
bench_proxy us "ldap://127.0.0.1:$P_SLAPD" "$P_US"

if [[ -z "${MAX_RATE:-}" ]]; then
    # The maximum: 10 s unpaced at the soak's concurrency, started at a step boundary (each user once per step).
    sleep "$(python3 -c 'import time; print(30 - time.time() % 30 + 0.2)')"
    lg --url "ldap://127.0.0.1:$P_US" --users-file "$WORK/data/gated.tsv" --concurrency "$CONCURRENCY" \
        --duration 10 --warmup 2 >"$WORK/max.json"
    MAX_RATE="$(jget "$WORK/max.json" bindsPerSecond)"
fi
RATE="$(python3 -c "print(round(float('$MAX_RATE') / 2))")"
# Each user binds at most once per 30 s step: GATED_USERS users allow GATED_USERS / 30 binds/s (less 3 %).
RATE="$(python3 -c "print(min($RATE, int($GATED_USERS / 30 * 0.97)))")"
echo "maximum $MAX_RATE binds/s; soaking at $RATE binds/s for $SOAK_MINUTES min" >&2
sleep "$(python3 -c 'import time; print(30 - time.time() % 30 + 0.2)')"
lg --url "ldap://127.0.0.1:$P_US" --users-file "$WORK/data/gated.tsv" --concurrency "$CONCURRENCY" --rate "$RATE" \
    --duration $((SOAK_MINUTES * 60)) --warmup 0 --timeout 30 >"$WORK/soak.json" &
LOAD=$!
samples=()
for _ in $(seq 1 $((SOAK_MINUTES * 6))); do
    sleep 10
    samples+=("$(rss_kib "$PROXY_PID")")
done
wait "$LOAD"
LOAD=""
python3 - "$WORK/soak.json" "${samples[@]}" <<'PY'
import json, sys
r, samples = json.load(open(sys.argv[1])), [int(x) for x in sys.argv[2:]]
print("resident KiB every 10 s: " + " ".join(map(str, samples)))
second, last = samples[6:12], samples[-6:]
base = sum(second) / len(second)
drift = (sum(last) / len(last) - base) / base * 100
print(f"drift (last minute vs second minute): {drift:+.2f} % (target under 5 %): {'met' if abs(drift) < 5 else 'MISSED'}")
print(f"load: {r['ok']} ok, {r['failed']} failed {r['resultCodes']}, {r['bindsPerSecond']:.0f} binds/s, "
      f"p99 {r['latencyMicroseconds']['p99']/1000:.2f} ms, timeouts {r['timeouts']}, pool waits {r['userPoolWaits']}")
PY
echo "== done $(date -u +%FT%TZ), load average $(load_average)" >&2
