"""The key vault through keyring's real Windows backend (WinVaultKeyring → Credential Manager), with Windows'
2,560-byte limit per entry enforced (credential_limit.py): keys of every algorithm the wizard makes are split,
stored, read back and deleted whole. Collected only on Windows (tests/conftest.py); the Windows stage runs them
under Wine (installers/windows/under_wine.py)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from cryptography.hazmat.primitives import serialization
from keyring.backends import Windows

from tests.windows.credential_limit import CRED_MAX_CREDENTIAL_BLOB_SIZE, RPC_X_BAD_STUB_DATA, enforced
from wizard.core import vault as vault_module
from wizard.core.keychain import SERVICE, os_keychain_backend, probe_keychain
from wizard.core.keys import create_key, load_private_key
from wizard.core.profile import load_profile
from wizard.core.vault import Vault, VaultError, open_keychain

pytestmark = pytest.mark.keychain
PROFILE = Path(__file__).resolve().parents[2] / "resources" / "profiles" / "dip-mhhs.toml"
NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def limit() -> Iterator[list[int]]:
    with enforced() as written:
        yield written


@pytest.fixture
def vault() -> Vault:
    return Vault(open_keychain())


def entries_of(name: str) -> list[str]:
    """The Credential Manager entries of one vault secret, as keyring's backend sees them."""
    backend = keyring.get_keyring()
    found = [f"{name}/index"] if backend.get_password(SERVICE, f"{name}/index") is not None else []
    i = 0
    while backend.get_password(SERVICE, f"{name}/part-{i}") is not None:
        found.append(f"{name}/part-{i}")
        i += 1
    return found


def test_the_keychain_is_windows_credential_manager_through_winvaultkeyring() -> None:
    found = os_keychain_backend()
    assert found is not None
    backend, name = found
    assert type(backend).__module__ + "." + type(backend).__qualname__ == "keyring.backends.Windows.WinVaultKeyring"
    assert name == "Windows Credential Manager"
    status = probe_keychain(round_trip=True)
    assert (status.name, status.works) == ("Windows Credential Manager", True), status.detail


def test_the_limit_is_enforced_as_windows_enforces_it(limit: list[int]) -> None:
    backend = keyring.get_keyring()
    entry = "limit-probe-" + secrets.token_hex(4)
    backend.set_password(SERVICE, entry, "x" * 1280)  # 2,560 bytes: the most Windows takes
    try:
        assert backend.get_password(SERVICE, entry) == "x" * 1280
        with pytest.raises(Windows.pywintypes.error, match="bad data") as refused:
            backend.set_password(SERVICE, entry, "x" * 1281)
        assert refused.value.winerror == RPC_X_BAD_STUB_DATA
    finally:
        backend.delete_password(SERVICE, entry)
    assert backend.get_password(SERVICE, entry) is None


@pytest.mark.parametrize("algorithm", ["rsa-2048", "rsa-3072", "rsa-4096", "ec-p256", "ec-p384"])
def test_every_key_the_wizard_makes_goes_through_credential_manager_whole(
        algorithm: str, vault: Vault, limit: list[int]) -> None:
    kind = load_profile(PROFILE).certificate_kind("dip-signing")
    new = create_key(kind, algorithm, vault, NOW)
    name = new.record.id
    try:
        key = load_private_key(vault, new.record)
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        base64_chars = 4 * -(-len(der) // 3)
        parts = -(-base64_chars // vault_module.CHUNK_CHARS)
        assert entries_of(name) == [f"{name}/index", *(f"{name}/part-{i}" for i in range(parts))]
        assert limit
        assert max(limit) <= CRED_MAX_CREDENTIAL_BLOB_SIZE
        if algorithm == "rsa-4096":
            # Why the vault splits keys: this one is more than one Credential Manager entry may hold.
            assert base64_chars * 2 > CRED_MAX_CREDENTIAL_BLOB_SIZE
            assert parts >= 4
    finally:
        vault.delete(name)
    assert entries_of(name) == []


def test_an_entry_windows_refuses_is_a_plain_error_and_leaves_nothing_behind(
        vault: Vault, limit: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    # A vault that split secrets too coarsely would meet Windows' refusal: it must say so plainly and keep no part.
    monkeypatch.setattr(vault_module, "CHUNK_CHARS", 2000)
    name = "k-" + secrets.token_hex(8)
    with pytest.raises(VaultError) as refused:
        vault.put(name, secrets.token_bytes(3000))
    assert "Windows Credential Manager" in str(refused.value)
    assert "Nothing was changed" in str(refused.value)
    assert entries_of(name) == []
