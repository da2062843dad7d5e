#!/usr/bin/env bash
# Writes the benchmark directory (issue 8): the sample data plus many users, and the user lists
# of Tools/LoadGen (DN<TAB>PASSWORD[<TAB>BASE32-TOTP-SECRET] lines).
#
# Usage: scripts/slapd/gen-bench-data.sh OUTDIR [GATED_USERS] [SERVICE_ACCOUNTS]
#   OUTDIR/bench-data.ldif   sample-data.ldif + uid=benchNNNNNN,ou=people (GATED_USERS, default 20000)
#                            + uid=svcNNNNNN,ou=bench-services (SERVICE_ACCOUNTS, default 2000)
#   OUTDIR/gated.tsv         the people users with a fresh random TOTP secret each
#   OUTDIR/services.tsv      the service accounts (no secret; the proxy config exempts their subtree)
# Passwords are test-only {SSHA} (SHA-1 + 8-byte salt, as slappasswd makes them), hashed in Python
# because slappasswd per user is slow. Load with SLAPD_DATA=OUTDIR/bench-data.ldif scripts/slapd/start.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${1:?usage: gen-bench-data.sh OUTDIR [GATED_USERS] [SERVICE_ACCOUNTS]}"
GATED="${2:-20000}"
SERVICES="${3:-2000}"
mkdir -p "$OUT"

python3 - "$HERE/sample-data.ldif" "$OUT" "$GATED" "$SERVICES" <<'PY'
import base64, hashlib, os, sys
sample, out, gated, services = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
BASE = "dc=example,dc=test"

def ssha(password: str) -> str:
    salt = os.urandom(8)
    return "{SSHA}" + base64.b64encode(hashlib.sha1(password.encode() + salt).digest() + salt).decode()

def person(uid: str, ou: str, password: str) -> str:
    return (f"dn: uid={uid},ou={ou},{BASE}\nobjectClass: top\nobjectClass: person\n"
            f"objectClass: organizationalPerson\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {uid}\n"
            f"sn: {uid}\nuserPassword: {ssha(password)}\n\n")

with open(f"{out}/bench-data.ldif", "w") as ldif, open(f"{out}/gated.tsv", "w") as g, \
        open(f"{out}/services.tsv", "w") as s:
    ldif.write(open(sample).read().rstrip("\n") + "\n\n")
    ldif.write(f"dn: ou=bench-services,{BASE}\nobjectClass: top\nobjectClass: organizationalUnit\n"
               "ou: bench-services\n\n")
    for n in range(1, gated + 1):
        uid, password = f"bench{n:06d}", f"pw-bench{n:06d}"
        ldif.write(person(uid, "people", password))
        secret = base64.b32encode(os.urandom(20)).decode()
        g.write(f"uid={uid},ou=people,{BASE}\t{password}\t{secret}\n")
    for n in range(1, services + 1):
        uid, password = f"svc{n:06d}", f"pw-svc{n:06d}"
        ldif.write(person(uid, "bench-services", password))
        s.write(f"uid={uid},ou=bench-services,{BASE}\t{password}\n")
PY
echo "wrote $OUT/bench-data.ldif ($GATED gated users, $SERVICES service accounts), gated.tsv, services.tsv"
