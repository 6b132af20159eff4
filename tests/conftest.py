"""Shared test set-up: headless Qt, per-test user folders, and no accidental use of the real keychain."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

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


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in memory, for unit tests.

    keyring registers every KeyringBackend subclass as a candidate for its automatic choice, so the priority is
    negative: keyring must never pick this on its own (only `set_keyring` below installs it).
    """

    priority = -1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


@pytest.fixture(autouse=True)
def memory_keychain(request: pytest.FixtureRequest) -> Iterator[None]:
    """Unit tests get an in-memory keyring; only tests marked `keychain` reach the real OS keychain."""
    if request.node.get_closest_marker("keychain"):
        yield
        return
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
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
