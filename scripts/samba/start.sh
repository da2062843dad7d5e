#!/usr/bin/env bash
# Starts an OWN Samba Active Directory domain controller for tests and development (never the
# system one): realm EXAMPLE.TEST, NetBIOS domain EXAMPLE, 127.0.0.1 only.
#
# Usage: scripts/samba/start.sh [INSTANCE_DIR]     (default $SAMBA_DIR or $REPO/run/samba)
# Env:
#   SAMBA_KDC_PORT      KDC port (TCP and UDP), default 88
#   SAMBA_KPASSWD_PORT  kpasswd port, default 464
#   SAMBA_STRONG_AUTH   "ldap server require strong auth": allow_sasl_over_tls (default; like
#                       Active Directory), yes (Samba's default: no SASL bind works over TLS at
#                       all) or no
#   SAMBA_LOGLEVEL      Samba debug level (default 1), log in INSTANCE_DIR/samba.log
#   SAMBA_CERT_DIR      dev PKI from certs/make-dev-certs.sh (default $REPO/run/certs)
#   SAMBA_TEMPLATE_DIR  cache of the provisioned domain (default $REPO/run/samba-template)
#
# LDAP listens on 389, LDAPS on 636 and the global catalog on 3268/3269: Samba 4.17 has no
# option to move them, so those ports must be free on 127.0.0.1 (and ::1). Only one instance
# can run at a time; start.sh stops the one in INSTANCE_DIR first and refuses to start when
# another process holds a port.
#
# Provisioning takes about 10 s, so the provisioned and populated domain is cached in
# SAMBA_TEMPLATE_DIR (rebuilt when this script or smb.conf.in change) and copied for each start;
# a start then takes 1-2 s. On success prints KEY=VALUE lines (also in INSTANCE_DIR/env) and
# exits 0 with samba running in the background; stop it with stop.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"

DIR="${1:-${SAMBA_DIR:-$REPO/run/samba}}"
KDC_PORT="${SAMBA_KDC_PORT:-88}"
KPASSWD_PORT="${SAMBA_KPASSWD_PORT:-464}"
STRONG_AUTH="${SAMBA_STRONG_AUTH:-allow_sasl_over_tls}"
LOGLEVEL="${SAMBA_LOGLEVEL:-1}"
CERT_DIR="${SAMBA_CERT_DIR:-$REPO/run/certs}"
TEMPLATE="${SAMBA_TEMPLATE_DIR:-$REPO/run/samba-template}"

MARKER=".ldap-mfa-proxy-samba"
REALM="EXAMPLE.TEST"
DOMAIN="EXAMPLE"
BASE_DN="DC=example,DC=test"
ADMIN_PASSWORD="Admin-Passw0rd"
# Test-only accounts (all passwords are test-only).
ALICE_PASSWORD="Alice-Passw0rd"
BOB_PASSWORD="Bob-Passw0rd"
CAROL_PASSWORD="Carol-Passw0rd"
DAVE_PASSWORD="Dave-Passw0rd"
SERVICE_PASSWORD="Service-Passw0rd"

die() {
    echo "samba/start: ERROR: $*" >&2
    exit 1
}

export PATH="$PATH:/usr/sbin:/sbin"
for t in samba samba-tool ldapsearch; do
    command -v "$t" >/dev/null 2>&1 || die "$t not found (run scripts/install-deps.sh)"
done
[[ "$KDC_PORT" =~ ^[0-9]+$ && "$KPASSWD_PORT" =~ ^[0-9]+$ ]] || die "ports must be numbers"
case "$STRONG_AUTH" in
yes | no | allow_sasl_over_tls) ;;
*) die "SAMBA_STRONG_AUTH must be yes, no or allow_sasl_over_tls" ;;
esac

mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
case "$DIR" in
/ | "$REPO" | "$HOME") die "refusing to use $DIR as an instance directory" ;;
esac

# fill TEMPLATE_FILE OUT: replaces @VARS@ in one of the templates next to this script.
fill() {
    sed -e "s|@DIR@|$3|g" -e "s|@CERT_DIR@|$CERT_DIR|g" -e "s|@KDC_PORT@|$KDC_PORT|g" \
        -e "s|@KPASSWD_PORT@|$KPASSWD_PORT|g" -e "s|@STRONG_AUTH@|$STRONG_AUTH|g" \
        -e "s|@LOGLEVEL@|$LOGLEVEL|g" "$HERE/$1" >"$2"
}

# ------------------------------------------------------------- the cached, provisioned domain
template_key() {
    cat "$HERE/start.sh" "$HERE/smb.conf.in" | sha256sum | cut -d' ' -f1
}

build_template() { # into a fresh directory, then renamed into place
    local build="$1" log="$1.log" conf
    echo "samba/start: provisioning the test domain into $TEMPLATE (about 10 s, once)" >&2
    if ! samba-tool domain provision --realm="$REALM" --domain="$DOMAIN" --server-role=dc \
        --dns-backend=NONE --adminpass="$ADMIN_PASSWORD" --targetdir="$build" --host-name=dc1 \
        --host-ip=127.0.0.1 --option="interfaces=lo" --option="bind interfaces only=yes" \
        --use-rfc2307 >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        die "samba-tool domain provision failed (log: $log)"
    fi
    conf="$build/etc/smb.conf"
    fill smb.conf.in "$conf" "$build"
    st() {
        if ! samba-tool "$@" -s "$conf" >>"$log" 2>&1; then
            tail -n 20 "$log" >&2
            die "samba-tool $1 $2 failed (log: $log)"
        fi
    }
    # Passwords never expire (the template may be weeks old) and need no complexity.
    st domain passwordsettings set --complexity=off --max-pwd-age=0 --min-pwd-age=0 --history-length=0
    st ou add "OU=service"
    st user create alice "$ALICE_PASSWORD" --use-username-as-cn --given-name=Alice --surname=Liddell \
        --mail-address=alice@example.test --telephone-number=+15550100001
    st user create bob "$BOB_PASSWORD" --use-username-as-cn --given-name=Bob --surname=Smith \
        --mail-address=bob@example.test
    st user create carol "$CAROL_PASSWORD" --use-username-as-cn --given-name=Carol --surname=Jones \
        --mail-address=carol@example.test
    st user create dave "$DAVE_PASSWORD" --use-username-as-cn --given-name=Dave --surname=Disabled
    st user disable dave
    st user create svc-proxy "$SERVICE_PASSWORD" --use-username-as-cn --userou=OU=service \
        --description="ldap-mfa-proxy query account"
    # Nesting: vpn-users (security group) contains the group engineering, which contains alice;
    # bob is a direct member. mfa-exempt contains carol.
    st group add engineering --group-scope=Global --group-type=Security
    st group add vpn-users --group-scope=Global --group-type=Security
    st group add mfa-exempt --group-scope=Global --group-type=Security
    st group addmembers engineering alice
    st group addmembers vpn-users engineering,bob
    st group addmembers mfa-exempt carol
    # Kerberos to "ldap@127.0.0.1" (what a client connecting to the IP asks for).
    st spn add ldap/127.0.0.1 'DC1$'
    # A client keytab for the service account (the proxy's query identity without a password).
    st domain exportkeytab "$build/svc-proxy.keytab" --principal="svc-proxy@$REALM"
    rm -f "$conf"
}

mkdir -p "$(dirname "$TEMPLATE")"
exec 8>"$TEMPLATE.lock"
flock -w 300 8 || die "could not lock $TEMPLATE.lock"
KEY="$(template_key)"
if [[ ! -f "$TEMPLATE/$MARKER" || "$(cat "$TEMPLATE/.key" 2>/dev/null || true)" != "$KEY" ]]; then
    build="$(mktemp -d "$TEMPLATE.build.XXXXXX")"
    build_template "$build"
    touch "$build/$MARKER"
    echo "$KEY" >"$build/.key"
    rm -rf "$TEMPLATE" "$build.log"
    mv "$build" "$TEMPLATE"
fi

# ------------------------------------------------------------- stop a running instance
"$HERE/stop.sh" "$DIR" >/dev/null

"$REPO/certs/make-dev-certs.sh" "$CERT_DIR"

# Wipe only a directory we made (marker file) or an empty one, then copy the template.
if [[ -n "$(ls -A "$DIR")" ]]; then
    [[ -f "$DIR/$MARKER" ]] ||
        die "$DIR is not empty and was not made by this script (no $MARKER); refusing to wipe it"
    find "$DIR" -mindepth 1 -delete
fi
cp -a "$TEMPLATE/." "$DIR/"
flock -u 8
exec 8>&-
mkdir -p "$DIR/etc" "$DIR/lock" "$DIR/cache"
fill smb.conf.in "$DIR/etc/smb.conf" "$DIR"
fill krb5.conf.in "$DIR/krb5.conf" "$DIR"

# ------------------------------------------------------------- start
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in 389 636 3268 3269 "$KDC_PORT" "$KPASSWD_PORT"; do
    port_busy "$port" && die "port $port on 127.0.0.1 is already in use (another Samba or LDAP server?)"
done

# -i: foreground, log to stdout -> samba.log; -M single: one process for all services.
# setsid: its own session, so it outlives the caller's process group.
setsid samba -i -M single -s "$DIR/etc/smb.conf" </dev/null >>"$DIR/samba.log" 2>&1 &
pid=$!
echo "$pid" >"$DIR/samba.pid"

export LDAPTLS_CACERT="$CERT_DIR/ca.pem" LDAPTLS_REQCERT=demand
ready=0
for _ in $(seq 1 300); do
    if ldapsearch -x -H "ldaps://127.0.0.1:636" -b '' -s base -LLL dnsHostName >/dev/null 2>&1 &&
        port_busy "$KDC_PORT"; then
        ready=1
        break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
if ((!ready)); then
    "$HERE/stop.sh" "$DIR" >/dev/null 2>&1 || true
    echo "samba/start: samba did not come up in 30 s; last lines of $DIR/samba.log:" >&2
    tail -n 30 "$DIR/samba.log" >&2 || true
    exit 1
fi

cat >"$DIR/env" <<EOF
SAMBA_LDAP_URL=ldap://127.0.0.1:389
SAMBA_LDAPS_URL=ldaps://127.0.0.1:636
SAMBA_REALM=$REALM
SAMBA_DOMAIN=$DOMAIN
SAMBA_BASE_DN=$BASE_DN
SAMBA_KDC=127.0.0.1:$KDC_PORT
SAMBA_KRB5_CONFIG=$DIR/krb5.conf
SAMBA_CA_FILE=$CERT_DIR/ca.pem
SAMBA_ADMIN_DN=CN=Administrator,CN=Users,$BASE_DN
SAMBA_ADMIN_PASSWORD=$ADMIN_PASSWORD
SAMBA_ALICE_PASSWORD=$ALICE_PASSWORD
SAMBA_BOB_PASSWORD=$BOB_PASSWORD
SAMBA_CAROL_PASSWORD=$CAROL_PASSWORD
SAMBA_DAVE_PASSWORD=$DAVE_PASSWORD
SAMBA_SERVICE_DN=CN=svc-proxy,OU=service,$BASE_DN
SAMBA_SERVICE_PASSWORD=$SERVICE_PASSWORD
SAMBA_SERVICE_PRINCIPAL=svc-proxy@$REALM
SAMBA_SERVICE_KEYTAB=$DIR/svc-proxy.keytab
SAMBA_DIR=$DIR
SAMBA_PID=$pid
EOF
cat "$DIR/env"
