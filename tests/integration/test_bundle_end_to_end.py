"""The handoff bundle "done when", through the CLI against the real keychain: a key generated into the keychain,
its certificate from the test CA (tests/pki.py) imported; a technical-lead bundle with a PFX and a DNS-admin bundle
exported; each verifies with the fingerprint export printed and imports into a new folder (the PFX's key into the
keychain too); and tampered or hostile archives are refused without writing outside the target."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from cryptography import x509

from tests.pki import make_intermediate, make_leaf, make_root, pem
from wizard.core.keychain import KeychainStatus

pytestmark = pytest.mark.keychain
PASSWORD = "Integration-Plum-Kettle-42"


def wizard(env: dict[str, str], *args: str | Path, ok: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "wizard", *map(str, args)], capture_output=True, text=True,
                            env=env, timeout=120, check=False)
    assert "Traceback" not in result.stderr
    if ok:
        assert result.returncode == 0, result.stderr
    return result


def test_bundles_round_trip_through_the_cli_with_the_real_keychain(real_keychain: KeychainStatus,
                                                                   tmp_path: Path) -> None:
    env = {**os.environ, "DIP_ONBOARDING_HOME": str(tmp_path / "home")}
    project = tmp_path / "project"
    wizard(env, "project", "init", project, "--org", "Northwind Networks Ltd", "--company-number", "09876543",
           "--domain", "northwind.example", "--env", "uit")
    wizard(env, "person", "add", project, "--name", "Cara Cert", "--email", "cara@northwind.example", "--role",
           "certificate-admin")
    wizard(env, "key", "generate", project, "--cert", "dip-mtls")
    wizard(env, "csr", "export", project, "--cert", "dip-mtls", "--out", tmp_path / "mtls.csr.pem")
    csr = x509.load_pem_x509_csr((tmp_path / "mtls.csr.pem").read_bytes())
    now = dt.datetime.now(dt.UTC)
    root = make_root(now=now)
    issuing = make_intermediate(root, now=now)
    leaf = make_leaf(issuing, csr.public_key(), cn="northwind.example", o="Northwind Networks Ltd",
                     sans=("northwind.example",), not_before=now - dt.timedelta(days=1),
                     not_after=now + dt.timedelta(days=365))
    (tmp_path / "issued.pem").write_bytes(pem(leaf, issuing.cert, root.cert))
    wizard(env, "cert", "import", project, tmp_path / "issued.pem")
    (tmp_path / "password").write_text(PASSWORD + "\n")

    lead = tmp_path / "lead.zip"
    exported = json.loads(wizard(env, "bundle", "export", project, "--audience", "technical-lead", "--out", lead,
                                 "--include-pfx", "dip-mtls", "--password-file", tmp_path / "password",
                                 "--json").stdout)
    dns = tmp_path / "dns.zip"
    dns_exported = json.loads(wizard(env, "bundle", "export", project, "--audience", "dns-admin", "--out", dns,
                                     "--json").stdout)
    assert not any(f["contains_key"] for f in dns_exported["files"])
    for bundle, sent in ((lead, exported), (dns, dns_exported)):
        verified = wizard(env, "bundle", "verify", bundle).stdout
        assert f"Fingerprint: {sent['fingerprint']}" in verified

    status = json.loads(wizard(env, "status", project, "--json").stdout)
    [key] = status["keys"]
    imported = json.loads(wizard(env, "bundle", "import", lead, "--into", tmp_path / "received", "--keychain",
                                 "--password-file", tmp_path / "password", "--json").stdout)
    assert imported["fingerprint"] == exported["fingerprint"]
    [stored] = imported["keychain"]
    assert stored["fingerprint"] == key["fingerprint"]
    assert (tmp_path / "received" / "pfx" / "dip-mtls.pfx").is_file()
    wizard(env, "bundle", "import", dns, "--into", tmp_path / "dns-received")
    assert sorted(p.name for p in (tmp_path / "dns-received").iterdir()) == ["instructions.html",
                                                                               "instructions.txt", "manifest.json"]

    # Tampered and hostile archives: refused, nothing written outside (or inside) the target.
    original = lead.read_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        members = [(i.filename, archive.read(i)) for i in archive.infolist()]
    hostile = {
        "changed": [(n, d.replace(b"Northwind", b"Southwind")) for n, d in members],
        "extra": [*members, ("run-me.sh", b"#!/bin/sh\n")],
        "traversal": [*members, ("../escaped.txt", b"x")],
        "missing": members[:-1],
    }
    for label, content in hostile.items():
        path = tmp_path / f"{label}.zip"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in content:
                archive.writestr(name, data)
        path.write_bytes(buffer.getvalue())
        before = sorted(tmp_path.rglob("*"))
        result = wizard(env, "bundle", "import", path, "--into", tmp_path / f"{label}-target", ok=False)
        assert result.returncode == 1, label
        assert result.stderr.count("\n") == 1, result.stderr
        assert sorted(tmp_path.rglob("*")) == before, label
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(original[: len(original) // 2])
    assert wizard(env, "bundle", "verify", truncated, ok=False).returncode == 1
