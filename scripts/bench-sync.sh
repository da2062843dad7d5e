#!/usr/bin/env bash
# Benchmark of issue 6: a full directory synchronisation of USERS users (default 100000) from an OWN slapd
# (scripts/slapd/start.sh with the sample directory plus generated users), timed, with the peak memory
# (maximum resident set size) of the ldap-mfa-proxy process. Three runs of `sync now` against one store:
#   1. empty store: every user is added;
#   2. nothing changed: every user is compared and left alone;
#   3. after a change to every 100th user's mail: those are updated.
#
# Usage: scripts/bench-sync.sh [USERS]
# Env:   BIN   the binary (default .build/release/ldap-mfa-proxy; build it with: swift build -c release)
#        PAGE  directory.query_size_limit, the page size (default 1000)
# Results are printed as one line per run; the instance is removed at the end.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
USERS="${1:-100000}"
BIN="${BIN:-$REPO/.build/release/ldap-mfa-proxy}"
PAGE="${PAGE:-1000}"
[[ -x "$BIN" ]] || { echo "bench-sync: no binary at $BIN (swift build -c release)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "bench-sync: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }

WORK="$(mktemp -d /tmp/bench-sync.XXXXXX)"
cleanup() {
    "$REPO/scripts/slapd/stop.sh" "$WORK/slapd" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "== generating $USERS users" >&2
{
    cat "$REPO/scripts/slapd/sample-data.ldif"
    awk -v n="$USERS" 'BEGIN {
        for (i = 1; i <= n; i++) {
            printf "dn: uid=bench%06d,ou=people,dc=example,dc=test\n", i
            printf "objectClass: inetOrgPerson\nuid: bench%06d\ncn: Bench User %d\nsn: User%d\n", i, i, i
            printf "givenName: Bench\nmail: bench%06d@example.test\ndescription: generated for bench-sync\n", i
            printf "telephoneNumber: +1 555 %07d x%d\nmobile: +1 555 9%06d\n\n", i, i % 1000, i
        }
    }'
} >"$WORK/data.ldif"

echo "== starting slapd (slapadd of $((USERS + 204)) users)" >&2
SLAPD_DATA="$WORK/data.ldif" "$REPO/scripts/slapd/start.sh" "$WORK/slapd" "$(free_port)" "$(free_port)" >"$WORK/env"
# shellcheck disable=SC1091
source "$WORK/env"
# The query account may page through everything (Active Directory: MaxPageSize per page, no total limit).
ldapmodify -Q -Y EXTERNAL -H "$SLAPD_LDAPI_URL" >/dev/null <<EOF
dn: olcDatabase={1}mdb,cn=config
changetype: modify
add: olcLimits
olcLimits: dn.exact="cn=proxy-reader,ou=service,dc=example,dc=test" size.soft=unlimited size.hard=unlimited size.prtotal=unlimited
EOF

echo reader-password >"$WORK/reader.password"
cat >"$WORK/bench.yaml" <<EOF
directory:
  servers: "$SLAPD_LDAP_URL"
  base_dn: "dc=example,dc=test"
  bind_type: {queries: simple, authentications: simple}
  bind_dn: "cn=proxy-reader,ou=service,dc=example,dc=test"
  bind_password_file: reader.password
  query_size_limit: $PAGE
  attributes:
    username: [uid]
    unique_identifier: entryUUID
    unique_identifier_type: String
    distinguished_name: entryDN
  filters:
    container: (objectClass=organizationalUnit)
    security_group: (objectClass=groupOfNames)
    user: (objectClass=inetOrgPerson)
store:
  sqlite: users.sqlite
  encryption_key_file: users.key
sync:
  items:
    - group: cn=vpn-users,ou=groups,dc=example,dc=test
    - container: ou=people,dc=example,dc=test
EOF

run() { # run NAME: one `sync now`, one result line
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$BIN" sync now --config "$WORK/bench.yaml" --json \
        >"$WORK/out.json" 2>"$WORK/err" || { cat "$WORK/err" "$WORK/out.json" >&2; exit 1; }
    read -r seconds kilobytes <"$WORK/time"
    counts="$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(" ".join(f"{k}={r[k]}" for k in ("added","updated","unchanged","disabled","removed")))' "$WORK/out.json")"
    printf '%-10s %6.2f s  %6.1f MiB peak RSS  %s\n' "$1" "$seconds" "$(echo "$kilobytes / 1024" | bc -l)" "$counts"
}

echo "== synchronising ($USERS + 204 users, page size $PAGE)" >&2
run "initial"
run "unchanged"
python3 - "$USERS" >"$WORK/change.ldif" <<'EOF'
import sys
for i in range(100, int(sys.argv[1]) + 1, 100):
    print(f"dn: uid=bench{i:06d},ou=people,dc=example,dc=test\nchangetype: modify\nreplace: mail\nmail: changed{i}@example.test\n")
EOF
ldapmodify -Q -Y EXTERNAL -H "$SLAPD_LDAPI_URL" -f "$WORK/change.ldif" >/dev/null
run "1% changed"
