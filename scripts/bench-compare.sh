#!/usr/bin/env bash
# Benchmark of issue 8: the same bind load against slapd directly, against slapd's back-ldap proxy
# (plain and StartTLS upstream) and against ldap-mfa-proxy (plain and StartTLS upstream; exempt service
# accounts and TOTP-gated users), all in front of the same slapd, in one run. Prints a table and the
# ratios of the targets in BENCHMARKS.md. Nothing here is a test: it measures and prints.
#
# Usage: scripts/bench-compare.sh
# Env:   CONCURRENCIES  default "64 1 8"      DURATION  measured seconds per run (default 10)
#        WARMUP         default 2             GATED_USERS default 80000   SERVICE_ACCOUNTS default 2000
#        PACED_RATE     binds/s of the unsaturated latency runs (default 500, concurrency 8)
#        BIN, LOADGEN   the binaries (built when missing: the proxy with
#                       `nice swift build -c release --static-swift-stdlib --product ldap-mfa-proxy`,
#                       Tools/LoadGen with `nice swift build -c release`)
#        KEEP_WORK=1    keep the scratch directory (results/*.json, logs)
#        US_EXTRA       JSON merged into both ldap-mfa-proxy configurations, e.g.
#                       '{"directory": {"bind_pool_size": 32}}'  (default: the bench configuration of bench-lib.sh)
#
# Method (honest gated load): a TOTP code is accepted once per user per 30 s step, so every gated user binds
# at most once per step (the generator hands each user out once per step, success or not), from GATED_USERS
# users seeded in slapd and in the store; each gated run starts at a step boundary and lasts under one step;
# only successful binds count. A run whose user pool ran dry says so (pool_waits > 0).
# CPU per bind: utime+stime of the process from /proc/PID/stat, before and after the run, over its binds.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
CONCURRENCIES="${CONCURRENCIES:-64 1 8}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-2}"
GATED_USERS="${GATED_USERS:-80000}"
SERVICE_ACCOUNTS="${SERVICE_ACCOUNTS:-2000}"
PACED_RATE="${PACED_RATE:-500}"
WORK="$(mktemp -d /tmp/bench-compare.XXXXXX)"
source "$REPO/Tools/LoadGen/scripts/bench-lib.sh"
cleanup() {
    bench_cleanup
    "$REPO/scripts/slapd/stop.sh" "$WORK/backldap-plain" >/dev/null 2>&1 || true
    "$REPO/scripts/slapd/stop.sh" "$WORK/backldap-tls" >/dev/null 2>&1 || true
    [[ "${KEEP_WORK:-0}" == 1 ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

bench_need_binaries
echo "== $(date -u +%FT%TZ) load average $(load_average); $(nproc) cores" >&2
"$REPO/scripts/slapd/gen-bench-data.sh" "$WORK/data" "$GATED_USERS" "$SERVICE_ACCOUNTS" >&2

P_SLAPD=$(free_port); P_SLAPDS=$(free_port); P_BLP=$(free_port); P_BLT=$(free_port); P_US=$(free_port); P_UST=$(free_port)
bench_slapd main "$P_SLAPD" "$P_SLAPDS"
SLAPD_PID="$SLAPD_PID_main"
"$REPO/scripts/slapd/start-backldap.sh" "$WORK/backldap-plain" "$P_BLP" "ldap://127.0.0.1:$P_SLAPD" plain >"$WORK/blp.env"
"$REPO/scripts/slapd/start-backldap.sh" "$WORK/backldap-tls" "$P_BLT" "ldap://127.0.0.1:$P_SLAPD" starttls >"$WORK/blt.env"
BLP_PID="$(sed -n 's/^BACKLDAP_PID=//p' "$WORK/blp.env")"
BLT_PID="$(sed -n 's/^BACKLDAP_PID=//p' "$WORK/blt.env")"
bench_proxy us-plain "ldap://127.0.0.1:$P_SLAPD" "$P_US" "${US_EXTRA:-{\}}"
US_PID="$PROXY_PID"
UST_EXTRA="$(python3 -c 'import json, sys
extra = json.loads(sys.argv[1])
extra.setdefault("directory", {}).setdefault("tls", {})["starttls"] = True
print(json.dumps(extra))' "${US_EXTRA:-{\}}")"
bench_proxy us-tls "ldap://127.0.0.1:$P_SLAPD" "$P_UST" "$UST_EXTRA"
UST_PID="$PROXY_PID"
mkdir -p "$WORK/results"

# run NAME URL USERS_FILE SERVER_PID CONCURRENCY [LOADGEN ARGS...]
run() {
    local name="$1" url="$2" users="$3" pid="$4" c="$5"
    shift 5
    if [[ "$users" == *gated.tsv ]]; then
        # Start at a step boundary so that the run (warm-up included) stays within one step.
        sleep "$(python3 -c 'import time; print(30 - time.time() % 30 + 0.2)')"
    fi
    local slapd_before proxy_before after_s after_p
    slapd_before=$(cpu_ticks "$SLAPD_PID")
    proxy_before=$(cpu_ticks "$pid")
    lg --url "$url" --users-file "$users" --concurrency "$c" --duration "$DURATION" --warmup "$WARMUP" "$@" \
        >"$WORK/results/$name-c$c.json"
    after_s=$(cpu_ticks "$SLAPD_PID")
    after_p=$(cpu_ticks "$pid")
    echo "{\"server_ticks\": $((after_p - proxy_before)), \"slapd_ticks\": $((after_s - slapd_before)), \"load\": \"$(load_average)\"}" \
        >"$WORK/results/$name-c$c.cpu"
    echo "   $name c=$c: $(jget "$WORK/results/$name-c$c.json" bindsPerSecond) binds/s" >&2
}

for c in $CONCURRENCIES; do
    echo "== concurrency $c" >&2
    run direct "ldap://127.0.0.1:$P_SLAPD" "$WORK/data/services.tsv" "$SLAPD_PID" "$c"
    run backldap-plain "ldap://127.0.0.1:$P_BLP" "$WORK/data/services.tsv" "$BLP_PID" "$c"
    run backldap-starttls "ldap://127.0.0.1:$P_BLT" "$WORK/data/services.tsv" "$BLT_PID" "$c"
    run us-exempt "ldap://127.0.0.1:$P_US" "$WORK/data/services.tsv" "$US_PID" "$c"
    run us-exempt-starttls "ldap://127.0.0.1:$P_UST" "$WORK/data/services.tsv" "$UST_PID" "$c"
    run us-gated "ldap://127.0.0.1:$P_US" "$WORK/data/gated.tsv" "$US_PID" "$c"
    run us-gated-starttls "ldap://127.0.0.1:$P_UST" "$WORK/data/gated.tsv" "$UST_PID" "$c"
done
echo "== unsaturated latency: $PACED_RATE binds/s at concurrency 8" >&2
run paced-direct "ldap://127.0.0.1:$P_SLAPD" "$WORK/data/services.tsv" "$SLAPD_PID" 8 --rate "$PACED_RATE"
run paced-us-exempt "ldap://127.0.0.1:$P_US" "$WORK/data/services.tsv" "$US_PID" 8 --rate "$PACED_RATE"
run paced-us-gated "ldap://127.0.0.1:$P_US" "$WORK/data/gated.tsv" "$US_PID" 8 --rate "$PACED_RATE"

python3 - "$WORK/results" "$CONCURRENCIES" <<'PY'
import json, os, sys
results, concurrencies = sys.argv[1], sys.argv[2].split()
tick_us = 1e6 / os.sysconf("SC_CLK_TCK")
def get(name, c):
    path = f"{results}/{name}-c{c}"
    if not os.path.exists(path + ".json"):
        return None
    r = json.load(open(path + ".json"))
    r.update(json.load(open(path + ".cpu")))
    binds = max(r["ok"] + r["failed"], 1)
    r["server_cpu_us"] = r["server_ticks"] * tick_us / binds
    r["slapd_cpu_us"] = r["slapd_ticks"] * tick_us / binds
    return r
names = ["direct", "backldap-plain", "backldap-starttls", "us-exempt", "us-exempt-starttls", "us-gated",
         "us-gated-starttls"]
print("| target | c | binds/s | failed | p50 ms | p99 ms | p99.9 ms | server CPU us/bind | slapd CPU us/bind | pool waits | load |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
rows = [(n, c) for c in concurrencies for n in names] + [(n, "8") for n in ("paced-direct", "paced-us-exempt", "paced-us-gated")]
for n, c in rows:
    r = get(n, c)
    if r is None:
        continue
    l = r["latencyMicroseconds"]
    print(f"| {n} | {c} | {r['bindsPerSecond']:.0f} | {r['failed']} | {l['p50']/1000:.2f} | {l['p99']/1000:.2f} | "
          f"{l['p999']/1000:.2f} | {r['server_cpu_us']:.0f} | {r['slapd_cpu_us']:.0f} | {r['userPoolWaits']} | {r['load']} |")
def ratio(label, a, b, target, higher=True):
    if a is None or b is None or b == 0:
        return
    value = a / b
    ok = value >= target if higher else value <= target
    print(f"- {label}: {value:.2f} (target {'>=' if higher else '<='} {target}) {'met' if ok else 'MISSED'}")
c = "64" if "64" in concurrencies else concurrencies[0]
d, blp, blt, ex, ext, g = (get(n, c) for n in ("direct", "backldap-plain", "backldap-starttls", "us-exempt",
                                                "us-exempt-starttls", "us-gated"))
print(f"\nRatios at concurrency {c}:")
bps = lambda r: r and r["bindsPerSecond"]
ratio("exempt through us / direct", bps(ex), bps(d), 0.7)
ratio("exempt through us / back-ldap plain", bps(ex), bps(blp), 4)
ratio("exempt through us, StartTLS upstream / back-ldap StartTLS", bps(ext), bps(blt), 30)
ratio("gated / exempt", bps(g), bps(ex), 0.9)
if d and ex:
    added = (ex["latencyMicroseconds"]["p99"] - d["latencyMicroseconds"]["p99"]) / 1000
    print(f"- p99 added at c={c} (saturated): {added:.2f} ms (target <= 1 ms) {'met' if added <= 1 else 'MISSED'}")
    ratio("proxy CPU per bind / slapd CPU per bind (direct)", ex["server_cpu_us"], d["server_cpu_us"], 0.5, higher=False)
pd, pe, pg = (get(n, "8") for n in ("paced-direct", "paced-us-exempt", "paced-us-gated"))
if pd and pe and pg:
    for label, r in (("exempt", pe), ("gated", pg)):
        added = (r["latencyMicroseconds"]["p99"] - pd["latencyMicroseconds"]["p99"]) / 1000
        print(f"- p99 added at a paced {r.get('targetRate', 0):.0f}/s, c=8, {label}: {added:.2f} ms (target <= 1 ms) "
              f"{'met' if added <= 1 else 'MISSED'}")
PY
echo "== done $(date -u +%FT%TZ), load average $(load_average)" >&2
