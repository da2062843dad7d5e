"""deploy/ (issue 7): the static checks of deploy/check.sh pass, and the configuration the Kubernetes
ConfigMap mounts is accepted by `check-config` of the binary, with its secret files in place (the
Secret's keys, the TLS Secret). A manifest whose configuration the proxy would refuse fails here
instead of in every pod."""
import base64
import os
import secrets
import subprocess
from pathlib import Path

import yaml

from helpers import BINARY, REPO

KUBERNETES = REPO / "deploy" / "kubernetes"


def test_deploy_static_checks_pass():
    proc = subprocess.run(["bash", str(REPO / "deploy" / "check.sh")], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "LDAP_MFA_PROXY_BINARY": str(BINARY)}, cwd=REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "FAIL" not in proc.stdout
    assert "passes check-config" in proc.stdout, proc.stdout


def configmap_config() -> dict:
    for document in yaml.safe_load_all((KUBERNETES / "configmap.yaml").read_text()):
        if document and document.get("kind") == "ConfigMap":
            return yaml.safe_load(document["data"]["ldap-mfa-proxy.yaml"])
    raise AssertionError("no ConfigMap in configmap.yaml")


def relocate(value, secrets_root: Path):
    """Every /run/secrets/... path of the config, moved under secrets_root (as the pod mounts them)."""
    if isinstance(value, dict):
        return {key: relocate(item, secrets_root) for key, item in value.items()}
    if isinstance(value, list):
        return [relocate(item, secrets_root) for item in value]
    if isinstance(value, str) and value.startswith("/run/secrets/"):
        return str(secrets_root / value.removeprefix("/run/secrets/"))
    return value


def test_the_configmap_configuration_passes_check_config(tmp_path, certs):
    config = configmap_config()
    assert "sqlite" not in config["store"], "store.sqlite and store.postgres together are refused"
    root = tmp_path / "secrets"
    files = {
        "ldap-mfa-proxy/bind-password": "reader-password\n",
        "ldap-mfa-proxy/store-key": base64.b64encode(secrets.token_bytes(32)).decode() + "\n",
        "ldap-mfa-proxy/postgres-password": "postgres-password\n",
        "ldap-mfa-proxy-tls/tls.crt": (certs / "server-chain.pem").read_text(),
        "ldap-mfa-proxy-tls/tls.key": (certs / "server.key").read_text(),
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        path.chmod(0o600)
    path = tmp_path / "ldap-mfa-proxy.yaml"
    path.write_text(yaml.safe_dump(relocate(config, root)))
    proc = subprocess.run([str(BINARY), "check-config", "-c", str(path)], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
