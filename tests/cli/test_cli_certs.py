"""Certificate commands typed as a user would: cert import, cert inspect, pfx export, pem export, key import."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from test_cli_keys import Cli, TestKeychain, keychain, one_line, project_bytes  # shared with the key tests

from tests.pki import Issuer, make_intermediate, make_leaf, make_root, rsa_key

__all__ = ["keychain"]  # the fixture, imported so pytest finds it here
TODAY = dt.datetime.now(dt.UTC)


@pytest.fixture(scope="module")
def issuer() -> Issuer:
    return make_intermediate(make_root(now=TODAY), now=TODAY)


def issued(cli: Cli, project: Path, issuer: Issuer, tmp_path: Path, *, kind: str = "dip-mtls",
           days: int = 365) -> x509.Certificate:
    """Make a key for `kind`, export its CSR, and have the test CA issue a certificate for it."""
    assert cli("key", "generate", project, "--cert", kind).code == 0
    out = tmp_path / f"{kind}.csr.pem"
    assert cli("csr", "export", project, "--cert", kind, "--out", out).code == 0
    csr = x509.load_pem_x509_csr(out.read_bytes())
    return make_leaf(issuer, csr.public_key(), not_before=TODAY - dt.timedelta(days=1),
                     not_after=TODAY + dt.timedelta(days=days))


def p7b(*certs: x509.Certificate) -> bytes:
    return pkcs7.serialize_certificates(list(certs), serialization.Encoding.DER)


def test_a_p7b_imports_matches_its_key_and_shows_days_left(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                                          issuer: Issuer, tmp_path: Path) -> None:
    leaf = issued(cli, uit_project, issuer, tmp_path)
    bundle = tmp_path / "issued.p7b"
    bundle.write_bytes(p7b(issuer.cert, leaf))  # the order a CA happens to use, not leaf first
    done = cli("cert", "import", uit_project, bundle)
    assert done.code == 0, done.err
    assert "Imported the DIP mTLS client certificate (PKCS#7 (DER), with 1 issuer certificate)" in done.out
    assert "365 days left" in done.out or "364 days left" in done.out
    status = json.loads(cli("status", uit_project, "--json").out)
    [cert] = status["certificates"]
    assert cert["kind"] == "dip-mtls"
    assert cert["days_left"] in (363, 364, 365)
    assert "Certificates:" in cli("status", uit_project).out


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "is empty"),
    (b"\x8f\x01 definitely not a certificate" * 20, "not a certificate file this wizard recognises"),
    (b"-----BEGIN CERTIFICATE-----\nMIIB", "cut short or damaged"),
])
def test_malformed_files_are_refused_in_one_line_and_nothing_is_stored(
        cli: Cli, uit_project: Path, keychain: TestKeychain, tmp_path: Path, content: bytes, expected: str) -> None:
    before = project_bytes(uit_project)
    path = tmp_path / "offered.cer"
    path.write_bytes(content)
    done = cli("cert", "import", uit_project, path)
    assert done.code == 1
    assert expected in one_line(done.err)
    assert project_bytes(uit_project) == before


def test_a_csr_offered_as_a_certificate_says_what_it_is(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                                       tmp_path: Path) -> None:
    assert cli("key", "generate", uit_project, "--cert", "dip-mtls").code == 0
    csr = tmp_path / "request.csr.pem"
    assert cli("csr", "export", uit_project, "--cert", "dip-mtls", "--out", csr).code == 0
    done = cli("cert", "import", uit_project, csr)
    assert done.code == 1
    assert "is a certificate signing request (CSR), not a certificate" in one_line(done.err)


def test_a_certificate_for_another_key_is_refused_with_advice(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                                              issuer: Issuer, tmp_path: Path) -> None:
    assert cli("key", "generate", uit_project, "--cert", "dip-mtls").code == 0
    before = project_bytes(uit_project)
    stranger = make_leaf(issuer, rsa_key(7).public_key(), not_before=TODAY - dt.timedelta(days=1),
                         not_after=TODAY + dt.timedelta(days=30))
    path = tmp_path / "stranger.pem"
    path.write_bytes(stranger.public_bytes(serialization.Encoding.PEM))
    done = cli("cert", "import", uit_project, path)
    assert done.code == 1
    message = one_line(done.err)
    assert "made for a different key" in message
    assert "DIP mTLS client certificate request" in message
    assert project_bytes(uit_project) == before


def test_an_expired_certificate_is_not_imported(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                                issuer: Issuer, tmp_path: Path) -> None:
    assert cli("key", "generate", uit_project, "--cert", "dip-mtls").code == 0
    out = tmp_path / "m.csr.pem"
    assert cli("csr", "export", uit_project, "--cert", "dip-mtls", "--out", out).code == 0
    old = make_leaf(issuer, x509.load_pem_x509_csr(out.read_bytes()).public_key(),
                    not_before=TODAY - dt.timedelta(days=400), not_after=TODAY - dt.timedelta(days=2))
    path = tmp_path / "old.pem"
    path.write_bytes(old.public_bytes(serialization.Encoding.PEM))
    done = cli("cert", "import", uit_project, path)
    assert done.code == 1
    assert "Not imported" in done.err
    assert "This certificate expired" in one_line(done.err)


def test_pfx_export_for_both_destinations_and_an_empty_password_writes_nothing(
        cli: Cli, uit_project: Path, keychain: TestKeychain, issuer: Issuer, tmp_path: Path) -> None:
    leaf = issued(cli, uit_project, issuer, tmp_path)
    chain = tmp_path / "chain.pem"
    chain.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (leaf, issuer.cert)))
    assert cli("cert", "import", uit_project, chain).code == 0
    empty = tmp_path / "empty"
    empty.write_text("")
    done = cli("pfx", "export", uit_project, "--cert", "dip-mtls", "--profile", "modern", "--password-file", empty,
               "--out", tmp_path / "x.pfx")
    assert done.code == 1
    assert f"--password-file: {empty} is empty; put the PFX password on its first line." in one_line(done.err)
    assert not (tmp_path / "x.pfx").exists()
    password = tmp_path / "password"
    password.write_text("correct horse battery\n")
    for profile in ("modern", "compat"):
        out = tmp_path / f"{profile}.pfx"
        done = cli("pfx", "export", uit_project, "--cert", "dip-mtls", "--profile", profile, "--password-file",
                   password, "--out", out)
        assert done.code == 0, done.err
        loaded = pkcs12.load_pkcs12(out.read_bytes(), b"correct horse battery")
        assert loaded.cert is not None
        assert loaded.cert.certificate == leaf
        assert [c.certificate for c in loaded.additional_certs] == [issuer.cert]
    assert cli("pfx", "export", uit_project, "--cert", "dip-mtls", "--profile", "best", "--password-file", password,
               "--out", tmp_path / "y.pfx").code == 1


def test_pem_export_writes_the_chain_and_an_encrypted_key(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                                          issuer: Issuer, tmp_path: Path) -> None:
    leaf = issued(cli, uit_project, issuer, tmp_path)
    bundle = tmp_path / "issued.p7b"
    bundle.write_bytes(p7b(leaf, issuer.cert))
    assert cli("cert", "import", uit_project, bundle).code == 0
    password = tmp_path / "password"
    password.write_text("correct horse battery\n")
    done = cli("pem", "export", uit_project, "--cert", "dip-mtls", "--out", tmp_path / "chain.pem", "--key-out",
               tmp_path / "key.pem", "--password-file", password)
    assert done.code == 0, done.err
    assert x509.load_pem_x509_certificates((tmp_path / "chain.pem").read_bytes()) == [leaf, issuer.cert]
    key_text = (tmp_path / "key.pem").read_bytes()
    assert key_text.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(key_text, None)
    serialization.load_pem_private_key(key_text, b"correct horse battery")


def test_cert_inspect_says_what_any_file_holds(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                               issuer: Issuer, tmp_path: Path) -> None:
    leaf = issued(cli, uit_project, issuer, tmp_path)
    bundle = tmp_path / "issued.p7b"
    bundle.write_bytes(p7b(leaf, issuer.cert))
    done = cli("cert", "inspect", bundle)
    assert done.code == 0
    assert "2 certificates (PKCS#7 (DER))" in done.out
    assert "Issued to: acme.example, Acme Energy Ltd" in done.out
    report = json.loads(cli("cert", "inspect", bundle, "--json").out)
    assert report["kind"] == "certificates"
    assert [i["expired"] for i in report["items"]] == [False, False]
    csr = cli("cert", "inspect", tmp_path / "dip-mtls.csr.pem")
    assert "certificate signing request" in csr.out
    assert "Its signature checks out." in csr.out
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01\x02 nothing here")
    refused = cli("cert", "inspect", junk)
    assert refused.code == 1
    assert len(refused.err.strip().splitlines()) == 1


def test_bring_your_own_key_from_a_pfx(cli: Cli, uit_project: Path, keychain: TestKeychain, issuer: Issuer,
                                       tmp_path: Path) -> None:
    key = rsa_key(8)
    leaf = make_leaf(issuer, key.public_key(), not_before=TODAY - dt.timedelta(days=1),
                     not_after=TODAY + dt.timedelta(days=200))
    pfx = tmp_path / "own.pfx"
    pfx.write_bytes(pkcs12.serialize_key_and_certificates(b"own", key, leaf, [issuer.cert],
                                                          serialization.BestAvailableEncryption(b"their secret 1")))
    wrong = tmp_path / "wrong"
    wrong.write_text("not it\n")
    refused = cli("key", "import", uit_project, pfx, "--cert", "dip-mtls", "--password-file", wrong)
    assert refused.code == 1
    assert "password is wrong" in one_line(refused.err)
    right = tmp_path / "right"
    right.write_text("their secret 1\n")
    done = cli("key", "import", uit_project, pfx, "--cert", "dip-mtls", "--password-file", right)
    assert done.code == 0, done.err
    assert "Its certificate was imported too." in done.out
    status = json.loads(cli("status", uit_project, "--json").out)
    assert [k["kind"] for k in status["keys"]] == ["dip-mtls"]
    assert [c["kind"] for c in status["certificates"]] == ["dip-mtls"]
    assert key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()) not in project_bytes(uit_project)
