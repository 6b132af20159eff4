"""Shared test set-up: headless Qt, per-test user folders, and no accidental use of the real keychain."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail

# tests/windows uses keyring's real Windows backend: only on Windows (the Windows stage runs it under Wine).
collect_ignore = [] if sys.platform == "win32" else ["windows"]


def pytest_configure(config: pytest.Config) -> None:
    # Without a display Qt aborts the whole process; offscreen renders real widgets with no screen.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own config/data/log folders; the user's real ones are never touched."""
    home = tmp_path / "dip-home"
    monkeypatch.setenv("DIP_ONBOARDING_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def no_os_keychain(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Only tests marked `keychain` reach the real OS keychain. The others get keyring's fail backend, so the wizard
    finds no keychain and anything that calls keyring by mistake fails loudly; a test that needs a keychain gives
    the wizard `wizard.core.memory_keychain.MemoryKeychain`. It is named in PYTHON_KEYRING_BACKEND too: the wizard
    asks keyring's configuration before taking the platform's backend directly (core/keychain.keyrings_choice), and
    so do the processes a test starts."""
    if request.node.get_closest_marker("keychain"):
        yield
        return
    previous = keyring.get_keyring()  # before the variable below: keyring's first lookup would read it
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


if sys.platform == "win32":

    @pytest.fixture(autouse=True, scope="session")
    def windows_credential_limit() -> Iterator[None]:
        """On Windows every test that reaches the real Credential Manager meets its 2,560-byte limit, which Wine
        does not enforce by itself (tests/windows/credential_limit.py)."""
        from tests.windows.credential_limit import enforced

        with enforced():
            yield
