#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 server for tests and development (never the system cluster):
# the user store shared by proxy replicas (store.postgres).
#
# Usage: scripts/postgres/start.sh [INSTANCE_DIR] [PORT]
#   INSTANCE_DIR  default $PG_DIR or $REPO/run/postgres; wiped and recreated
#   PORT          default $PG_PORT, or a free port when neither is given (or 0)
# Env:
#   PG_USER       the role the proxy uses, a superuser of this cluster only (default mfa)
#   PG_DATABASE   the database (default mfa)
#   PG_PASSWORD   its password (default: a fresh random one)
#   PG_BIN        where initdb and pg_ctl are (default /usr/lib/postgresql/15/bin)
#   PG_TLS_CERT, PG_TLS_KEY  PEM certificate (chain) and key: when both are set, the server also offers
#                 TLS (ssl=on), so that clients can use sslmode=require/verify-ca/verify-full
#
# Listens on 127.0.0.1 only, with scram-sha-256 password authentication over TCP (a Unix socket in the
# instance stays for the scripts). PostgreSQL refuses to run as root: as root, the server runs as the
# `postgres` user (runuser), which owns the data folder; when INSTANCE_DIR is not reachable for that user
# (a private temporary folder), the data lives in /tmp/ldap-mfa-proxy-pg.* instead, which stop.sh removes.
# On success prints KEY=VALUE lines (also in INSTANCE_DIR/env): PG_URL (no password), PG_PASSWORD_FILE
# (mode 0600), PG_PORT, PG_DIR, and exits 0 with the server running; stop with stop.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
DIR="${1:-${PG_DIR:-$REPO/run/postgres}}"
PORT="${2:-${PG_PORT:-0}}"
PGUSER_NAME="${PG_USER:-mfa}"
DATABASE="${PG_DATABASE:-mfa}"
BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

die() {
    echo "postgres/start: ERROR: $*" >&2
    exit 1
}

[[ -x "$BIN/initdb" && -x "$BIN/pg_ctl" ]] ||
    die "$BIN/initdb or pg_ctl not found (install Debian's postgresql-15: scripts/install-deps.sh)"
[[ "$PORT" =~ ^[0-9]+$ ]] || die "PORT must be a number"
[[ "$PGUSER_NAME" =~ ^[a-z_][a-z0-9_]*$ && "$DATABASE" =~ ^[a-z_][a-z0-9_]*$ ]] ||
    die "PG_USER and PG_DATABASE must be simple lower-case names"
if [[ "$PORT" == 0 ]]; then
    PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
fi

mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
case "$DIR" in
/ | "$REPO" | "${HOME:-/root}") die "refusing to use $DIR as an instance directory" ;;
esac
"$HERE/stop.sh" "$DIR" >/dev/null 2>&1 || true
find "$DIR" -mindepth 1 -delete

# Who runs the server, and where its files live.
AS=()
ROOT="$DIR"
if [[ "$(id -u)" == 0 ]]; then
    id postgres >/dev/null 2>&1 || die "no 'postgres' user (install Debian's postgresql-15)"
    AS=(runuser -u postgres --)
    if ! runuser -u postgres -- test -x "$DIR"; then
        ROOT="$(mktemp -d /tmp/ldap-mfa-proxy-pg.XXXXXX)"
        echo "$ROOT" >"$DIR/pgroot"
    fi
    chown postgres: "$ROOT"
fi
DATA="$ROOT/data"
SOCKET="$ROOT/socket"
"${AS[@]}" mkdir -p "$SOCKET"

TLS_OPTIONS=""
if [[ -n "${PG_TLS_CERT:-}" || -n "${PG_TLS_KEY:-}" ]]; then
    [[ -r "${PG_TLS_CERT:-}" && -r "${PG_TLS_KEY:-}" ]] || die "PG_TLS_CERT and PG_TLS_KEY must both name readable files"
    # PostgreSQL wants the key owned by its user and private.
    install -m 0644 "$PG_TLS_CERT" "$ROOT/server.crt"
    install -m 0600 "$PG_TLS_KEY" "$ROOT/server.key"
    if [[ ${#AS[@]} -gt 0 ]]; then chown postgres: "$ROOT/server.crt" "$ROOT/server.key"; fi
    TLS_OPTIONS="-c ssl=on -c ssl_cert_file=$ROOT/server.crt -c ssl_key_file=$ROOT/server.key"
fi

PASSWORD="${PG_PASSWORD:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')}"
(umask 077 && printf '%s' "$PASSWORD" >"$DIR/password")
PWFILE="$ROOT/initdb-password"
(umask 077 && printf '%s\n' "$PASSWORD" | "${AS[@]}" tee "$PWFILE" >/dev/null)

if ! "${AS[@]}" "$BIN/initdb" -D "$DATA" -U "$PGUSER_NAME" --pwfile="$PWFILE" --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1; then
    rm -f "$PWFILE"
    die "initdb failed; see $DIR/initdb.log"
fi
rm -f "$PWFILE"

if ! "${AS[@]}" "$BIN/pg_ctl" -D "$DATA" -l "$ROOT/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories=$SOCKET -c fsync=off $TLS_OPTIONS" \
    start >"$DIR/pg_ctl.log" 2>&1; then
    cp "$ROOT/server.log" "$DIR/server.log" 2>/dev/null || true
    die "the server did not start on 127.0.0.1:$PORT; see $DIR/pg_ctl.log and $DIR/server.log"
fi
if [[ "$DATABASE" != postgres ]]; then
    "${AS[@]}" "$BIN/createdb" -h "$SOCKET" -p "$PORT" -U "$PGUSER_NAME" "$DATABASE" ||
        die "cannot create the database $DATABASE"
fi

URL="postgres://$PGUSER_NAME@127.0.0.1:$PORT/$DATABASE?sslmode=disable"
{
    echo "PG_URL=$URL"
    echo "PG_PASSWORD_FILE=$DIR/password"
    echo "PG_PORT=$PORT"
    echo "PG_DIR=$DIR"
    echo "PG_DATA=$DATA"
    echo "PG_SOCKET=$SOCKET"
} | tee "$DIR/env"
