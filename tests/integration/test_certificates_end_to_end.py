"""The issue's "done when", as a user would do it: keys in the real keychain, a CSR signed by a two-level CA made
with the OpenSSL CLI, delivered as a P7B, imported, and packaged into PFX files that OpenSSL 3 (without -legacy)
and Java keytool open with the key and the chain."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.core.keychain import KeychainStatus

pytestmark = pytest.mark.keychain
PASSWORD = "correct horse battery"


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing; .ci/run installs it")
        pytest.skip(f"{name} is not installed")
    return found


def run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120,
                            check=False)
    assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
    assert "Traceback" not in result.stderr
    return result.stdout + result.stderr


def test_csr_to_p7b_to_pfx_files_that_openssl_and_keytool_open(real_keychain: KeychainStatus,
                                                                 tmp_path: Path) -> None:
    openssl, keytool = tool("openssl"), tool("keytool")
    env = {**os.environ, "DIP_ONBOARDING_HOME": str(tmp_path / "home")}
    wizard = [sys.executable, "-m", "wizard"]
    project = tmp_path / "project"
    run(*wizard, "project", "init", project, "--org", "Northwind Networks Ltd", "--company-number", "09876543",
        "--domain", "northwind.example", "--env", "uit", env=env)
    run(*wizard, "key", "generate", project, "--cert", "dip-mtls", env=env)
    run(*wizard, "csr", "export", project, "--cert", "dip-mtls", "--out", tmp_path / "mtls.csr.pem", env=env)

    ca = tmp_path / "ca"
    ca.mkdir()
    run(openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "root.key", "-out", "root.pem",
        "-days", "3650", "-subj", "/CN=E2E Test Root CA/O=Test", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=ca)
    run(openssl, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "int.key", "-out", "int.csr", "-subj",
        "/CN=E2E Test Issuing CA/O=Test", cwd=ca)
    (ca / "int.ext").write_text("basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n")
    run(openssl, "x509", "-req", "-in", "int.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial",
        "-out", "int.pem", "-days", "1825", "-extfile", "int.ext", cwd=ca)
    (ca / "leaf.ext").write_text("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                                 "extendedKeyUsage=clientAuth\nsubjectAltName=DNS:northwind.example\n")
    run(openssl, "x509", "-req", "-in", tmp_path / "mtls.csr.pem", "-CA", "int.pem", "-CAkey", "int.key",
        "-CAcreateserial", "-out", "leaf.pem", "-days", "397", "-extfile", "leaf.ext", cwd=ca)
    run(openssl, "crl2pkcs7", "-nocrl", "-certfile", "leaf.pem", "-certfile", "int.pem", "-certfile", "root.pem",
        "-out", "issued.p7b", "-outform", "DER", cwd=ca)

    imported = run(*wizard, "cert", "import", project, ca / "issued.p7b", env=env)
    assert "Imported the DIP mTLS client certificate" in imported
    assert "days left" in imported
    status = run(*wizard, "status", project, env=env)
    assert "DIP mTLS client certificate: northwind.example" in status

    (tmp_path / "password").write_text(PASSWORD + "\n")
    leaf_key = run(openssl, "x509", "-in", ca / "leaf.pem", "-noout", "-pubkey")
    for profile in ("modern", "compat"):
        pfx = tmp_path / f"{profile}.pfx"
        run(*wizard, "pfx", "export", project, "--cert", "dip-mtls", "--profile", profile, "--password-file",
            tmp_path / "password", "--out", pfx, env=env)
        info = run(openssl, "pkcs12", "-in", pfx, "-passin", f"pass:{PASSWORD}", "-noout", "-info")
        assert ("AES-256-CBC" in info) if profile == "modern" else ("TripleDES" in info or "3-KeyTripleDES" in info)
        assert "RC2" not in info
        key_pem = run(openssl, "pkcs12", "-in", pfx, "-passin", f"pass:{PASSWORD}", "-nocerts", "-nodes")
        extracted = subprocess.run([openssl, "pkey", "-pubout"], input=key_pem, capture_output=True, text=True,
                                   check=True).stdout
        assert extracted.strip() == leaf_key.strip(), "the key in the PFX matches the certificate"
        listing = run(keytool, "-list", "-v", "-keystore", pfx, "-storetype", "PKCS12", "-storepass", PASSWORD)
        assert "PrivateKeyEntry" in listing
        assert "Certificate chain length: 3" in listing

    run(*wizard, "pem", "export", project, "--cert", "dip-mtls", "--out", tmp_path / "chain.pem", env=env)
    verified = run(openssl, "verify", "-CAfile", ca / "root.pem", "-untrusted", tmp_path / "chain.pem",
                   ca / "leaf.pem")
    assert "OK" in verified
