#!/usr/bin/env bash
# Static checks of deploy/: every YAML file parses; the Kubernetes objects have what the issue asks
# (3 replicas, probes on the operations port, requests, non-root, read-only root, Secret files, the
# PostgreSQL StatefulSet and the store.postgres keys); the compose file runs the image's entrypoint;
# the ConfigMap's and the image's configuration files pass `check-config` of a built binary when one
# exists; `systemd-analyze verify` and hadolint run when installed (hadolint is not, here).
#
# Usage: deploy/check.sh        (exit 0: all checks passed; the skipped ones are named)
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"

# The project's venv has PyYAML (scripts/install-deps.sh); else whatever python3 has it.
PYTHON="$REPO/.venv/bin/python"
[[ -x "$PYTHON" ]] || PYTHON=python3
"$PYTHON" - <<'PY'
import sys
from pathlib import Path

import yaml

failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


docs = {}
for path in sorted(Path("deploy").rglob("*.yaml")):
    try:
        docs[str(path)] = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
        check(True, f"{path} parses")
    except yaml.YAMLError as error:
        check(False, f"{path} parses: {error}")

k8s = {(d["kind"], d["metadata"]["name"]): d for p, ds in docs.items() if "/kubernetes/" in p
       for d in ds if isinstance(d, dict) and "kind" in d and "metadata" in d}
kustomization = docs["deploy/kubernetes/kustomization.yaml"][0]
listed = set(kustomization["resources"])
check(listed == {Path(p).name for p in docs if "/kubernetes/" in p and not p.endswith("kustomization.yaml")},
      "kustomization lists every manifest")

deployment = k8s[("Deployment", "ldap-mfa-proxy")]
spec = deployment["spec"]
pod = spec["template"]["spec"]
container = pod["containers"][0]
check(spec["replicas"] == 3, "Deployment: 3 replicas")
check(spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items(),
      "Deployment: selector matches the pod labels")
ports = {p["name"]: p["containerPort"] for p in container["ports"]}
check(container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "operations"}, "liveness /healthz")
check(container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "operations"}, "readiness /readyz")
env = {e["name"]: e.get("value") for e in container.get("env", [])}
check(env.get("LDAP_MFA_PROXY__OPERATIONS__LISTEN", "").endswith(f":{ports['operations']}"),
      "operations port = the endpoint's port")
check({"cpu", "memory"} <= set(container["resources"]["requests"]), "resource requests")
security = container["securityContext"]
check(security.get("readOnlyRootFilesystem") is True and security.get("runAsNonRoot") is True
      and security.get("allowPrivilegeEscalation") is False and security["capabilities"]["drop"] == ["ALL"],
      "container securityContext: read-only root, non-root, no privilege escalation, no capabilities")
check(pod["securityContext"].get("runAsUser") == 10001, "runs as the image's user 10001")
drain = 30
check(pod["terminationGracePeriodSeconds"] > drain, "grace period longer than operations.drain_timeout")
mounts = {m["name"]: m for m in container["volumeMounts"]}
volumes = {v["name"]: v for v in pod["volumes"]}
check(mounts["config"]["mountPath"] == "/etc/ldap-mfa-proxy" and mounts["config"].get("readOnly"),
      "ConfigMap mounted read-only over the image's configuration folder")
check(volumes["config"]["configMap"]["name"] in {n for k, n in k8s if k == "ConfigMap"}, "ConfigMap exists")
check(volumes["secrets"]["secret"]["secretName"] in {n for k, n in k8s if k == "Secret"}, "Secret exists")
check(mounts["state"]["mountPath"] == "/var/lib/ldap-mfa-proxy", "state volume at the image's VOLUME")

config = yaml.safe_load(k8s[("ConfigMap", "ldap-mfa-proxy")]["data"]["ldap-mfa-proxy.yaml"])
secret_keys = set(k8s[("Secret", "ldap-mfa-proxy")]["stringData"])
secret_dir = mounts["secrets"]["mountPath"]
files = [config["directory"]["bind_password_file"], config["store"]["encryption_key_file"],
         config["store"]["postgres"]["password_file"]]
check(all(f.startswith(secret_dir + "/") and f.rsplit("/", 1)[1] in secret_keys for f in files),
      "every *_file in the ConfigMap is a key of the mounted Secret")
check("radius-secret" in secret_keys, "the RADIUS secret is in the Secret")
check("sqlite" not in config["store"], "ConfigMap: no store.sqlite beside store.postgres (exclusive)")
check(config["store"]["postgres"]["url"].split("@", 1)[1].split(":")[0]
      in {n for k, n in k8s if k == "Service"}, "store.postgres.url names the PostgreSQL Service")
check(config["operations"]["drain_timeout"] == f"{drain}s", "ConfigMap drain_timeout is 30s")

service = k8s[("Service", "ldap-mfa-proxy")]
check({p["targetPort"] for p in service["spec"]["ports"]} <= set(ports), "Service targets named container ports")
postgres = k8s[("StatefulSet", "ldap-mfa-proxy-postgres")]
check(postgres["spec"]["serviceName"] in {n for k, n in k8s if k == "Service"}, "PostgreSQL StatefulSet + Service")

compose = docs["deploy/compose/compose.yaml"][0]
proxy = compose["services"]["proxy"]
check(proxy["build"]["dockerfile"] == "deploy/Dockerfile" and "command" not in proxy and "entrypoint" not in proxy,
      "compose runs the image's own entrypoint")
check(proxy.get("read_only") is True, "compose: read-only root")
check(Path("deploy/compose", compose["secrets"]["bind-password"]["file"]).is_file(), "compose secret file exists")
sys.exit(1 if failures else 0)
PY

BINARY="${LDAP_MFA_PROXY_BINARY:-}"
for candidate in "$BINARY" .build/release/ldap-mfa-proxy .build/debug/ldap-mfa-proxy; do
    [[ -n "$candidate" && -x "$candidate" ]] && { BINARY="$candidate"; break; }
done
if [[ -x "$BINARY" ]]; then
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    # The image's file with the directory given by the environment, as the compose file does.
    env -i PATH="$PATH" LDAP_MFA_PROXY__STORE__SQLITE="$tmp/store.sqlite" \
        LDAP_MFA_PROXY__STORE__ENCRYPTION_KEY_FILE="$tmp/store.key" \
        LDAP_MFA_PROXY__DIRECTORY__SERVERS="ldap://127.0.0.1:3389" \
        LDAP_MFA_PROXY__DIRECTORY__BASE_DN="dc=example,dc=test" \
        LDAP_MFA_PROXY__DIRECTORY__BIND_TYPE__QUERIES=simple \
        LDAP_MFA_PROXY__DIRECTORY__BIND_DN="cn=proxy-reader,ou=service,dc=example,dc=test" \
        LDAP_MFA_PROXY_BIND_PASSWORD=reader-password \
        "$BINARY" check-config --config deploy/config/ldap-mfa-proxy.yaml >"$tmp/out" 2>&1 &&
        echo "ok   deploy/config/ldap-mfa-proxy.yaml passes check-config ($BINARY)" ||
        { echo "FAIL deploy/config/ldap-mfa-proxy.yaml: check-config"; cat "$tmp/out"; exit 1; }
else
    echo "skip check-config of the image's file: no built binary"
fi

if command -v systemd-analyze >/dev/null 2>&1; then
    out="$(systemd-analyze verify deploy/systemd/ldap-mfa-proxy.service 2>&1 |
        grep -v -e 'is not executable: No such file' -e '^/lib/systemd/system/' -e '^/etc/systemd/' || true)"
    if [[ -n "$out" ]]; then
        echo "FAIL systemd-analyze verify:"
        echo "$out"
        exit 1
    fi
    echo "ok   systemd-analyze verify deploy/systemd/ldap-mfa-proxy.service"
else
    echo "skip systemd-analyze: not installed"
fi

if command -v hadolint >/dev/null 2>&1; then
    hadolint deploy/Dockerfile deploy/compose/slapd/Dockerfile && echo "ok   hadolint"
else
    echo "skip hadolint: not installed (tests/integration/test_entrypoint.py checks the Dockerfile's paths)"
fi
