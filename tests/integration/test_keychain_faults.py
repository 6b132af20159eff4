"""The real Secret Service: one connection per secret, and what happens when the keychain is changed behind the
wizard's back (an entry deleted with `secret-tool clear`, the collection locked)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.test_keys_secret_service import User, init_project, one_line, secret_service_items
from wizard.core.keychain import SERVICE, KeychainStatus
from wizard.core.store import load_project
from wizard.core.vault import Vault, open_keychain

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="drives the Secret Service directly")


@pytest.mark.keychain
@linux_only
def test_a_whole_secret_uses_one_dbus_connection(real_keychain: KeychainStatus,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """keyring opens a D-Bus connection per entry; a vault write, read and delete of an RSA-4096-sized secret
    (four parts and an index) open one each, and keyring itself reads what was written."""
    import keyring
    import secretstorage

    opened: list[object] = []
    real_init = secretstorage.dbus_init

    def counting_init() -> object:
        connection = real_init()
        opened.append(connection)
        return connection

    monkeypatch.setattr(secretstorage, "dbus_init", counting_init)
    vault = Vault(open_keychain())
    data = bytes(range(256)) * 10  # 2,560 bytes: four 1,000-character parts, as an RSA-4096 key
    vault.put("k-batchtest", data)
    assert len(opened) == 1
    try:
        assert keyring.get_password(SERVICE, "k-batchtest/part-3")  # keyring's own lookup finds our entries
        opened.clear()
        assert vault.get("k-batchtest") == data
        assert len(opened) == 1
    finally:
        opened.clear()
        vault.delete("k-batchtest")
    assert len(opened) == 1
    assert not [name for name in secret_service_items() if name.startswith("k-batchtest/")]


@pytest.fixture
def user(tmp_path: Path) -> User:
    home = tmp_path / "dip-home"
    env = {k: v for k, v in os.environ.items() if k != "PYTHON_KEYRING_BACKEND"}
    env["DIP_ONBOARDING_HOME"] = str(home)
    return User(home, env)


@pytest.mark.keychain
@linux_only
def test_an_entry_deleted_behind_the_wizards_back(real_keychain: KeychainStatus, user: User, tmp_path: Path) -> None:
    """Part of one key removed with `secret-tool clear`: exporting its CSR says so in one line and what to do;
    the project file is not touched and the other key still works."""
    secret_tool = shutil.which("secret-tool")
    if secret_tool is None:
        pytest.fail("secret-tool is not installed (.ci/run installs libsecret-tools)")
    folder = tmp_path / "acme"
    init_project(user, folder)
    for kind in ("dip-mtls", "atlas-api"):
        done = user.run("key", "generate", folder, "--cert", kind)
        assert done.returncode == 0, done.stderr
    records = {k.kind: k for k in load_project(folder).keys}
    vault = Vault(open_keychain())
    try:
        cleared = subprocess.run([secret_tool, "clear", "service", SERVICE, "username",
                                  f"{records['dip-mtls'].vault_entry}/part-1"], capture_output=True, text=True,
                                 timeout=30, check=False)
        assert cleared.returncode == 0, cleared.stderr
        assert f"{records['dip-mtls'].vault_entry}/part-1" not in secret_service_items()
        before = (folder / "project.json").read_bytes()

        done = user.run("csr", "export", folder, "--cert", "dip-mtls", "--out", tmp_path / "mtls.csr.pem")
        assert done.returncode == 1
        err = one_line(done.stderr)
        assert "part 2 of 2 is missing" in err
        assert "make a new one" in err
        assert not (tmp_path / "mtls.csr.pem").exists()
        assert (folder / "project.json").read_bytes() == before

        done = user.run("csr", "export", folder, "--cert", "atlas-api", "--out", tmp_path / "atlas.csr.pem")
        assert done.returncode == 0, done.stderr
        assert (tmp_path / "atlas.csr.pem").read_text().startswith("-----BEGIN CERTIFICATE REQUEST-----")
    finally:
        for record in records.values():
            vault.delete(record.vault_entry)
    left = [name for name in secret_service_items() if name.rsplit("/", 2)[-2] in {r.id for r in records.values()}]
    assert left == []
