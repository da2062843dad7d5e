#!/usr/bin/env bash
# Development/test PKI for ldap-mfa-proxy. NEVER use these files in production.
#
# Usage: certs/make-dev-certs.sh [OUTDIR]        (default: $REPO/run/certs)
#
# Makes, in OUTDIR (reusing what is there while it is valid for at least another day):
#   ca.pem / ca.key                 development CA ("ldap-mfa-proxy dev CA")
#   server.pem / server.key         server certificate signed by the dev CA, SAN:
#                                   IP 127.0.0.1, IP ::1, DNS localhost, DNS $(hostname)
#   server-chain.pem                server.pem followed by ca.pem
#   client.pem / client.key         client certificate (CN=ldap-mfa-proxy test client) signed by the dev CA
#   client-combined.pem             client.pem + client.key in one file (for tools that want one file)
#   wrong-ca.pem / wrong-ca.key     a second, unrelated CA, for "wrong CA" tests
#   wrong-server.pem / wrong-server.key   a server certificate with the same SAN, signed by the wrong CA
# Keys are mode 600. Safe to run concurrently (flock on OUTDIR/.lock).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$REPO/run/certs}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

CA_DAYS=3650
LEAF_DAYS=825
HOST="$(hostname 2>/dev/null || echo localhost)"

die() {
    echo "make-dev-certs: ERROR: $*" >&2
    exit 1
}
command -v openssl >/dev/null 2>&1 || die "openssl not found (run scripts/install-deps.sh)"

exec 9>"$OUT/.lock"
flock -w 120 9 || die "could not lock $OUT/.lock"

umask 077
TMPD="$(mktemp -d "$OUT/.tmp.XXXXXX")"
trap 'rm -rf "$TMPD"' EXIT

# openssl with output kept for errors only
ossl() {
    if ! openssl "$@" >"$TMPD/ossl.log" 2>&1; then
        echo "make-dev-certs: openssl $1 failed:" >&2
        sed 's/^/    /' "$TMPD/ossl.log" >&2
        exit 1
    fi
}

# cert_ok CERT KEY [CA]: exists, not expiring within a day, key matches, chains to CA.
cert_ok() {
    local cert="$1" key="$2" ca="${3:-}"
    [[ -s "$cert" && -s "$key" ]] || return 1
    openssl x509 -in "$cert" -noout -checkend 86400 >/dev/null 2>&1 || return 1
    local a b
    a="$(openssl x509 -in "$cert" -noout -pubkey 2>/dev/null | openssl sha256 2>/dev/null)" || return 1
    b="$(openssl pkey -in "$key" -pubout 2>/dev/null | openssl sha256 2>/dev/null)" || return 1
    [[ -n "$a" && "$a" == "$b" ]] || return 1
    if [[ -n "$ca" ]]; then
        openssl verify -CAfile "$ca" "$cert" >/dev/null 2>&1 || return 1
    fi
    return 0
}

# san_ok CERT: the SAN names this machine's current host name (it can change between machines).
san_ok() {
    openssl x509 -in "$1" -noout -ext subjectAltName 2>/dev/null | grep "DNS:${HOST}\(,\|\$\)" >/dev/null
}

make_ca() { # NAME CN
    local name="$1" cn="$2"
    ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$TMPD/$name.key"
    ossl req -x509 -new -key "$TMPD/$name.key" -sha256 -days "$CA_DAYS" \
        -subj "/O=ldap-mfa-proxy tests/OU=development only/CN=$cn" \
        -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -addext "subjectKeyIdentifier=hash" \
        -out "$TMPD/$name.pem"
    install -m 600 "$TMPD/$name.key" "$OUT/$name.key"
    install -m 644 "$TMPD/$name.pem" "$OUT/$name.pem"
}

make_leaf() { # NAME CA CN EKU SAN
    local name="$1" ca="$2" cn="$3" eku="$4" san="$5"
    ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$TMPD/$name.key"
    ossl req -new -key "$TMPD/$name.key" -subj "/O=ldap-mfa-proxy tests/OU=development only/CN=$cn" \
        -out "$TMPD/$name.csr"
    {
        echo "basicConstraints=critical,CA:FALSE"
        echo "keyUsage=critical,digitalSignature,keyEncipherment"
        echo "extendedKeyUsage=$eku"
        echo "subjectKeyIdentifier=hash"
        echo "authorityKeyIdentifier=keyid"
        if [[ -n "$san" ]]; then echo "subjectAltName=$san"; fi
    } >"$TMPD/$name.ext"
    ossl x509 -req -in "$TMPD/$name.csr" -CA "$OUT/$ca.pem" -CAkey "$OUT/$ca.key" \
        -CAcreateserial -CAserial "$TMPD/$ca.srl" -sha256 -days "$LEAF_DAYS" \
        -extfile "$TMPD/$name.ext" -out "$TMPD/$name.pem"
    install -m 600 "$TMPD/$name.key" "$OUT/$name.key"
    install -m 644 "$TMPD/$name.pem" "$OUT/$name.pem"
}

SAN="IP:127.0.0.1,IP:::1,DNS:localhost"
if [[ "$HOST" != localhost ]]; then SAN="$SAN,DNS:$HOST"; fi

changed=0
if ! cert_ok "$OUT/ca.pem" "$OUT/ca.key"; then
    make_ca ca "ldap-mfa-proxy dev CA (tests only)"
    changed=1
fi
if ((changed)) || ! cert_ok "$OUT/server.pem" "$OUT/server.key" "$OUT/ca.pem" || ! san_ok "$OUT/server.pem"; then
    make_leaf server ca "127.0.0.1" serverAuth "$SAN"
    changed=1
fi
if ((changed)) || ! cert_ok "$OUT/client.pem" "$OUT/client.key" "$OUT/ca.pem"; then
    make_leaf client ca "ldap-mfa-proxy test client" clientAuth ""
    changed=1
fi

wchanged=0
if ! cert_ok "$OUT/wrong-ca.pem" "$OUT/wrong-ca.key"; then
    make_ca wrong-ca "ldap-mfa-proxy WRONG CA (unrelated, tests only)"
    wchanged=1
fi
if ((wchanged)) || ! cert_ok "$OUT/wrong-server.pem" "$OUT/wrong-server.key" "$OUT/wrong-ca.pem" ||
    ! san_ok "$OUT/wrong-server.pem"; then
    make_leaf wrong-server wrong-ca "127.0.0.1" serverAuth "$SAN"
fi

# Derived files, always rewritten (cheap, keeps them consistent with the parts).
cat "$OUT/server.pem" "$OUT/ca.pem" >"$TMPD/server-chain.pem"
install -m 644 "$TMPD/server-chain.pem" "$OUT/server-chain.pem"
cat "$OUT/client.pem" "$OUT/client.key" >"$TMPD/client-combined.pem"
install -m 600 "$TMPD/client-combined.pem" "$OUT/client-combined.pem"
chmod 600 "$OUT"/*.key
