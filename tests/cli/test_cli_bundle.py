"""Bundle commands as a user types them: export (with a PFX when asked), verify and import print the same
fingerprint; refusals are one line, exit 1, and leave nothing behind."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from test_cli_certs import issued, issuer
from test_cli_keys import Cli, TestKeychain, Typed, keychain, keys_of, one_line

from tests.pki import Issuer
from wizard.core.keys import public_fingerprint
from wizard.core.store import load_project

__all__ = ["issuer", "keychain"]  # fixtures, imported so pytest finds them here
PASSWORD = "Plum-Kettle-Orbit-42-Sunrise"
FINGERPRINT = re.compile(r"Fingerprint: (([A-Z2-7]{4}-){4}[A-Z2-7]{4})")


@pytest.fixture
def certified(cli: Cli, staffed_project: Path, keychain: TestKeychain, issuer: Issuer, tmp_path: Path) -> Path:
    """A staffed project whose DIP mTLS certificate (with its chain) is imported; the key is in the test keychain."""
    leaf = issued(cli, staffed_project, issuer, tmp_path)
    chain = tmp_path / "issued.pem"
    chain.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (leaf, issuer.cert)))
    assert cli("cert", "import", staffed_project, chain).code == 0
    (tmp_path / "password").write_text(PASSWORD + "\n")
    return staffed_project


def fingerprint_in(text: str) -> str:
    found = FINGERPRINT.search(text)
    assert found, text
    return found.group(1)


def test_lead_bundle_with_pfx_and_dns_bundle_export_verify_and_import(cli: Cli, certified: Path, tmp_path: Path,
                                                                      keychain: TestKeychain) -> None:
    lead = tmp_path / "lead.zip"
    done = cli("bundle", "export", certified, "--audience", "technical-lead", "--out", lead, "--include-pfx",
               "dip-mtls", "--password-file", tmp_path / "password")
    assert done.code == 0, done.err
    sent = fingerprint_in(done.out)
    assert "The PFX password is not in the bundle" in done.out
    assert PASSWORD.encode() not in lead.read_bytes()
    verified = cli("bundle", "verify", lead)
    assert verified.code == 0, verified.err
    assert fingerprint_in(verified.out) == sent
    assert "Every file matches its manifest" in verified.out
    [pfx_line] = [line for line in verified.out.splitlines() if "pfx/dip-mtls.pfx" in line]
    assert pfx_line.endswith("certificate with its private key (PFX, password-protected) for dip-mtls")
    imported = cli("bundle", "import", lead, "--into", tmp_path / "received")
    assert imported.code == 0, imported.err
    assert fingerprint_in(imported.out) == sent
    pfx = pkcs12.load_pkcs12((tmp_path / "received" / "pfx" / "dip-mtls.pfx").read_bytes(), PASSWORD.encode())
    assert pfx.key is not None
    assert len(pfx.additional_certs) == 1
    assert (tmp_path / "received" / "csrs" / "dip-mtls.csr.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE "
                                                                                           b"REQUEST")

    dns = tmp_path / "dns.zip"
    done = cli("bundle", "export", certified, "--audience", "dns-admin", "--out", dns)
    assert done.code == 0, done.err
    assert fingerprint_in(cli("bundle", "verify", dns).out) == fingerprint_in(done.out)
    assert cli("bundle", "import", dns, "--into", tmp_path / "dns").code == 0
    received = sorted(p.relative_to(tmp_path / "dns").as_posix() for p in (tmp_path / "dns").rglob("*"))
    assert received == ["instructions.html", "instructions.txt", "manifest.json"]
    assert "Dan Dns" not in (tmp_path / "dns" / "instructions.txt").read_text()  # the contacts are cert admins
    assert "Cara Cert" in (tmp_path / "dns" / "instructions.txt").read_text()


def test_json_variants_carry_the_same_fingerprint(cli: Cli, certified: Path, tmp_path: Path) -> None:
    out = tmp_path / "admin.zip"
    exported = json.loads(cli("bundle", "export", certified, "--audience", "certificate-admin", "--out", out,
                              "--json").out)
    verified = json.loads(cli("bundle", "verify", out, "--json").out)
    imported = json.loads(cli("bundle", "import", out, "--into", tmp_path / "in", "--json").out)
    assert exported["fingerprint"] == verified["fingerprint"] == imported["fingerprint"]
    assert verified["audience"] == {"id": "certificate-admin", "name": "Certificate Admin"}
    assert verified["organisation"]["name"] == "Acme Energy Ltd"
    assert {f["name"] for f in verified["files"]} == {f["name"] for f in exported["files"]}
    kinds = {f["name"]: (f["kind"], f["certificate_kind"], f["contains_key"]) for f in verified["files"]}
    assert kinds["instructions.txt"] == ("instructions-text", None, False)
    assert kinds["csrs/dip-mtls.csr.pem"] == ("csr", "dip-mtls", False)
    assert verified["format_version"] == 2
    assert len(imported["written"]) == len(verified["files"])  # the manifest is given on its own


def test_the_dns_admin_bundle_refuses_a_pfx(cli: Cli, certified: Path, tmp_path: Path) -> None:
    out = tmp_path / "dns.zip"
    done = cli("bundle", "export", certified, "--audience", "dns-admin", "--out", out, "--include-pfx", "dip-mtls",
               "--password-file", tmp_path / "password")
    assert done.code == 1
    assert "--include-pfx: A bundle for the DNS Admin never holds a private key" in one_line(done.err)
    assert not out.exists()


def test_a_pfx_without_a_password_file_is_refused(cli: Cli, certified: Path, tmp_path: Path) -> None:
    out = tmp_path / "lead.zip"
    done = cli("bundle", "export", certified, "--audience", "technical-lead", "--out", out, "--include-pfx",
               "dip-mtls")
    assert done.code == 1
    assert "--password-file: A PFX is always protected by a password" in one_line(done.err)
    assert not out.exists()


def test_an_unknown_audience_names_the_option(cli: Cli, certified: Path, tmp_path: Path) -> None:
    done = cli("bundle", "export", certified, "--audience", "ceo", "--out", tmp_path / "x.zip")
    assert done.code == 1
    assert "--audience: " in one_line(done.err)
    assert "technical-lead, dns-admin, certificate-admin" in done.err


def test_a_tampered_bundle_is_refused_by_verify_and_import(cli: Cli, certified: Path, tmp_path: Path) -> None:
    out = tmp_path / "admin.zip"
    assert cli("bundle", "export", certified, "--audience", "certificate-admin", "--out", out).code == 0
    source = io.BytesIO(out.read_bytes())
    tampered = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(tampered, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info.filename, data.replace(b"Acme", b"Evil") if info.filename.endswith(".txt") else data)
    out.write_bytes(tampered.getvalue())
    done = cli("bundle", "verify", out)
    assert done.code == 1
    assert "is not the file that was sent" in one_line(done.err)
    done = cli("bundle", "import", out, "--into", tmp_path / "in")
    assert done.code == 1
    assert not (tmp_path / "in").exists()


def test_import_refuses_a_folder_in_use(cli: Cli, certified: Path, tmp_path: Path) -> None:
    out = tmp_path / "dns.zip"
    assert cli("bundle", "export", certified, "--audience", "dns-admin", "--out", out).code == 0
    done = cli("bundle", "import", out, "--into", certified)
    assert done.code == 1
    assert "already exists and is not an empty folder" in one_line(done.err)


def test_import_puts_the_pfx_key_into_the_keychain(cli: Cli, certified: Path, tmp_path: Path,
                                                    keychain: TestKeychain) -> None:
    out = tmp_path / "lead.zip"
    assert cli("bundle", "export", certified, "--audience", "technical-lead", "--out", out, "--include-pfx",
               "dip-mtls", "--password-file", tmp_path / "password").code == 0
    before = keychain.key_ids()
    done = cli("bundle", "import", out, "--into", tmp_path / "in", "--keychain", "--password-file",
               tmp_path / "password", "--json")
    assert done.code == 0, done.err
    [stored] = json.loads(done.out)["keychain"]
    assert keychain.key_ids() == before | {stored["entry"].rsplit("/", 1)[-1]}
    [key] = keys_of(certified)
    assert stored["fingerprint"] == key["fingerprint"]  # the very key the sender's project holds
    pfx = pkcs12.load_pkcs12((tmp_path / "in" / "pfx" / "dip-mtls.pfx").read_bytes(), PASSWORD.encode())
    assert pfx.key is not None
    assert public_fingerprint(pfx.key.public_key()) == stored["fingerprint"]  # type: ignore[arg-type]
    # the folder it went into is a project that records the key, under its own identity, with its certificate
    project = load_project(tmp_path / "in")
    [record] = project.keys
    assert (record.vault_entry, record.fingerprint, record.state) == (stored["entry"], key["fingerprint"], "active")
    assert record.vault_entry.startswith(project.identity + "/")
    assert stored["certificate"] == "imported"
    assert project.certificate_for(record.id) is not None
    checked = cli("keys", "check", tmp_path / "in")
    assert checked.code == 0, checked.err
    assert "DIP mTLS client certificate" in checked.out


def test_import_with_keys_refuses_an_unknown_environment_before_writing(cli: Cli, certified: Path, tmp_path: Path,
                                                                         keychain: TestKeychain) -> None:
    out = tmp_path / "lead.zip"
    assert cli("bundle", "export", certified, "--audience", "technical-lead", "--out", out, "--include-pfx",
               "dip-mtls", "--password-file", tmp_path / "password").code == 0
    with zipfile.ZipFile(out) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    manifest = json.loads(members["manifest.json"])
    manifest["environment"]["id"] = "staging"
    members["manifest.json"] = json.dumps(manifest, sort_keys=True).encode("ascii")
    odd = tmp_path / "odd.zip"
    with zipfile.ZipFile(odd, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    before = keychain.key_ids()
    done = cli("bundle", "import", odd, "--into", tmp_path / "in", "--keychain", "--password-file",
               tmp_path / "password")
    assert done.code == 1
    assert "environment" in one_line(done.err)
    assert "nothing was imported" in one_line(done.err)
    assert not (tmp_path / "in").exists()
    assert keychain.key_ids() == before


def test_import_takes_the_certificate_kind_from_the_manifest_not_the_file_name(cli: Cli, certified: Path,
                                                                              tmp_path: Path,
                                                                              keychain: TestKeychain) -> None:
    lead = tmp_path / "lead.zip"
    assert cli("bundle", "export", certified, "--audience", "technical-lead", "--out", lead, "--include-pfx",
               "dip-mtls", "--password-file", tmp_path / "password").code == 0
    with zipfile.ZipFile(lead) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    manifest = json.loads(members.pop("manifest.json"))
    [entry] = [f for f in manifest["files"] if f["kind"] == "pfx"]
    members["pfx/for-the-server.pfx"] = members.pop(entry["name"])  # a name that says nothing of its kind
    entry["name"] = "pfx/for-the-server.pfx"
    renamed = tmp_path / "renamed.zip"
    with zipfile.ZipFile(renamed, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        for name, data in members.items():
            archive.writestr(name, data)
    done = cli("bundle", "import", renamed, "--into", tmp_path / "in", "--keychain", "--password-file",
               tmp_path / "password", "--json")
    assert done.code == 0, done.err
    [stored] = json.loads(done.out)["keychain"]
    assert (stored["file"], stored["kind"]) == ("pfx/for-the-server.pfx", "dip-mtls")


def test_a_wrong_password_stores_nothing_and_writes_nothing(cli: Cli, certified: Path, tmp_path: Path,
                                                            keychain: TestKeychain) -> None:
    out = tmp_path / "lead.zip"
    assert cli("bundle", "export", certified, "--audience", "technical-lead", "--out", out, "--include-pfx",
               "dip-mtls", "--password-file", tmp_path / "password").code == 0
    (tmp_path / "wrong").write_text("not-the-password\n")
    before = keychain.key_ids()
    done = cli("bundle", "import", out, "--into", tmp_path / "in", "--keychain", "--password-file",
               tmp_path / "wrong")
    assert done.code == 1
    assert "password is wrong" in one_line(done.err)
    assert not (tmp_path / "in").exists()
    assert keychain.key_ids() == before


def test_a_failed_import_takes_the_stored_key_out_again(cli: Cli, certified: Path, tmp_path: Path,
                                                        keychain: TestKeychain) -> None:
    out = tmp_path / "lead.zip"
    assert cli("bundle", "export", certified, "--audience", "technical-lead", "--out", out, "--include-pfx",
               "dip-mtls", "--password-file", tmp_path / "password").code == 0
    before = keychain.key_ids()
    done = cli("bundle", "import", out, "--into", tmp_path / "no" / "such", "--keychain", "--password-file",
               tmp_path / "password")
    assert done.code == 1
    assert "does not exist" in one_line(done.err)
    assert keychain.key_ids() == before


def test_as_typed_a_file_that_is_not_a_bundle(typed: Typed, tmp_path: Path) -> None:
    letter = tmp_path / "letter.zip"
    letter.write_text("Dear colleague, here is the bundle.\n")
    done = typed("bundle", "verify", letter)
    assert done.code == 1
    assert "letter.zip is not a handoff bundle: it is not a zip file, or it is cut short." in one_line(done.err)


def test_a_bundle_export_is_written_to_the_audit_trail_without_its_password(cli: Cli, certified: Path,
                                                                           tmp_path: Path) -> None:
    lead = tmp_path / "lead.zip"
    done = cli("bundle", "export", certified, "--audience", "technical-lead", "--out", lead, "--include-pfx",
               "dip-mtls", "--password-file", tmp_path / "password")
    assert done.code == 0, done.err
    trail = cli("audit", certified, "--json")
    assert trail.code == 0, trail.err
    entries = json.loads(trail.out)["entries"]
    last = entries[-1]
    assert last["event"] == "bundle exported"
    assert last["details"]["fingerprint"] == fingerprint_in(done.out)
    assert last["details"]["with_key"] is True
    assert PASSWORD not in trail.out
    assert cli("audit", certified, "--verify").code == 0


COUNTED = re.compile(r"(\d+) files? and the manifest that lists them")


@pytest.mark.parametrize("audience", ["technical-lead", "dns-admin", "certificate-admin"])
def test_export_verify_and_import_count_the_same_files(cli: Cli, certified: Path, tmp_path: Path,
                                                       audience: str) -> None:
    """The manifest is not one of the bundle's files but the list of them: all three say so, with one number."""
    out, into = tmp_path / "bundle.zip", tmp_path / "received"
    exported = cli("bundle", "export", certified, "--audience", audience, "--out", out)
    verified = cli("bundle", "verify", out)
    imported = cli("bundle", "import", out, "--into", into)
    assert exported.code == verified.code == imported.code == 0, exported.err + verified.err + imported.err
    said = [[int(n) for n in COUNTED.findall(done.out)] for done in (exported, verified, imported)]
    with zipfile.ZipFile(out) as archive:
        members = [name for name in archive.namelist() if name != "manifest.json"]
    # import prints what verify prints, then what it wrote
    assert said == [[len(members)], [len(members)], [len(members)] * 2], (exported.out, verified.out, imported.out)
    rows = verified.out.split("Files:\n", 1)[1].splitlines()
    assert len(rows) == len(members)
    on_disk = sorted(p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file())
    assert on_disk == sorted([*members, "manifest.json"])

    as_json = [json.loads(cli(*args, "--json").out) for args in (
        ("bundle", "export", certified, "--audience", audience, "--out", tmp_path / "again.zip"),
        ("bundle", "verify", out), ("bundle", "import", out, "--into", tmp_path / "again"))]
    assert [len(j["files"]) for j in as_json] == [len(members)] * 3
    assert len(as_json[2]["written"]) == len(members)
    assert as_json[2]["manifest"] == str(tmp_path / "again" / "manifest.json")
