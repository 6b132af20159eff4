"""The key, CSR and Atlas commands: what they do, and every refusal as one line naming the option, exit 1, no
traceback, nothing half-made. In-process runs use a test keychain (or none); as-typed runs use keyring's fail
backend, so they never reach a real keychain."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail

from wizard.core import vault as vault_module
from wizard.core.algorithms import fingerprint_text
from wizard.core.keychain import SERVICE
from wizard.core.memory_keychain import MemoryKeychain

Cli = Callable[..., Any]
Typed = Callable[..., Any]
FAIL_BACKEND = "keyring.backends.fail.Keyring"
PASSPHRASE = "correct horse battery staple"


def one_line(err: str) -> str:
    assert err.endswith("\n"), err
    assert err.count("\n") == 1, err
    assert err.startswith("dip-onboarding: ")
    assert "Traceback" not in err
    return err


class TestKeychain(MemoryKeychain):
    """The in-memory keychain, under the name the CLI tests know it by (not a test class, whatever its name)."""

    __test__ = False

    def key_ids(self) -> set[str]:
        """The ids of the secrets held (the last part of each secret's name)."""
        return {name.rsplit("/", 1)[-1] for name in self.secret_names()}

    @property
    def items(self) -> dict[tuple[str, str], str]:
        """The entries as keyring's backend would list them, by (service, entry): a copy, to read."""
        return {(SERVICE, entry): value for entry, value in self.entries.items()}


@pytest.fixture
def keychain(monkeypatch: pytest.MonkeyPatch) -> TestKeychain:
    keychain = TestKeychain()  # where keyring's OS backend would be, so the wizard reaches it through KeyringStore
    monkeypatch.setattr(vault_module, "os_keychain_backend", lambda: (keychain, "Test Keychain"))
    return keychain


@pytest.fixture
def no_keychain() -> None:
    keyring.set_keyring(fail.Keyring())  # tests/conftest.py restores the previous keyring afterwards


def project_bytes(folder: Path) -> bytes:
    return (folder / "project.json").read_bytes()


def keys_of(folder: Path) -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads(project_bytes(folder))
    return list(data["project"]["keys"])


# ---------------------------------------------------------------- what the commands do


def test_key_generate_and_csr_export(cli: Cli, uit_project: Path, keychain: TestKeychain, tmp_path: Path) -> None:
    done = cli("key", "generate", uit_project, "--cert", "DIP-MTLS")
    assert done.code == 0, done.err
    assert done.out.startswith("Made an RSA 2048-bit key for the DIP mTLS client certificate and stored it in Test "
                               "Keychain.\nFingerprint: SHA-256 ")
    assert "Making an RSA 2048-bit key" in done.err
    [key] = keys_of(uit_project)
    assert f"Fingerprint: {fingerprint_text(key['fingerprint'])}" in done.out
    assert (key["kind"], key["algorithm"], key["vault"], key["replaces"]) == ("dip-mtls", "rsa-2048", "keychain", None)
    assert keychain.key_ids() == {key["id"]}
    assert "PRIVATE" not in project_bytes(uit_project).decode()

    out = tmp_path / "csrs" / "dip-mtls.csr.pem"
    out.parent.mkdir()
    done = cli("csr", "export", uit_project, "--cert", "dip-mtls", "--out", out)
    assert done.code == 0, done.err
    assert out.read_text().startswith("-----BEGIN CERTIFICATE REQUEST-----")
    assert (out.parent / "dip-mtls.cnf").is_file()
    assert (out.parent / "dip-mtls.openssl.txt").read_text().count("-config dip-mtls.cnf") == 1
    assert 'It names the organisation "Acme Energy Ltd" in GB' in done.out
    assert f"Wrote the CSR to {out}" in done.out
    [key] = keys_of(uit_project)
    assert key["csr_pem"] == out.read_text()


def test_key_generate_json(cli: Cli, uit_project: Path, keychain: TestKeychain) -> None:
    done = cli("key", "generate", uit_project, "--cert", "webhook-tls", "--algorithm", "EC-P256", "--json")
    assert done.code == 0, done.err
    key = json.loads(done.out)["key"]
    assert (key["kind"], key["algorithm"], key["vault"]) == ("webhook-tls", "ec-p256", "keychain")
    assert done.err == ""


def test_replace_of_a_key_never_sent_takes_its_place(cli: Cli, uit_project: Path, keychain: TestKeychain) -> None:
    """Its CSR was never exported, so nothing was sent: the new key replaces it (issue 15's rule)."""
    assert cli("key", "generate", uit_project, "--cert", "atlas-api").code == 0
    [first] = keys_of(uit_project)
    done = cli("key", "generate", uit_project, "--cert", "atlas-api", "--replace")
    assert done.code == 0, done.err
    assert "It takes the place of the earlier new key, whose CSR had never been exported." in done.out
    [second] = keys_of(uit_project)
    assert second["id"] != first["id"]
    assert (second["replaces"], second["state"]) == (None, "pending")
    assert keychain.key_ids() == {second["id"]}


def test_file_vault_without_a_keychain(cli: Cli, uit_project: Path, no_keychain: None, tmp_path: Path,
                                       user_home: Path) -> None:
    passphrase = tmp_path / "passphrase.txt"
    passphrase.write_text(PASSPHRASE + "\n")
    done = cli("key", "generate", uit_project, "--cert", "atlas-api", "--file-vault", "--passphrase-file", passphrase)
    assert done.code == 0, done.err
    assert "stored it in your passphrase-protected file vault" in done.out
    [key] = keys_of(uit_project)
    assert key["vault"] == "file"
    assert (user_home / "data" / "vault" / "secrets.vault").is_file()
    done = cli("csr", "export", uit_project, "--cert", "atlas-api", "--out", tmp_path / "atlas.pem",
               "--passphrase-file", passphrase)
    assert done.code == 0, done.err
    assert "kept in your file vault" in done.out


# ---------------------------------------------------------------- refusals


def test_no_keychain_is_refused_as_typed(typed: Typed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", FAIL_BACKEND)
    folder = tmp_path / "acme"
    assert typed("project", "init", folder, "--org", "Acme Energy Ltd", "--company-number", "01234567",
                 "--domain", "acme.example", "--env", "uit").code == 0
    before = project_bytes(folder)
    done = typed("key", "generate", folder, "--cert", "atlas-api")
    assert done.code == 1
    err = one_line(done.err)
    assert "No OS keychain is available" in err
    assert "--file-vault" in err
    assert "--passphrase-file" in err
    assert done.out == ""
    assert project_bytes(folder) == before
    done = typed("atlas", "save", folder, "--key-file", _write(tmp_path / "k", "AKEY12345678"),
                 "--secret-file", _write(tmp_path / "s", "S3cr3t-value-xyz"))
    assert done.code == 1
    assert "No OS keychain is available" in one_line(done.err)
    assert "S3cr3t-value-xyz" not in done.err
    assert project_bytes(folder) == before


def test_no_keychain_is_refused(cli: Cli, uit_project: Path, no_keychain: None) -> None:
    before = project_bytes(uit_project)
    done = cli("key", "generate", uit_project, "--cert", "dip-mtls", "--algorithm", "rsa-4096")
    assert done.code == 1
    err = one_line(done.err)
    assert "keychain" in err
    assert "--file-vault" in err
    assert project_bytes(uit_project) == before


def test_csr_export_when_the_keychain_has_gone(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                               monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert cli("key", "generate", uit_project, "--cert", "dip-mtls").code == 0
    before = project_bytes(uit_project)
    monkeypatch.setattr(vault_module, "os_keychain_backend", lambda: None)
    done = cli("csr", "export", uit_project, "--cert", "dip-mtls", "--out", tmp_path / "x.pem")
    assert done.code == 1
    assert "No OS keychain is available" in one_line(done.err)
    assert not (tmp_path / "x.pem").exists()
    assert project_bytes(uit_project) == before


def test_csr_export_when_the_key_was_deleted_from_the_keychain(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                                               tmp_path: Path) -> None:
    assert cli("key", "generate", uit_project, "--cert", "dip-mtls").code == 0
    keychain.entries.clear()
    done = cli("csr", "export", uit_project, "--cert", "dip-mtls", "--out", tmp_path / "x.pem")
    assert done.code == 1
    err = one_line(done.err)
    assert "private key for the dip-mtls certificate is not in Test Keychain any more" in err
    assert "make a new one" in err
    assert not (tmp_path / "x.pem").exists()


@pytest.mark.parametrize("command", ["key", "csr"])
def test_unknown_kind_is_refused_naming_the_option(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                                   tmp_path: Path, command: str) -> None:
    """Was a bug (CLI contract): an unknown --cert is reported as '"x" is not a certificate kind this profile knows ...'
    without naming --cert, unlike an unknown --env or --role, because cli_keys passes the UnknownId from
    profile.certificate_kind through as it is instead of turning it into InvalidInput("cert", ...)."""
    before = project_bytes(uit_project)
    argv = (["key", "generate", uit_project, "--cert", "tls-client"] if command == "key" else
            ["csr", "export", uit_project, "--cert", "tls-client", "--out", tmp_path / "x.pem"])
    done = cli(*argv)
    assert done.code == 1
    err = one_line(done.err)
    assert '"tls-client" is not a certificate kind' in err
    for kind in ("atlas-api", "dip-signing", "dip-mtls", "webhook-tls"):
        assert kind in err
    assert project_bytes(uit_project) == before
    assert keychain.entries == {}
    assert err.startswith("dip-onboarding: --cert: "), f"the error does not say which option was wrong: {err!r}"


@pytest.mark.parametrize(("kind", "algorithm"), [("atlas-api", "ec-p256"), ("dip-mtls", "ec-p384"),
                                                 ("webhook-tls", "rsa-1024"), ("dip-signing", "ed25519")])
def test_unsupported_algorithm_is_refused(cli: Cli, uit_project: Path, keychain: TestKeychain, kind: str,
                                          algorithm: str) -> None:
    before = project_bytes(uit_project)
    done = cli("key", "generate", uit_project, "--cert", kind, "--algorithm", algorithm)
    assert done.code == 1
    err = one_line(done.err)
    assert err.startswith(f'dip-onboarding: --algorithm: "{algorithm}" is not accepted for the ')
    assert "rsa-2048, rsa-3072, rsa-4096" in err
    assert project_bytes(uit_project) == before
    assert keychain.entries == {}


def test_unsupported_algorithm_is_refused_before_the_keychain_is_needed(cli: Cli, uit_project: Path,
                                                                        no_keychain: None) -> None:
    done = cli("key", "generate", uit_project, "--cert", "atlas-api", "--algorithm", "ec-p256")
    assert done.code == 1
    assert one_line(done.err).startswith("dip-onboarding: --algorithm: ")


def test_existing_key_without_replace_is_refused(cli: Cli, uit_project: Path, keychain: TestKeychain) -> None:
    assert cli("key", "generate", uit_project, "--cert", "atlas-api").code == 0
    before = project_bytes(uit_project)
    stored = dict(keychain.entries)
    done = cli("key", "generate", uit_project, "--cert", "atlas-api", "--algorithm", "rsa-3072")
    assert done.code == 1
    err = one_line(done.err)
    assert "The GlobalSign Atlas API certificate already has a key" in err
    assert "--replace" in err
    assert done.out == ""
    assert project_bytes(uit_project) == before
    assert keychain.entries == stored


def test_csr_export_without_a_key(cli: Cli, uit_project: Path, keychain: TestKeychain, tmp_path: Path) -> None:
    before = project_bytes(uit_project)
    out = tmp_path / "atlas.csr.pem"
    done = cli("csr", "export", uit_project, "--cert", "atlas-api", "--out", out)
    assert done.code == 1
    err = one_line(done.err)
    assert "The GlobalSign Atlas API certificate has no key yet" in err
    assert f"key generate {uit_project} --cert atlas-api" in err
    assert list(tmp_path.glob("atlas*")) == []
    assert project_bytes(uit_project) == before


def test_csr_export_into_a_missing_folder(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                          tmp_path: Path) -> None:
    assert cli("key", "generate", uit_project, "--cert", "atlas-api").code == 0
    before = project_bytes(uit_project)
    done = cli("csr", "export", uit_project, "--cert", "atlas-api", "--out", tmp_path / "nowhere" / "a.pem")
    assert done.code == 1
    assert "does not exist" in one_line(done.err)
    assert "Nothing was written" in done.err
    assert project_bytes(uit_project) == before


def test_key_commands_on_a_folder_without_project(cli: Cli, tmp_path: Path, keychain: TestKeychain) -> None:
    done = cli("key", "generate", tmp_path, "--cert", "atlas-api")
    assert done.code == 1
    assert "There is no onboarding project in" in one_line(done.err)
    assert keychain.entries == {}


@pytest.mark.parametrize(("argv", "mentions"), [
    (["key", "generate", "DIR"], "--cert"),
    (["key", "generate", "--cert", "atlas-api"], "DIR"),
    (["csr", "export", "DIR", "--cert", "atlas-api"], "--out"),
    (["key"], "ACTION"),
    (["atlas", "save"], "DIR"),
])
def test_key_usage_errors(cli: Cli, argv: list[str], mentions: str) -> None:
    done = cli(*argv)
    assert done.code == 2
    assert done.err.count("\n") == 1
    assert done.err.startswith("dip-onboarding ")
    assert mentions in done.err
    assert "--help" in done.err


# ---------------------------------------------------------------- the file vault's passphrase


def _write(path: Path, text: str) -> Path:
    path.write_text(text + "\n", encoding="utf-8")
    return path


def test_file_vault_without_a_passphrase_file_or_terminal(typed: Typed, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", FAIL_BACKEND)
    folder = tmp_path / "acme"
    assert typed("project", "init", folder, "--org", "Acme Energy Ltd", "--company-number", "01234567",
                 "--domain", "acme.example", "--env", "uit").code == 0
    done = typed("key", "generate", folder, "--cert", "atlas-api", "--file-vault")
    assert done.code == 1
    err = one_line(done.err)
    assert err.startswith("dip-onboarding: --passphrase-file: No terminal to ask for the file vault passphrase")
    assert keys_of(folder) == []


@pytest.mark.parametrize(("content", "hint"), [
    ("short", "at least 12 characters"),
    ("aaaaaaaaaaaaaaaaaaaa", "repeats too few characters"),
    ("", "is empty"),
])
def test_weak_or_empty_passphrase_is_refused(cli: Cli, uit_project: Path, tmp_path: Path, user_home: Path,
                                             content: str, hint: str) -> None:
    before = project_bytes(uit_project)
    passphrase = tmp_path / "pp.txt"
    passphrase.write_text(content)
    done = cli("key", "generate", uit_project, "--cert", "atlas-api", "--file-vault", "--passphrase-file", passphrase)
    assert done.code == 1
    err = one_line(done.err)
    assert err.startswith("dip-onboarding: --passphrase-file: ")
    assert hint in err
    if content:
        assert content not in err
    assert project_bytes(uit_project) == before
    assert not (user_home / "data" / "vault" / "secrets.vault").exists()


def test_missing_passphrase_file(cli: Cli, uit_project: Path, tmp_path: Path) -> None:
    done = cli("key", "generate", uit_project, "--cert", "atlas-api", "--file-vault", "--passphrase-file",
               tmp_path / "nope.txt")
    assert done.code == 1
    assert one_line(done.err).startswith("dip-onboarding: --passphrase-file: Could not read the file vault "
                                         "passphrase from ")


def test_wrong_passphrase_is_refused(cli: Cli, uit_project: Path, tmp_path: Path, user_home: Path) -> None:
    right = _write(tmp_path / "right.txt", PASSPHRASE)
    wrong = _write(tmp_path / "wrong.txt", "not the right passphrase")
    assert cli("key", "generate", uit_project, "--cert", "atlas-api", "--file-vault", "--passphrase-file",
               right).code == 0
    vault_file = user_home / "data" / "vault" / "secrets.vault"
    vault_before, project_before = vault_file.read_bytes(), project_bytes(uit_project)
    done = cli("csr", "export", uit_project, "--cert", "atlas-api", "--out", tmp_path / "a.pem",
               "--passphrase-file", wrong)
    assert done.code == 1
    err = one_line(done.err)
    assert "That passphrase does not open the file vault" in err
    assert "not the right passphrase" not in err
    assert vault_file.read_bytes() == vault_before
    assert project_bytes(uit_project) == project_before
    assert not (tmp_path / "a.pem").exists()


# ---------------------------------------------------------------- Atlas credentials


@pytest.mark.parametrize(("key", "secret", "option", "hint"), [
    ("short", "S3cr3t-value-xyz", "--key-file", "does not look like an Atlas API key"),
    ("AKEY12345678", "has a space in it", "--secret-file", "does not look like an Atlas API secret"),
    ("SAME-value-123", "SAME-value-123", "--secret-file", "are the same"),
])
def test_atlas_save_refuses_bad_values_without_echoing_them(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                                            tmp_path: Path, key: str, secret: str, option: str,
                                                            hint: str) -> None:
    before = project_bytes(uit_project)
    done = cli("atlas", "save", uit_project, "--key-file", _write(tmp_path / "k", key),
               "--secret-file", _write(tmp_path / "s", secret))
    assert done.code == 1
    err = one_line(done.err)
    assert err.startswith(f"dip-onboarding: {option}: ")
    assert hint in err
    assert secret not in err
    assert keychain.entries == {}
    assert project_bytes(uit_project) == before


def test_atlas_save_stores_in_the_keychain_only(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                                tmp_path: Path) -> None:
    done = cli("atlas", "save", uit_project, "--key-file", _write(tmp_path / "k", "AKEY12345678"),
               "--secret-file", _write(tmp_path / "s", "S3cr3t-value-xyz"))
    assert done.code == 0, done.err
    assert "Stored the Atlas API key and secret in Test Keychain" in done.out
    text = project_bytes(uit_project).decode()
    assert "AKEY12345678" not in text
    assert "S3cr3t-value-xyz" not in text
    assert json.loads(text)["project"]["atlas_credentials"]["vault"] == "keychain"
    assert len(keychain.key_ids()) == 1


# ---------------------------------------------------------------- exports never overwrite by surprise


def test_csr_export_refuses_an_existing_file_unless_forced(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                                           tmp_path: Path) -> None:
    assert cli("key", "generate", uit_project, "--cert", "atlas-api").code == 0
    important = tmp_path / "notes.csr.pem"
    important.write_text("my notes")
    done = cli("csr", "export", uit_project, "--cert", "atlas-api", "--out", important)
    assert done.code == 1
    assert "already exists" in one_line(done.err)
    assert important.read_text() == "my notes"
    assert not (tmp_path / "notes.cnf").exists(), "nothing at all is written when one target is refused"
    assert cli("csr", "export", uit_project, "--cert", "atlas-api", "--out", important, "--force").code == 0
    assert important.read_text().startswith("-----BEGIN CERTIFICATE REQUEST-----")


def test_an_export_never_lands_on_the_project_file(cli: Cli, uit_project: Path, keychain: TestKeychain) -> None:
    assert cli("key", "generate", uit_project, "--cert", "atlas-api").code == 0
    before = project_bytes(uit_project)
    done = cli("csr", "export", uit_project, "--cert", "atlas-api", "--out", uit_project / "project.json", "--force")
    assert done.code == 1
    assert "one of the wizard's own files" in one_line(done.err)
    assert project_bytes(uit_project) == before


def test_exported_csr_files_are_readable_by_colleagues(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                                       tmp_path: Path) -> None:
    """A CSR and its OpenSSL files are public; the project file stays private."""
    if os.name != "posix":
        pytest.skip("POSIX file modes")
    assert cli("key", "generate", uit_project, "--cert", "atlas-api").code == 0
    out = tmp_path / "a.csr.pem"
    assert cli("csr", "export", uit_project, "--cert", "atlas-api", "--out", out).code == 0
    for path in (out, tmp_path / "a.cnf", tmp_path / "a.openssl.txt"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path
    assert stat.S_IMODE((uit_project / "project.json").stat().st_mode) == 0o600


def test_a_missing_file_vault_is_reported_not_quietly_made_anew(cli: Cli, uit_project: Path, user_home: Path,
                                                                tmp_path: Path) -> None:
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("correct horse battery staple\n")
    assert cli("key", "generate", uit_project, "--cert", "atlas-api", "--file-vault", "--passphrase-file",
               passphrase).code == 0
    vault_file = user_home / "data" / "vault" / "secrets.vault"
    vault_file.rename(tmp_path / "moved.vault")
    done = cli("csr", "export", uit_project, "--cert", "atlas-api", "--out", tmp_path / "a.csr.pem",
               "--passphrase-file", passphrase)
    assert done.code == 1
    assert "is missing" in one_line(done.err)
    assert not vault_file.exists(), "no new, empty vault is made in its place"
