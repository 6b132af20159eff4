"""The self-test against the real OS keychain (Secret Service in CI): it must find it by name and use it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from wizard.core.keychain import SERVICE, KeychainStatus, probe_keychain

pytestmark = pytest.mark.keychain


def test_probe_round_trips_through_the_real_keychain(real_keychain: KeychainStatus) -> None:
    status = probe_keychain(round_trip=True)
    assert status.is_os_keychain
    assert status.works is True, status.detail
    assert status.name == real_keychain.name


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="searches the Secret Service directly")
def test_probe_leaves_no_entry_behind(real_keychain: KeychainStatus) -> None:
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        collection = secretstorage.get_default_collection(connection)
        before = len(list(collection.search_items({"service": SERVICE})))
        assert probe_keychain(round_trip=True).works is True
        after = list(collection.search_items({"service": SERVICE}))
    finally:
        connection.close()
    assert len(after) == before, [item.get_attributes() for item in after]


def test_self_test_names_the_keychain_backend(real_keychain: KeychainStatus) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-m", "wizard", "--self-test"], capture_output=True, text=True,
                            env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(x for x in result.stdout.splitlines() if "keychain:" in x)
    assert line.startswith("ok"), line
    assert real_keychain.name in line
    assert "store, read and delete worked" in line
    assert "Traceback" not in result.stderr
