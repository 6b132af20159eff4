"""`status` says each key's state as the GUI's Keys page does: certificate imported, a brought-in key as brought in,
waiting, expired; and the journey's unnumbered steps are named once."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from test_cli_key_lifecycle import certificate_file, clock_at, csr_of, issuer
from test_cli_keys import Cli, TestKeychain, keychain

from tests.pki import Issuer, rsa_key

__all__ = ["issuer", "keychain"]  # the fixtures, imported so pytest finds them here
TODAY = dt.datetime.now(dt.UTC)


def key_line(cli: Cli, project: Path) -> str:
    done = cli("status", project)
    assert done.code == 0, done.err
    [line] = [x for x in done.out.splitlines() if x.startswith("  DIP mTLS client certificate: ")
              and "fingerprint" in x]
    return line


def test_imported_then_expired(cli: Cli, uit_project: Path, keychain: TestKeychain, issuer: Issuer,
                               tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cli("key", "generate", uit_project, "--cert", "dip-mtls").code == 0
    assert "CSR exported" not in key_line(cli, uit_project)
    cert = certificate_file(issuer, csr_of(cli, uit_project, tmp_path, "first"), tmp_path, "first",
                            starts=TODAY - dt.timedelta(days=30), days=60)
    assert "CSR exported" in key_line(cli, uit_project)
    assert cli("cert", "import", uit_project, cert).code == 0
    assert "certificate imported" in key_line(cli, uit_project)
    assert "CSR exported" not in key_line(cli, uit_project)
    clock_at(monkeypatch, TODAY + dt.timedelta(days=31))
    assert "expired" in key_line(cli, uit_project)


def test_waiting(cli: Cli, uit_project: Path, keychain: TestKeychain, issuer: Issuer, tmp_path: Path) -> None:
    assert cli("key", "generate", uit_project, "--cert", "dip-mtls").code == 0
    starts = TODAY + dt.timedelta(days=5)
    cert = certificate_file(issuer, csr_of(cli, uit_project, tmp_path, "later"), tmp_path, "later", starts=starts)
    assert cli("cert", "import", uit_project, cert).code == 0
    assert f"waiting, valid from {starts:%d %b %Y}" in key_line(cli, uit_project)


def test_a_brought_in_key_reads_as_brought_in(cli: Cli, uit_project: Path, keychain: TestKeychain,
                                              tmp_path: Path) -> None:
    key_file = tmp_path / "own.key.pem"
    key_file.write_bytes(rsa_key(3).private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                  serialization.BestAvailableEncryption(b"their secret 1")))
    password = tmp_path / "pw"
    password.write_text("their secret 1\n")
    done = cli("key", "import", uit_project, key_file, "--cert", "dip-mtls", "--password-file", password)
    assert done.code == 0, done.err
    line = key_line(cli, uit_project)
    assert "brought in" in line
    assert "key made" not in line
    [key] = json.loads(cli("status", uit_project, "--json").out)["keys"]
    assert key["brought_in"] is True


def test_an_unnumbered_step_is_named_once(cli: Cli, uit_project: Path) -> None:
    done = cli("status", uit_project)
    assert done.code == 0, done.err
    assert "Before you start" in done.out
    assert "Before you start — Before you start" not in done.out
    assert "Before you start: Before you start" not in done.out
