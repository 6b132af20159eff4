"""The key lifecycle from the command line: the four ways keys were lost, each now kept (issue: "no key ever
lost"), and the commands that end a key's life only when the user says so."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from test_cli_keys import Cli, TestKeychain, keychain, keys_of, one_line

from tests.pki import Issuer, make_intermediate, make_leaf, make_root, pem
from wizard import cli as cli_module
from wizard.core.keychain import SERVICE

__all__ = ["keychain"]  # the fixture, imported so pytest finds it here
TODAY = dt.datetime.now(dt.UTC)


@pytest.fixture(scope="module")
def issuer() -> Issuer:
    return make_intermediate(make_root(now=TODAY - dt.timedelta(days=400)), now=TODAY - dt.timedelta(days=400))


def csr_of(cli: Cli, project: Path, tmp_path: Path, name: str) -> x509.CertificateSigningRequest:
    out = tmp_path / f"{name}.csr.pem"
    done = cli("csr", "export", project, "--cert", "dip-mtls", "--out", out, "--force")
    assert done.code == 0, done.err
    return x509.load_pem_x509_csr(out.read_bytes())


def certificate_file(issuer: Issuer, csr: x509.CertificateSigningRequest, tmp_path: Path, name: str, *,
                     starts: dt.datetime, days: int = 365) -> Path:
    leaf = make_leaf(issuer, csr.public_key(), not_before=starts, not_after=starts + dt.timedelta(days=days))
    path = tmp_path / f"{name}.pem"
    path.write_bytes(pem(leaf, issuer.cert))
    return path


def in_use(cli: Cli, project: Path, issuer: Issuer, tmp_path: Path) -> dict[str, Any]:
    """A dip-mtls key with its certificate imported and valid now; returns the key's record."""
    assert cli("key", "generate", project, "--cert", "dip-mtls").code == 0
    cert = certificate_file(issuer, csr_of(cli, project, tmp_path, "first"), tmp_path, "first",
                            starts=TODAY - dt.timedelta(days=30))
    done = cli("cert", "import", project, cert)
    assert done.code == 0, done.err
    [key] = keys_of(project)
    assert key["state"] == "active"
    return key


def entries(keychain: TestKeychain) -> set[str]:
    """The keys' entry names in the test keychain (without the /part-N, /index suffix)."""
    return {user.rsplit("/", 1)[0] for service, user in keychain.items if service == SERVICE}


def test_a_second_replace_keeps_the_key_whose_csr_was_sent(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                                           issuer: Issuer, tmp_path: Path) -> None:
    in_use(cli, uit_project, issuer, tmp_path)
    assert cli("key", "generate", uit_project, "--cert", "dip-mtls", "--replace").code == 0
    sent = csr_of(cli, uit_project, tmp_path, "renewal")
    before = keys_of(uit_project)

    again = cli("key", "generate", uit_project, "--cert", "dip-mtls", "--replace")
    assert again.code == 1
    assert f"dip-onboarding key abandon {uit_project} --cert dip-mtls" in one_line(again.err)
    assert keys_of(uit_project) == before  # the sent key is still recorded, and still in the keychain
    assert {k["entry"] for k in before} <= entries(keychain)
    # Its certificate can still be imported, and it takes over.
    cert = certificate_file(issuer, sent, tmp_path, "renewal", starts=TODAY - dt.timedelta(hours=1))
    assert cli("cert", "import", uit_project, cert).code == 0
    states = {k["id"]: k["state"] for k in keys_of(uit_project)}
    assert sorted(states.values()) == ["active", "retired"]


def test_replace_on_a_never_exported_pending_key_replaces_it(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                                             issuer: Issuer, tmp_path: Path) -> None:
    assert cli("key", "generate", uit_project, "--cert", "dip-mtls", "--replace").code == 0  # no key: makes one
    [first] = keys_of(uit_project)
    done = cli("key", "generate", uit_project, "--cert", "dip-mtls", "--replace")
    assert done.code == 0, done.err
    assert "earlier new key, whose CSR had never been exported" in done.out
    [second] = keys_of(uit_project)
    assert second["id"] != first["id"]
    assert entries(keychain) == {second["entry"]}  # nothing was sent, so nothing is kept


def test_abandon_asks_names_the_fingerprint_and_destroys_only_the_pending_key(
        cli: Cli, uit_project: Path, keychain: TestKeychain, issuer: Issuer, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    active = in_use(cli, uit_project, issuer, tmp_path)
    assert cli("key", "generate", uit_project, "--cert", "dip-mtls", "--replace").code == 0
    csr_of(cli, uit_project, tmp_path, "renewal")
    pending = next(k for k in keys_of(uit_project) if k["state"] == "pending")
    asked: list[str] = []
    monkeypatch.setattr("wizard.cli_keys._terminal_at_stdin", lambda: True)
    monkeypatch.setattr("builtins.input", lambda q: asked.append(q) or "no")
    refused = cli("key", "abandon", uit_project, "--cert", "dip-mtls")
    assert refused.code == 1
    assert "Nothing was destroyed" in refused.err
    assert pending["fingerprint"][:4].upper() in asked[0]
    assert "CSR was exported" in asked[0]
    assert len(keys_of(uit_project)) == 2
    done = cli("key", "abandon", uit_project, "--cert", "dip-mtls", "--yes")
    assert done.code == 0, done.err
    assert [k["id"] for k in keys_of(uit_project)] == [active["id"]]
    assert entries(keychain) == {active["entry"]}
    nothing = cli("key", "abandon", uit_project, "--cert", "dip-mtls", "--yes")
    assert nothing.code == 1
    assert "nothing to abandon" in one_line(nothing.err)


def clock_at(monkeypatch: pytest.MonkeyPatch, when: dt.datetime) -> None:
    real = cli_module.build_services
    monkeypatch.setattr(cli_module, "build_services", lambda **kw: real(**kw, clock=lambda: when))


def test_a_not_yet_valid_renewal_certificate_keeps_the_working_key(
        cli: Cli, uit_project: Path, keychain: TestKeychain, issuer: Issuer, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    working = in_use(cli, uit_project, issuer, tmp_path)
    assert cli("key", "generate", uit_project, "--cert", "dip-mtls", "--replace").code == 0
    starts = TODAY + dt.timedelta(days=10)
    cert = certificate_file(issuer, csr_of(cli, uit_project, tmp_path, "renewal"), tmp_path, "renewal",
                            starts=starts)
    done = cli("cert", "import", uit_project, cert)
    assert done.code == 0, done.err
    assert "waiting" in done.out
    assert f"{starts:%d %b %Y}" in done.out
    states = {k["id"]: k["state"] for k in keys_of(uit_project)}
    assert states[working["id"]] == "active"
    assert sorted(states.values()) == ["active", "pending"]
    assert {k["entry"] for k in keys_of(uit_project)} == entries(keychain)  # both keys kept
    status = cli("status", uit_project)
    assert f"waiting, valid from {starts:%d %b %Y}" in status.out
    # Packages still use the working certificate.
    password = tmp_path / "pw"
    password.write_text("correct horse battery staple\n")
    pfx = cli("pfx", "export", uit_project, "--cert", "dip-mtls", "--profile", "modern", "--password-file",
              password, "--out", tmp_path / "now.pfx", "--json")
    assert pfx.code == 0, pfx.err

    clock_at(monkeypatch, starts + dt.timedelta(hours=1))
    later = cli("status", uit_project)
    assert later.code == 0
    assert "became valid on" in later.err
    assert "is now the one in use" in later.err
    states = {k["id"]: k["state"] for k in keys_of(uit_project)}
    assert states[working["id"]] == "retired"
    assert {k["entry"] for k in keys_of(uit_project)} == entries(keychain)  # the retired key is kept


def test_retired_keys_go_only_when_expired_or_confirmed(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                                        issuer: Issuer, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    old = in_use(cli, uit_project, issuer, tmp_path)
    assert cli("key", "generate", uit_project, "--cert", "dip-mtls", "--replace").code == 0
    cert = certificate_file(issuer, csr_of(cli, uit_project, tmp_path, "renewal"), tmp_path, "renewal",
                            starts=TODAY - dt.timedelta(hours=1))
    assert cli("cert", "import", uit_project, cert).code == 0
    assert old["entry"] in entries(keychain)  # retired, not deleted as a side effect of the import
    nobody = cli("keys", "destroy-retired", uit_project)
    assert nobody.code == 1
    assert "--yes" in one_line(nobody.err)
    assert old["entry"] in entries(keychain)
    # Once the old certificate has expired, the next open destroys the retired key and says so.
    clock_at(monkeypatch, TODAY + dt.timedelta(days=340))
    later = cli("status", uit_project)
    assert "The retired key of the DIP mTLS client certificate was destroyed" in later.err
    assert old["entry"] not in entries(keychain)
    assert [k["state"] for k in keys_of(uit_project)] == ["active"]


def test_destroy_retired_with_yes(cli: Cli, uit_project: Path, keychain: TestKeychain, issuer: Issuer,
                                  tmp_path: Path) -> None:
    old = in_use(cli, uit_project, issuer, tmp_path)
    assert cli("key", "generate", uit_project, "--cert", "dip-mtls", "--replace").code == 0
    cert = certificate_file(issuer, csr_of(cli, uit_project, tmp_path, "renewal"), tmp_path, "renewal",
                            starts=TODAY - dt.timedelta(hours=1))
    assert cli("cert", "import", uit_project, cert).code == 0
    done = cli("keys", "destroy-retired", uit_project, "--cert", "dip-mtls", "--yes", "--json")
    assert done.code == 0, done.err
    assert [k["fingerprint"] for k in json.loads(done.out)["destroyed"]] == [old["fingerprint"]]
    assert old["entry"] not in entries(keychain)


def test_a_copied_project_folder_never_deletes_the_originals_key(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                                                 issuer: Issuer, tmp_path: Path) -> None:
    original = in_use(cli, uit_project, issuer, tmp_path)
    copy = tmp_path / "copy of project"
    shutil.copytree(uit_project, copy)
    first = cli("status", copy)
    assert first.code == 0
    assert "This folder is a copy of the project in" in first.err
    assert "made independent" in first.err
    [copied] = keys_of(copy)
    assert copied["entry"] != original["entry"]
    assert copied["fingerprint"] == original["fingerprint"]
    assert {original["entry"], copied["entry"]} <= entries(keychain)
    assert cli("status", copy).err == ""  # said once

    # The copy renews and destroys its retired key: the original's key is untouched.
    assert cli("key", "generate", copy, "--cert", "dip-mtls", "--replace").code == 0
    cert = certificate_file(issuer, csr_of(cli, copy, tmp_path, "copy"), tmp_path, "copy",
                            starts=TODAY - dt.timedelta(hours=1))
    assert cli("cert", "import", copy, cert).code == 0
    assert cli("keys", "destroy-retired", copy, "--yes").code == 0
    assert copied["entry"] not in entries(keychain)
    assert original["entry"] in entries(keychain)
    password = tmp_path / "pw"
    password.write_text("correct horse battery staple\n")
    assert cli("pfx", "export", uit_project, "--cert", "dip-mtls", "--profile", "modern", "--password-file",
               password, "--out", tmp_path / "original.pfx").code == 0
    assert cli("keys", "check", uit_project).code == 0


def test_an_older_project_migrates_its_entries_under_its_identity(cli: Cli, uit_project: Path,
                                                                  keychain: TestKeychain, issuer: Issuer,
                                                                  tmp_path: Path) -> None:
    key = in_use(cli, uit_project, issuer, tmp_path)
    # Make it look as a version-4 project did: no identity, entries named by the key id alone.
    doc = json.loads((uit_project / "project.json").read_text())
    for user in [u for s, u in keychain.items if s == SERVICE]:
        keychain.set_password(SERVICE, user.removeprefix(doc["project"]["identity"] + "/"),
                              keychain.get_password(SERVICE, user))
        keychain.delete_password(SERVICE, user)
    doc["format_version"] = 4
    for k in doc["project"]["keys"]:
        del k["state"], k["entry"]
    for name in ("identity", "home", "key_intents"):
        del doc["project"][name]
    (uit_project / "project.json").write_text(json.dumps(doc))
    assert entries(keychain) == {key["id"]}

    assert cli("status", uit_project).code == 0
    [migrated] = keys_of(uit_project)
    assert migrated["state"] == "active"
    assert migrated["entry"].endswith("/" + key["id"])
    # copied and read back; the old entry keeps only the new one's name (for a folder copied before identities)
    assert entries(keychain) == {migrated["entry"], key["id"]}
    from wizard.actions.opening import MOVED
    from wizard.core.vault import Vault

    assert Vault(keychain).get(key["id"]) == MOVED + migrated["entry"].encode()
    assert cli("keys", "check", uit_project).code == 0
