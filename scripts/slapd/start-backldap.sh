#!/usr/bin/env bash
# Starts a slapd whose only database is back-ldap, a proxy in front of another LDAP server: the
# peer the benchmarks of issue 8 compare the proxy against (scripts/bench-compare.sh).
#
# Usage: scripts/slapd/start-backldap.sh INSTANCE_DIR PORT UPSTREAM_URL [plain|starttls]
#   UPSTREAM_URL  e.g. ldap://127.0.0.1:3389 (a slapd from start.sh)
#   starttls      back-ldap speaks StartTLS to the upstream (verifying it with SLAPD_CA_FILE)
# Env: SLAPD_CA_FILE (default $REPO/run/certs/ca.pem), BACKLDAP_SINGLE_CONN (default yes: without
#   it back-ldap keeps a connection per client connection and bind DN, and runs out of ports under
#   a rotating-user load, result 52).
# Stop with scripts/slapd/stop.sh INSTANCE_DIR. Prints KEY=VALUE lines like start.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
DIR="${1:?usage: start-backldap.sh DIR PORT UPSTREAM_URL [plain|starttls]}"
PORT="${2:?port}"
UPSTREAM="${3:?upstream url}"
MODE="${4:-plain}"
CA="${SLAPD_CA_FILE:-$REPO/run/certs/ca.pem}"
SINGLE="${BACKLDAP_SINGLE_CONN:-yes}"
export PATH="$PATH:/usr/sbin:/sbin"
MARKER=".ldap-mfa-proxy-slapd"

mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
"$HERE/stop.sh" "$DIR" >/dev/null
if [[ -n "$(ls -A "$DIR")" ]]; then
    [[ -f "$DIR/$MARKER" ]] || { echo "start-backldap: $DIR is not ours; refusing to wipe it" >&2; exit 1; }
    find "$DIR" -mindepth 1 -delete
fi
touch "$DIR/$MARKER"
mkdir -p "$DIR/slapd.d"
case "$MODE" in
plain) STARTTLS="olcDbStartTLS: none" ;;
starttls) STARTTLS="olcDbStartTLS: start tls_cacert=$CA tls_reqcert=demand" ;;
*) echo "start-backldap: mode must be plain or starttls" >&2; exit 1 ;;
esac
SINGLE_LINE=""
[[ "$SINGLE" == yes ]] && SINGLE_LINE="olcDbSingleConn: TRUE"
cat >"$DIR/config.ldif" <<LDIF
dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: $DIR/slapd.pid
olcLogLevel: none
olcIdleTimeout: 0

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: {0}back_ldap

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif

include: file:///etc/ldap/schema/cosine.ldif

include: file:///etc/ldap/schema/inetorgperson.ldif

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend

dn: olcDatabase={1}ldap,cn=config
objectClass: olcDatabaseConfig
objectClass: olcLDAPConfig
olcDatabase: {1}ldap
olcSuffix: dc=example,dc=test
olcDbURI: $UPSTREAM
$STARTTLS
$SINGLE_LINE
olcAccess: {0}to * by * read
LDIF
out="$(slapadd -n0 -F "$DIR/slapd.d" -l "$DIR/config.ldif" 2>&1)" || {
    echo "start-backldap: slapadd failed:"$'\n'"$out" >&2
    exit 1
}
setsid slapd -d 0 -F "$DIR/slapd.d" -h "ldap://127.0.0.1:$PORT/" </dev/null >>"$DIR/slapd.log" 2>&1 &
bgpid=$!
for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
    kill -0 "$bgpid" 2>/dev/null || { tail -20 "$DIR/slapd.log" >&2; exit 1; }
    sleep 0.05
done
[[ -s "$DIR/slapd.pid" ]] || echo "$bgpid" >"$DIR/slapd.pid"
echo "BACKLDAP_URL=ldap://127.0.0.1:$PORT"
echo "BACKLDAP_PID=$(cat "$DIR/slapd.pid")"
echo "BACKLDAP_DIR=$DIR"
