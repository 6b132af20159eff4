"""Integration tests use the real OS keychain. Under CI they must run: a missing keychain fails them."""

from __future__ import annotations

import os

import pytest

from wizard.core.keychain import KeychainStatus, probe_keychain


@pytest.fixture
def real_keychain() -> KeychainStatus:
    status = probe_keychain(round_trip=False)
    if not status.is_os_keychain:
        message = (f"No OS keychain available ({status.backend}). Run inside a D-Bus session with an unlocked "
                   "gnome-keyring, as .ci/run does.")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return status
