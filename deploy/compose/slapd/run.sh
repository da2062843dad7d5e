#!/usr/bin/env bash
# Entrypoint of the sample directory image: starts slapd with the sample data through the
# project's scripts/slapd/start.sh, then waits; SIGTERM stops it through scripts/slapd/stop.sh.
set -euo pipefail
DIR=/var/lib/sample-slapd
SLAPD_CERT_DIR=/var/lib/sample-certs /opt/sample/scripts/slapd/start.sh "$DIR" 3389 3636
trap '/opt/sample/scripts/slapd/stop.sh "$DIR"; exit 0' TERM INT
pid="$(cat "$DIR/slapd.pid")"
while kill -0 "$pid" 2>/dev/null; do sleep 1 & wait $!; done
echo "slapd exited; last lines of its log:" >&2
tail -n 20 "$DIR/slapd.log" >&2
exit 1
