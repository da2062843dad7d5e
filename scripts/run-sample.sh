#!/usr/bin/env bash
# Runs ldap-mfa-proxy on the embedded default (SQLite store) in front of a local sample slapd.
# Installs what is missing (slapd, ldap-utils, a Python venv), builds, starts the sample
# directory, enrols alice for TOTP and runs the proxy in the foreground until Ctrl-C.
#
# Usage: scripts/run-sample.sh
# Ports: proxy 127.0.0.1:3890 (LDAP + StartTLS) and 127.0.0.1:6360 (LDAPS);
#        sample slapd 127.0.0.1:3389 / 3636. Everything lives under run/sample.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
RUN="$REPO/run/sample"

scripts/install-deps.sh
echo "building (the first build takes several minutes)..."
swift build --product ldap-mfa-proxy 2>&1 | tail -n 1
BIN="$(swift build --show-bin-path)/ldap-mfa-proxy"

certs/make-dev-certs.sh "$REPO/run/certs" >/dev/null
KEEP="${KEEP:-}" scripts/slapd/start.sh "$RUN/slapd" 3389 3636 >/dev/null
trap 'scripts/slapd/stop.sh "$RUN/slapd" >/dev/null 2>&1 || true' EXIT

mkdir -p "$RUN"
printf 'reader-password\n' >"$RUN/bind_password"
chmod 600 "$RUN/bind_password"
cat >"$RUN/proxy.yaml" <<YAML
# Written by scripts/run-sample.sh: the sample directory behind the proxy. See Config/README.md.
listen:
  ldap: "127.0.0.1:3890"
  ldaps: "127.0.0.1:6360"
  tls:
    certificate: ../certs/server-chain.pem
    key: ../certs/server.key
directory:
  servers: "ldap://127.0.0.1:3389"
  base_dn: "dc=example,dc=test"
  bind_type:
    queries: simple
    authentications: simple
  bind_dn: "cn=proxy-reader,ou=service,dc=example,dc=test"
  bind_password_file: bind_password
  attributes:
    username: [uid]
    # slapd has no objectGUID: entryUUID identifies users for the synchronisation.
    unique_identifier: entryUUID
    unique_identifier_type: string
  filters:
    # The default user filter is Active Directory's (objectCategory=person, objectClass=user).
    user: "(objectClass=inetOrgPerson)"
mfa:
  provider: totp
  otp:
    delimiter: ","
store:
  sqlite: store.sqlite
  encryption_key_file: store.key
sync:
  # Every user below ou=people is kept in the store (see \`users list\`, \`sync status\`).
  enabled: true
  interval: 15m
  items:
    - container: "ou=people,dc=example,dc=test"
YAML

"$BIN" check-config -c "$RUN/proxy.yaml" >/dev/null
if [ ! -s "$RUN/alice.secret" ] || ! "$BIN" users list -c "$RUN/proxy.yaml" | grep $'^alice\ttotp' >/dev/null; then
    python3 -c 'import base64, os; print(base64.b32encode(os.urandom(20)).decode())' >"$RUN/alice.secret"
    chmod 600 "$RUN/alice.secret"
    "$BIN" users enrol alice --secret "$(cat "$RUN/alice.secret")" -c "$RUN/proxy.yaml"
fi

cat <<TEXT

ldap-mfa-proxy is starting on ldap://127.0.0.1:3890 (StartTLS) and ldaps://127.0.0.1:6360,
in front of the sample slapd on ldap://127.0.0.1:3389. alice is enrolled for TOTP
(add the secret in $RUN/alice.secret to an authenticator app, or use the QR code above).

Try it in another terminal (the code is appended to the password after a comma):
  ldapwhoami -x -H ldap://127.0.0.1:3890 -D uid=alice,ou=people,dc=example,dc=test \\
    -w "alice-password,\$(scripts/totp-code.py \$(cat $RUN/alice.secret))"
A code works once: wait for the next 30-second step before binding again.
The directory is synchronised into the store at start and every 15 minutes:
  $BIN users list -c $RUN/proxy.yaml      and      $BIN sync status -c $RUN/proxy.yaml
Over StartTLS add -ZZ and LDAPTLS_CACERT=run/certs/ca.pem. Ctrl-C stops the proxy and slapd.

TEXT
"$BIN" serve -c "$RUN/proxy.yaml"
