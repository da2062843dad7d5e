#!/usr/bin/env bash
# Idempotent set-up of what the tests and the development scripts need on Debian 12:
#   - Debian packages: slapd ldap-utils libsqlite3-dev python3-venv openssl freeradius freeradius-utils
#     (and the rest of PKGS below: zbar-tools is the real QR scanner of QRCodeTests), postgresql-15 among them: the tests start their own servers with
#     scripts/postgres/start.sh; the packaged cluster is not started (policy-rc.d blocks it)
#   - a Python venv at $REPO/.venv with ldap3, pytest and pyyaml (the deploy checks read YAML)
#   - a second venv at $REPO/.venv-privacyidea with privacyIDEA (a real MFA server for the tests)
#   - the system slapd service kept stopped (the project starts its own instances,
#     see scripts/slapd/start.sh)
# Quiet when everything is already there; prints what it does and fails loudly otherwise.
#
# Usage: scripts/install-deps.sh            (as root, or with sudo available)
# Env:   PYTHON=/path/to/python3            interpreter for the venv (default /usr/bin/python3)
#        VENV=/path/to/venv                 (default $REPO/.venv)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$REPO/.venv}"
VENV_PI="${VENV_PI:-$REPO/.venv-privacyidea}"
PKGS=(slapd ldap-utils libsqlite3-dev python3-venv openssl freeradius freeradius-utils samba samba-ad-dc winbind krb5-user libsasl2-modules-gssapi-mit gss-ntlmssp libkrb5-dev postgresql-15 zbar-tools)
PIP_PKGS=("ldap3==2.9.1" "pytest" "pyyaml")

die() {
    echo "install-deps: ERROR: $*" >&2
    exit 1
}

# Run a command quietly; on failure show its output and stop.
quiet() {
    local out
    out="$(mktemp)"
    if ! "$@" >"$out" 2>&1; then
        echo "install-deps: command failed: $*" >&2
        sed 's/^/    /' "$out" >&2
        rm -f "$out"
        exit 1
    fi
    rm -f "$out"
}

SUDO=()
if [[ "$(id -u)" != 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo -n)
    fi
fi
as_root() {
    if [[ "$(id -u)" != 0 && ${#SUDO[@]} -eq 0 ]]; then
        die "need root (or sudo) to run: $*"
    fi
    "${SUDO[@]}" "$@"
}

is_installed() {
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

# ---------------------------------------------------------------- Debian packages
command -v dpkg-query >/dev/null 2>&1 || die "not a Debian system (no dpkg-query)"

missing=()
for p in "${PKGS[@]}"; do
    is_installed "$p" || missing+=("$p")
done

if ((${#missing[@]} > 0)); then
    echo "install-deps: installing ${missing[*]}"
    # Never let the package's maintainer scripts start the system slapd: the project runs
    # its own instances on its own ports. The sentinel file is honoured by Debian's init
    # script; a temporary policy-rc.d covers invoke-rc.d when none is installed.
    as_root mkdir -p /etc/ldap
    as_root touch /etc/ldap/noslapd
    tmp_policy=""
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        tmp_policy=/usr/sbin/policy-rc.d
        printf '#!/bin/sh\n# temporary, from ldap-mfa-proxy scripts/install-deps.sh\nexit 101\n' |
            as_root tee "$tmp_policy" >/dev/null
        as_root chmod 755 "$tmp_policy"
        trap 'as_root rm -f "$tmp_policy"' EXIT
    fi
    if ! is_installed slapd; then
        # No default database: we never use the system instance.
        echo "slapd slapd/no_configuration boolean true" | quiet as_root debconf-set-selections
    fi
    quiet as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    quiet as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        -o DPkg::Lock::Timeout=600 "${PKGS[@]}"
    if [[ -n "$tmp_policy" ]]; then
        as_root rm -f "$tmp_policy"
        trap - EXIT
    fi
    for p in "${PKGS[@]}"; do
        is_installed "$p" || die "package $p is still not installed after apt-get install"
    done
fi

# ---------------------------------------------------------------- system slapd stays off
# Only the Debian service is touched (its pid file under /run/slapd); the project's own
# instances keep their pid files in their instance directories.
sys_pidfile=/run/slapd/slapd.pid
if [[ -s "$sys_pidfile" ]]; then
    pid="$(cat "$sys_pidfile" 2>/dev/null || true)"
    if [[ -n "$pid" && "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == slapd ]]; then
        echo "install-deps: stopping the system slapd service (pid $pid)"
        as_root service slapd stop >/dev/null 2>&1 || true
    fi
fi
if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
    if systemctl is-enabled slapd >/dev/null 2>&1 || systemctl is-active slapd >/dev/null 2>&1; then
        echo "install-deps: disabling the system slapd unit"
        as_root systemctl disable --now slapd >/dev/null 2>&1 || true
    fi
fi
if [[ -d /etc/ldap && ! -e /etc/ldap/noslapd ]]; then
    as_root touch /etc/ldap/noslapd 2>/dev/null || true
fi

# ---------------------------------------------------------------- Python venv
venv_ok() {
    [[ -x "$VENV/bin/python" ]] &&
        "$VENV/bin/python" -c 'import ldap3, pytest, yaml' >/dev/null 2>&1
}

if ! venv_ok; then
    PYTHON="${PYTHON:-}"
    if [[ -z "$PYTHON" ]]; then
        if [[ -x /usr/bin/python3 ]]; then PYTHON=/usr/bin/python3; else PYTHON="$(command -v python3 || true)"; fi
    fi
    [[ -n "$PYTHON" ]] || die "no python3 found"
    echo "install-deps: creating venv $VENV (ldap3, pytest, pyyaml)"
    if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
        rm -rf "$VENV"
        quiet "$PYTHON" -m venv "$VENV"
    fi
    quiet "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PIP_PKGS[@]}"
    venv_ok || die "venv $VENV still cannot import ldap3, pytest and yaml"
fi

# ---------------------------------------------------------------- system FreeRADIUS stays off
# The tests run their own FreeRADIUS (scripts/freeradius/start.sh) on their own ports.
if pgrep -x freeradius >/dev/null 2>&1 && [[ -s /run/freeradius/freeradius.pid ]]; then
    echo "install-deps: stopping the system freeradius service"
    as_root service freeradius stop >/dev/null 2>&1 || true
fi

# ---------------------------------------------------------------- privacyIDEA venv
pi_ok() {
    [[ -x "$VENV_PI/bin/pi-manage" ]] && "$VENV_PI/bin/python" -c 'import privacyidea' >/dev/null 2>&1
}
if ! pi_ok; then
    echo "install-deps: creating venv $VENV_PI (privacyidea; about a minute)"
    rm -rf "$VENV_PI"
    quiet "${PYTHON:-/usr/bin/python3}" -m venv "$VENV_PI"
    quiet "$VENV_PI/bin/python" -m pip install -q --disable-pip-version-check privacyidea
    pi_ok || die "venv $VENV_PI still cannot import privacyidea"
fi
