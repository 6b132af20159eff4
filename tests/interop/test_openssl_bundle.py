"""A handoff bundle's contents open with OpenSSL: the bundled PFX (Modern and Compatibility) with `openssl pkcs12`
(no -legacy) giving the key and the whole chain, the PEM chain with `openssl x509` and `openssl verify`, and the
bundled CSR and its OpenSSL config with `openssl req`."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from tests.core.bundles import AT, PASSWORD, certified_project, key_for
from wizard.app import default_profile_path
from wizard.core.bundle_export import PfxRequest, export_bundle
from wizard.core.bundle_read import import_bundle, read_bundle_file
from wizard.core.profile import load_profile

PROFILE = load_profile(default_profile_path())


def run(*args: str | Path, stdin: bytes | None = None) -> str:
    result = subprocess.run([str(a) for a in args], capture_output=True, input=stdin, timeout=60, check=False)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return (result.stdout + result.stderr).decode(errors="replace")


@pytest.mark.parametrize(("pfx_profile", "cipher"), [("modern", "AES-256-CBC"), ("compat", "3DES")])
def test_bundled_pfx_and_chain_open_with_openssl(openssl: str, tmp_path: Path, pfx_profile: str,
                                                 cipher: str) -> None:
    project = certified_project(PROFILE)
    out = tmp_path / "lead.zip"
    export_bundle(PROFILE, project, "technical-lead", out, AT,
                  pfx=[PfxRequest("dip-mtls", key_for("dip-mtls"), pfx_profile)], password=PASSWORD)
    into = tmp_path / "received"
    import_bundle(read_bundle_file(out), into)
    pfx = into / "pfx" / "dip-mtls.pfx"

    info = run(openssl, "pkcs12", "-in", pfx, "-passin", f"pass:{PASSWORD}", "-noout", "-info")
    assert cipher in info.replace("TripleDES", "3DES").replace("3-Key3DES", "3DES")
    assert "RC2" not in info
    dumped = run(openssl, "pkcs12", "-in", pfx, "-passin", f"pass:{PASSWORD}", "-nodes")
    assert dumped.count("BEGIN CERTIFICATE") == 3  # the leaf and its two issuers
    assert "BEGIN PRIVATE KEY" in dumped
    modulus = run(openssl, "rsa", "-noout", "-modulus", stdin=key_for("dip-mtls").private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    assert modulus.strip() in run(openssl, "x509", "-in", into / "certificates" / "dip-mtls.pem", "-noout",
                                  "-modulus")
    with pytest.raises(AssertionError):
        run(openssl, "pkcs12", "-in", pfx, "-passin", "pass:wrong-password", "-noout")

    subject = run(openssl, "x509", "-in", into / "certificates" / "dip-mtls-fullchain.pem", "-noout", "-subject")
    assert "acme.example" in subject
    chain = (into / "certificates" / "dip-mtls-fullchain.pem").read_text()
    blocks = [b + "-----END CERTIFICATE-----\n" for b in chain.split("-----END CERTIFICATE-----\n") if b.strip()]
    (tmp_path / "root.pem").write_text(blocks[-1])
    (tmp_path / "issuing.pem").write_text(blocks[1])
    verified = run(openssl, "verify", "-CAfile", tmp_path / "root.pem", "-untrusted", tmp_path / "issuing.pem",
                   "-attime", str(int(AT.timestamp())), into / "certificates" / "dip-mtls.pem")
    assert ": OK" in verified

    csr = into / "csrs" / "dip-signing.csr.pem"
    assert "verify OK" in run(openssl, "req", "-in", csr, "-noout", "-verify")
    key = tmp_path / "own.key"
    run(openssl, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key)
    made = run(openssl, "req", "-new", "-key", key, "-config", into / "csrs" / "dip-signing.cnf", "-out",
               tmp_path / "own.csr")
    assert "error" not in made.lower()
    assert "acme.example" in run(openssl, "req", "-in", tmp_path / "own.csr", "-noout", "-subject")
