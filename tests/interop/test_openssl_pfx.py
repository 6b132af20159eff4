"""The issue's "done when", end to end with real tools: a two-level test CA made with the OpenSSL CLI (root →
issuing CA) signs a CSR built by wizard.core.csr; the certificate comes back as a DER .p7b from `openssl crl2pkcs7`;
it imports and matches its key; both PFX profiles open with OpenSSL 3 (without -legacy) and with Java's keytool,
with the key and the whole chain; the PEM chain verifies with `openssl verify`; the encrypted PKCS#8 key opens with
`openssl pkey`; and a legacy (RC2-40) PFX from `openssl pkcs12 -export -legacy` can be brought in."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from wizard.app import default_profile_path
from wizard.core.certfiles import read_certificates
from wizard.core.certs import Match, check_certificate, match_certificate
from wizard.core.csr import build_csr, csr_pem
from wizard.core.keys import PrivateKey, generate_private_key, public_fingerprint
from wizard.core.model import KeyRecord, Organisation, Project
from wizard.core.packaging import PFX_PROFILES, export_encrypted_key, export_pem_chain, export_pfx, read_pfx
from wizard.core.profile import Profile, load_profile

PROFILE: Profile = load_profile(default_profile_path())
ACME = Organisation("Acme Energy Ltd", "01234567", "acme.example")
PASSWORD = "Interop-Plum-Kettle-42"
FRIENDLY = "Acme Energy Ltd DIP mTLS"

CA_CONFIG = """\
[req]
distinguished_name = dn
prompt = no

[dn]
CN = unused

[v3_root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[v3_issuing]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[v3_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:acme.example
"""


def run(tool: str, *args: str | Path, cwd: Path | None = None, stdin: bytes | None = None,
        check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([tool, *map(str, args)], capture_output=True, timeout=300, cwd=cwd, check=False,
                          input=stdin if stdin is not None else b"")
    result = subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode("utf-8", "replace"),
                                         done.stderr.decode("utf-8", "replace"))
    if check:
        assert result.returncode == 0, f"{' '.join(map(str, done.args))}\n{result.stdout}\n{result.stderr}"
    return result


@dataclass(frozen=True)
class Issued:
    """What the test CA made, and the wizard's key whose CSR it signed."""

    folder: Path
    root: Path
    issuing: Path
    leaf: Path
    p7b: Path
    p7b_pem: Path
    key: PrivateKey
    record: KeyRecord


@pytest.fixture(scope="module")
def issued(openssl: str, tmp_path_factory: pytest.TempPathFactory) -> Issued:
    folder = tmp_path_factory.mktemp("ca")
    (folder / "ca.cnf").write_text(CA_CONFIG, encoding="ascii")

    def ssl(*args: str | Path) -> None:
        run(openssl, *args, cwd=folder)

    ssl("req", "-x509", "-new", "-newkey", "rsa:2048", "-noenc", "-keyout", "root.key", "-out", "root.pem",
        "-subj", "/C=GB/O=Interop Test PKI/CN=Interop Test Root CA", "-days", "3650", "-config", "ca.cnf",
        "-extensions", "v3_root")
    ssl("req", "-new", "-newkey", "rsa:2048", "-noenc", "-keyout", "issuing.key", "-out", "issuing.csr",
        "-subj", "/C=GB/O=Interop Test PKI/CN=Interop Test Issuing CA", "-config", "ca.cnf")
    ssl("x509", "-req", "-in", "issuing.csr", "-CA", "root.pem", "-CAkey", "root.key", "-set_serial", "0x1001",
        "-days", "1825", "-extfile", "ca.cnf", "-extensions", "v3_issuing", "-out", "issuing.pem")

    kind = PROFILE.certificate_kind("dip-mtls")
    key = generate_private_key("rsa-2048")
    (folder / "leaf.csr").write_text(csr_pem(build_csr(kind, ACME, key)), encoding="ascii")
    ssl("req", "-in", "leaf.csr", "-noout", "-verify")
    ssl("x509", "-req", "-in", "leaf.csr", "-CA", "issuing.pem", "-CAkey", "issuing.key", "-set_serial", "0x2001",
        "-days", "365", "-extfile", "ca.cnf", "-extensions", "v3_leaf", "-out", "leaf.pem")
    # Delivered as CAs often do: a .p7b with the chain, root first.
    ssl("crl2pkcs7", "-nocrl", "-certfile", "root.pem", "-certfile", "issuing.pem", "-certfile", "leaf.pem",
        "-outform", "DER", "-out", "chain.p7b")
    ssl("crl2pkcs7", "-nocrl", "-certfile", "leaf.pem", "-certfile", "issuing.pem", "-certfile", "root.pem",
        "-out", "chain.p7b.pem")
    record = KeyRecord(id="k-interop", kind="dip-mtls", algorithm="rsa-2048",
                       fingerprint=public_fingerprint(key.public_key()), created_at=dt.datetime.now(dt.UTC))
    return Issued(folder, folder / "root.pem", folder / "issuing.pem", folder / "leaf.pem", folder / "chain.p7b",
                  folder / "chain.p7b.pem", key, record)


def load_pem(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


@pytest.fixture(scope="module")
def match(issued: Issued) -> Match:
    project = Project(profile_id=PROFILE.id, environment="uit", organisation=ACME, created_at=issued.record.created_at,
                      updated_at=issued.record.created_at, keys=(issued.record,))
    return match_certificate(PROFILE, project, read_certificates(issued.p7b.read_bytes(), issued.p7b.name))


# ---------------------------------------------------------------- the .p7b from the OpenSSL CA


def test_the_der_p7b_imports_and_matches_its_key(issued: Issued, match: Match) -> None:
    found = read_certificates(issued.p7b.read_bytes(), "chain.p7b")
    assert found.form == "PKCS#7 (DER)"
    assert set(found.certificates) == {load_pem(issued.leaf), load_pem(issued.issuing), load_pem(issued.root)}
    assert match.leaf == load_pem(issued.leaf)
    assert match.chain == (load_pem(issued.issuing), load_pem(issued.root))
    assert match.key == issued.record
    assert match.kind.id == "dip-mtls"


def test_the_pem_p7b_imports_too(issued: Issued) -> None:
    found = read_certificates(issued.p7b_pem.read_bytes(), "chain.p7b.pem")
    assert found.form == "PKCS#7 (PEM)"
    assert len(found.certificates) == 3


def test_the_openssl_issued_certificate_checks_out(match: Match) -> None:
    """Issued for the wizard's CSR by a private CA: valid, the right usage, the domain named, and a chain that
    verifies up to a root that is not public (a warning, as for UIT certificates)."""
    findings = check_certificate(match.kind, match.leaf, match.chain, dt.datetime.now(dt.UTC), ACME.domain)
    assert [(f.severity, f.code) for f in findings] == [("warning", "chain-private"), ("info", "valid")]


# ---------------------------------------------------------------- PFX: OpenSSL 3 without -legacy, and keytool


@pytest.fixture(scope="module")
def pfx_files(issued: Issued, match: Match, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pfx")
    files = {}
    for profile_id, profile in PFX_PROFILES.items():
        files[profile_id] = out / f"acme-{profile_id}.pfx"
        export_pfx(files[profile_id], issued.key, match.leaf, match.chain, profile, PASSWORD, FRIENDLY)
    return files


@pytest.mark.parametrize(("profile", "cipher", "mac"), [
    ("modern", "PBES2, PBKDF2, AES-256-CBC, Iteration 100000, PRF hmacWithSHA256", "MAC: sha256"),
    ("compat", "pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 100000", "MAC: sha1"),
])
def test_pfx_opens_with_openssl_3_without_legacy(openssl: str, pfx_files: dict[str, Path], profile: str,
                                                 cipher: str, mac: str) -> None:
    info = run(openssl, "pkcs12", "-info", "-noout", "-in", pfx_files[profile], "-passin", f"pass:{PASSWORD}")
    text = info.stdout + info.stderr
    assert mac in text
    assert f"PKCS7 Encrypted data: {cipher}" in text
    assert f"Shrouded Keybag: {cipher}" in text
    assert text.count("Certificate bag") == 3
    assert "RC2" not in text
    wrong = run(openssl, "pkcs12", "-info", "-noout", "-in", pfx_files[profile], "-passin", "pass:wrong-password",
                check=False)
    assert wrong.returncode != 0


@pytest.mark.parametrize("profile", sorted(PFX_PROFILES))
def test_pfx_key_matches_its_certificate_and_carries_the_chain(openssl: str, issued: Issued,
                                                               pfx_files: dict[str, Path], profile: str) -> None:
    pfx = pfx_files[profile]
    key_pem = run(openssl, "pkcs12", "-in", pfx, "-nocerts", "-noenc", "-passin", f"pass:{PASSWORD}").stdout
    from_key = run(openssl, "pkey", "-pubout", stdin=key_pem.encode()).stdout
    leaf_pem = run(openssl, "pkcs12", "-in", pfx, "-clcerts", "-nokeys", "-passin", f"pass:{PASSWORD}").stdout
    from_cert = run(openssl, "x509", "-pubkey", "-noout", stdin=leaf_pem.encode()).stdout
    assert from_key == from_cert
    assert from_cert == run(openssl, "x509", "-in", issued.leaf, "-pubkey", "-noout").stdout
    assert f"friendlyName: {FRIENDLY}" in leaf_pem
    cas = run(openssl, "pkcs12", "-in", pfx, "-cacerts", "-nokeys", "-passin", f"pass:{PASSWORD}").stdout
    assert sorted(c.fingerprint(hashes.SHA256()) for c in x509.load_pem_x509_certificates(cas.encode())) == \
        sorted(load_pem(p).fingerprint(hashes.SHA256()) for p in (issued.issuing, issued.root))


@pytest.mark.parametrize("profile", sorted(PFX_PROFILES))
def test_pfx_opens_with_keytool(keytool: str, pfx_files: dict[str, Path], profile: str) -> None:
    """One PrivateKeyEntry whose chain is leaf, issuing CA and root: we include the root, so the length is 3."""
    listed = run(keytool, "-list", "-v", "-keystore", pfx_files[profile], "-storetype", "PKCS12", "-storepass",
                 PASSWORD)
    text = listed.stdout + listed.stderr
    assert "Your keystore contains 1 entry" in text
    assert text.count("Entry type: PrivateKeyEntry") == 1
    assert "Certificate chain length: 3" in text
    assert re.search(r"Alias name: " + re.escape(FRIENDLY), text, re.IGNORECASE)
    owners = re.findall(r"^Owner: (.*)$", text, re.MULTILINE)
    assert [o.split(",")[0] for o in owners] == ["CN=acme.example", "CN=Interop Test Issuing CA",
                                                 "CN=Interop Test Root CA"]
    wrong = run(keytool, "-list", "-keystore", pfx_files[profile], "-storetype", "PKCS12", "-storepass",
                "wrong-password", check=False)
    assert wrong.returncode != 0


# ---------------------------------------------------------------- PEM chain and encrypted PKCS#8


def test_pem_chain_verifies_with_openssl(openssl: str, issued: Issued, match: Match, tmp_path: Path) -> None:
    chain = tmp_path / "acme.chain.pem"
    export_pem_chain(chain, match.leaf, match.chain)
    verified = run(openssl, "verify", "-CAfile", issued.root, "-untrusted", chain, "-purpose", "sslclient", chain)
    assert verified.stdout.strip() == f"{chain}: OK"
    alone = run(openssl, "verify", "-CAfile", issued.root, issued.leaf, check=False)
    assert alone.returncode != 0  # without the issuing CA from the chain file it cannot verify


def test_encrypted_key_opens_with_openssl_and_the_password_only(openssl: str, issued: Issued,
                                                                tmp_path: Path) -> None:
    key = tmp_path / "acme.key.pem"
    export_encrypted_key(key, issued.key, PASSWORD)
    public = run(openssl, "pkey", "-in", key, "-passin", f"pass:{PASSWORD}", "-pubout").stdout
    assert public == run(openssl, "x509", "-in", issued.leaf, "-pubkey", "-noout").stdout
    assert run(openssl, "pkey", "-in", key, "-passin", "pass:wrong-password", "-pubout", check=False).returncode != 0
    assert run(openssl, "pkey", "-in", key, "-passin", "pass:", "-pubout", check=False).returncode != 0
    parsed = run(openssl, "asn1parse", "-in", key).stdout
    assert "PBES2" in parsed
    assert "aes-256-cbc" in parsed.lower()


# ---------------------------------------------------------------- bringing an existing PFX


def test_a_legacy_rc2_pfx_from_openssl_can_be_brought_in(openssl: str, issued: Issued, tmp_path: Path) -> None:
    key = tmp_path / "their.key.pem"
    export_encrypted_key(key, issued.key, PASSWORD)
    legacy = tmp_path / "legacy.p12"
    run(openssl, "pkcs12", "-export", "-legacy", "-inkey", key, "-passin", f"pass:{PASSWORD}", "-in", issued.leaf,
        "-certfile", issued.issuing, "-name", "their old export", "-out", legacy, "-passout", "pass:old-password")
    info = run(openssl, "pkcs12", "-info", "-noout", "-legacy", "-in", legacy, "-passin", "pass:old-password")
    assert "pbeWithSHA1And40BitRC2-CBC" in info.stdout + info.stderr
    brought = read_pfx(legacy.read_bytes(), "old-password")
    assert public_fingerprint(brought.key.public_key()) == issued.record.fingerprint
    assert brought.cert == load_pem(issued.leaf)
    assert brought.chain == (load_pem(issued.issuing),)


def test_our_pfx_reads_back_through_read_pfx(issued: Issued, pfx_files: dict[str, Path]) -> None:
    for pfx in pfx_files.values():
        brought = read_pfx(pfx.read_bytes(), PASSWORD)
        assert brought.cert == load_pem(issued.leaf)
        assert brought.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()) == \
            issued.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption())
