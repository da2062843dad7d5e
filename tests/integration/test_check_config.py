"""`ldap-mfa-proxy check-config` (issue 3, item 7): every problem with its key path, exit status 1."""
import json
import subprocess

from helpers import BINARY, READER_DN, free_port


def check_config(path):
    return subprocess.run([str(BINARY), "check-config", "-c", str(path)], capture_output=True, text=True,
                          timeout=60)


def base_config(directory):
    (directory / "bind_password").write_text("reader-password\n")
    return {
        "listen": {"ldap": f"127.0.0.1:{free_port()}"},
        "directory": {
            "servers": "ldap://127.0.0.1:389",
            "base_dn": "dc=example,dc=test",
            "bind_type": {"queries": "simple", "authentications": "simple"},
            "bind_dn": READER_DN,
            "bind_password_file": str(directory / "bind_password"),
        },
        "store": {"sqlite": str(directory / "store.sqlite"), "encryption_key_file": str(directory / "store.key")},
    }


def test_valid_config_passes(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(json.dumps(base_config(tmp_path)))
    proc = check_config(path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "configuration is valid" in proc.stdout


def test_typo_and_unknown_bind_type_are_each_reported_with_key_path(tmp_path):
    config = base_config(tmp_path)
    directory = config["directory"]
    directory["bind_type"]["authentications"] = "kerberos"  # not a bind type
    directory["tls"] = {"verify_hostnme": True}         # typo inside a section
    config["listen"]["max_conections"] = 10             # typo of listen.max_connections
    path = tmp_path / "bad.yaml"
    path.write_text(
        "# a hand-written file: YAML, not JSON\n"
        + "\n".join(yaml_lines(config)) + "\n")
    proc = check_config(path)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    lines = output.splitlines()

    def line_for(key):
        found = [line for line in lines if line.startswith(f"{key}:")]
        assert found, f"no line starts with {key}: in\n{output}"
        return found[0]

    assert "kerberos" in line_for("directory.bind_type.authentications")
    assert "verify_hostname" in line_for("directory.tls.verify_hostnme")  # suggests the right key
    assert "max_connections" in line_for("listen.max_conections")
    assert "configuration is valid" not in output
    # Nothing of the file was created by a failed check.
    assert not (tmp_path / "store.sqlite").exists()


def yaml_lines(node, indent=0):
    for key, value in node.items():
        if isinstance(value, dict):
            yield " " * indent + f"{key}:"
            yield from yaml_lines(value, indent + 2)
        else:
            yield " " * indent + f"{key}: {json.dumps(value)}"
