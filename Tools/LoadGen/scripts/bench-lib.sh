# Shared helpers of scripts/bench-*.sh (issue 8). Source it; it expects REPO and WORK to be set.
# Everything runs on 127.0.0.1 from the project's own scripts; every process started is stopped by bench_cleanup.

BIN="${BIN:-$REPO/.build/release/ldap-mfa-proxy}"
LOADGEN="${LOADGEN:-$REPO/Tools/LoadGen/.build/release/ldap-loadgen}"
CERTS="${CERTS:-$REPO/run/certs}"
BENCH_PIDS=()
BENCH_SLAPDS=()

bench_need_binaries() {
    if [[ ! -x "$BIN" ]]; then
        echo "bench: building the proxy (release, niced; about 9 min the first time)" >&2
        (cd "$REPO" && nice swift build -c release --static-swift-stdlib --product ldap-mfa-proxy) >&2
    fi
    if [[ ! -x "$LOADGEN" ]]; then
        echo "bench: building Tools/LoadGen (release, niced)" >&2
        (cd "$REPO/Tools/LoadGen" && nice swift build -c release) >&2
    fi
    "$REPO/certs/make-dev-certs.sh" "$CERTS" >/dev/null
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

wait_port() {
    for _ in $(seq 1 300); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "bench: nothing listens on port $1" >&2
    return 1
}

# bench_slapd NAME PORT LDAPS_PORT: a slapd with $WORK/data/bench-data.ldif; sets SLAPD_PID_<NAME>.
bench_slapd() {
    local name="$1" port="$2" ldaps="$3"
    SLAPD_DATA="$WORK/data/bench-data.ldif" SLAPD_CERT_DIR="$CERTS" \
        "$REPO/scripts/slapd/start.sh" "$WORK/$name" "$port" "$ldaps" >"$WORK/$name.env"
    BENCH_SLAPDS+=("$WORK/$name")
    printf -v "SLAPD_PID_$name" '%s' "$(sed -n 's/^SLAPD_PID=//p' "$WORK/$name.env")"
}

# bench_proxy NAME SERVERS PORT [EXTRA_JSON]: writes $WORK/NAME/proxy.yaml, enrols the gated users
# (one by the CLI, the rest by seed-store.py), starts the proxy; sets PROXY_PID.
bench_proxy() {
    local name="$1" servers="$2" port="$3" extra="${4:-{\}}"
    local dir="$WORK/$name"
    mkdir -p "$dir"
    echo "reader-password" >"$dir/bind_password"
    python3 - "$dir" "$servers" "$port" "$CERTS" "$extra" <<'PY'
import json, sys
d, servers, port, certs, extra = sys.argv[1:6]
config = {
    "listen": {"ldap": f"127.0.0.1:{port}", "max_connections": 20000,
               "tls": {"certificate": f"{certs}/server-chain.pem", "key": f"{certs}/server.key"}},
    "directory": {"servers": servers, "base_dn": "dc=example,dc=test",
                  "bind_type": {"queries": "simple", "authentications": "simple"},
                  "bind_dn": "cn=proxy-reader,ou=service,dc=example,dc=test",
                  "bind_password_file": f"{d}/bind_password", "attributes": {"username": ["uid"]},
                  "tls": {"ca_file": f"{certs}/ca.pem"}},
    "mfa": {"provider": "totp", "otp": {"delimiter": ","},
            "exempt": {"subtrees": ["ou=bench-services,dc=example,dc=test"]},
            # Every gated bind is the full path: no bind cache, and the username searched for every time.
            "bind_cache": {"ttl": "0s"}, "username_cache_ttl": "0s",
            # The load comes from one address and sends wrong codes on purpose: no lockouts.
            "lockout": {"max_failures": 0, "max_failures_per_address": 0}},
    "store": {"sqlite": f"{d}/store.sqlite", "encryption_key_file": f"{d}/store.key"},
    "log": {"level": "warning", "format": "json", "audit": f"{d}/audit.jsonl"},
}
def merge(base, more):
    for k, v in more.items():
        if isinstance(v, dict) and isinstance(base.get(k), dict):
            merge(base[k], v)
        else:
            base[k] = v
merge(config, json.loads(extra))
open(f"{d}/proxy.yaml", "w").write(json.dumps(config, indent=2) + "\n")
PY
    if [[ ! -s "$dir/store.sqlite" ]]; then
        local first
        first="$(head -1 "$WORK/data/gated.tsv")"
        (cd "$dir" && "$BIN" users enrol "$(echo "$first" | cut -f1 | sed 's/^uid=//; s/,.*//')" \
            --secret "$(echo "$first" | cut -f3)" --no-qr -c "$dir/proxy.yaml" >/dev/null)
        python3 "$REPO/Tools/LoadGen/scripts/seed-store.py" "$dir/store.sqlite" "$dir/store.key" \
            "$WORK/data/gated.tsv" >&2
    fi
    (cd "$dir" && exec setsid "$BIN" serve -c "$dir/proxy.yaml" </dev/null >>"$dir/proxy.log" 2>&1) &
    PROXY_PID=$!
    BENCH_PIDS+=("$PROXY_PID")
    wait_port "$port" || { tail -20 "$dir/proxy.log" >&2; return 1; }
}

bench_stop_pid() {
    local pid="$1"
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

bench_cleanup() {
    local pid dir
    for pid in "${BENCH_PIDS[@]}"; do bench_stop_pid "$pid"; done
    for dir in "${BENCH_SLAPDS[@]}"; do "$REPO/scripts/slapd/stop.sh" "$dir" >/dev/null 2>&1 || true; done
}

# CPU ticks (user + system, in 1/100 s) a process has used: fields 14 and 15 of /proc/PID/stat.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Resident set size in KiB.
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
load_average() { cut -d' ' -f1-3 /proc/loadavg; }

# lg ARGS...: the load generator with JSON output.
lg() { nice -n 0 "$LOADGEN" --json "$@"; }
# jget FILE KEY.PATH: a number out of a loadgen JSON report.
jget() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[k]
print(v)' "$1" "$2"; }
