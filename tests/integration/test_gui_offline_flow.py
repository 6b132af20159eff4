"""The whole GUI journey of tests/ui/test_whole_journey.py — by keyboard: new project → people → key → CSR →
certificate from a test CA → PFX — against the REAL keychain (Secret Service), with the network blocked in this
process for the whole test (only AF_UNIX, which D-Bus uses, is allowed; the guard is shown to refuse inside the same
test). Afterwards every file under the test's home, data, config, log, cache, temp and output folders is searched for
the private key unencrypted (the scanner of test_keys_secret_service.py), and every log record any logger made at
DEBUG (the wizard's, keyring's, secretstorage's, jeepney's, Qt's messages) for the key and the PFX passphrase."""

from __future__ import annotations

import logging
import socket
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from tests.integration.test_keys_secret_service import PEM_MARKER, Needle, files_under, key_needles, scan
from tests.pki import make_ca
from tests.ui.conftest import FIXED_NOW, FakeDialogs
from tests.ui.test_whole_journey import walk_to_an_exported_pfx
from wizard.app import AppPaths, build_services
from wizard.core.keychain import KeychainStatus
from wizard.core.keys import load_private_key
from wizard.core.vault import Vault, VaultProvider, open_keychain
from wizard.ui.wizard import OnboardingWizard

pytestmark = [pytest.mark.keychain,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Secret Service over AF_UNIX D-Bus")]


class NetworkGuard:
    """In this process: every connect / connect_ex on a non-AF_UNIX socket and every name lookup is refused
    (OSError, as an unplugged network gives) and written down."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.attempts: list[str] = []
        connect, connect_ex = socket.socket.connect, socket.socket.connect_ex
        guard = self

        def refuse(what: str, address: Any) -> None:
            guard.attempts.append(f"{what} {address!r}")
            raise OSError(101, f"network blocked by the offline test: {what} {address!r}")

        def guarded_connect(self: socket.socket, address: Any) -> None:
            if self.family != socket.AF_UNIX:
                refuse("connect", address)
            connect(self, address)

        def guarded_connect_ex(self: socket.socket, address: Any) -> int:
            if self.family != socket.AF_UNIX:
                refuse("connect_ex", address)
            return connect_ex(self, address)

        def guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            refuse("getaddrinfo", host)

        monkeypatch.setattr(socket.socket, "connect", guarded_connect)
        monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
        monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)

    def refuses_a_connection(self) -> bool:
        """Tries TCP to a local port, UDP to a documentation address and a name lookup: all must be refused."""
        before = len(self.attempts)
        refused = 0
        for attempt in (lambda: socket.create_connection(("127.0.0.1", 9), timeout=1),
                        lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).connect(("192.0.2.1", 53)),
                        lambda: socket.getaddrinfo("example.org", 443)):
            try:
                attempt()
            except OSError as exc:
                refused += "blocked by the offline test" in str(exc)
        del self.attempts[before:]  # the self-check's own attempts are not the app's
        return refused == 3


@pytest.fixture
def network_guard(monkeypatch: pytest.MonkeyPatch) -> Iterator[NetworkGuard]:
    return NetworkGuard(monkeypatch)


def test_the_in_process_guard_refuses_and_lets_d_bus_through(network_guard: NetworkGuard, tmp_path: Path) -> None:
    assert network_guard.refuses_a_connection()
    assert network_guard.attempts == []
    with pytest.raises(OSError, match="blocked"):
        socket.create_connection(("localhost", 443), timeout=1)
    assert network_guard.attempts == ["getaddrinfo 'localhost'"]
    # AF_UNIX (D-Bus) is let through: a local socket pair of our own connects.
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "s"))
    server.listen(1)
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(str(tmp_path / "s"))
    server.close()


def log_needles(passphrase: str) -> list[Needle]:
    return [Needle("the PFX passphrase", passphrase.encode())]


def test_whole_gui_journey_offline_with_the_real_keychain_leaves_no_key_on_disk_or_in_logs(
        real_keychain: KeychainStatus, network_guard: NetworkGuard, qtbot: QtBot, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    # Every per-user folder a library or Qt might write to, and the temp folder, under tmp_path. XDG_DATA_HOME and
    # XDG_RUNTIME_DIR stay: gnome-keyring's files and the D-Bus socket live there.
    user = tmp_path / "user"
    temp = tmp_path / "tmp"
    temp.mkdir()
    for name, folder in (("HOME", user), ("XDG_CONFIG_HOME", user / "config"), ("XDG_CACHE_HOME", user / "cache"),
                         ("XDG_STATE_HOME", user / "state"), ("TMPDIR", temp)):
        monkeypatch.setenv(name, str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    caplog.set_level(logging.DEBUG)  # the root logger: every logger that propagates
    for name in ("keyring", "secretstorage", "jeepney"):
        logging.getLogger(name).debug("capture check %s", name)
    assert [r.name for r in caplog.records] == ["keyring", "secretstorage", "jeepney"], "logs are captured"
    caplog.clear()

    home, out = tmp_path / "home", tmp_path / "out"
    out.mkdir()
    paths = AppPaths.under(home)
    services = build_services(paths=paths, clock=lambda: FIXED_NOW,
                              vaults=VaultProvider(paths.data_dir / "vault" / "secrets.vault", keychain=open_keychain))
    dialogs = FakeDialogs()
    window = OnboardingWizard(services, dialogs)
    qtbot.addWidget(window)
    vault = Vault(open_keychain())
    try:
        passphrase = walk_to_an_exported_pfx(qtbot, window, dialogs, make_ca("Northwind Demo Test", FIXED_NOW), out)
        assert window.session is not None
        [record] = window.session.project.keys
        assert record.vault == "keychain"
        key = load_private_key(vault, record)  # it is in the real keychain...
        assert network_guard.refuses_a_connection(), "the guard is still on at the end of the journey"
        assert network_guard.attempts == [], "the journey tried to reach the network"
        assert "PySide6.QtNetwork" not in sys.modules, "Qt's own networking (which bypasses socket) was loaded"

        # ...and in no file the journey wrote, in plain.
        written = sorted(files_under([home, out, user, temp]))
        assert window.session.folder / "project.json" in written
        assert out / "acme-mtls.pfx" in written
        needles = [PEM_MARKER, *key_needles("dip-mtls", key)]
        assert scan(written, needles) == []
        assert scan(written, log_needles(passphrase)) == [], "the PFX passphrase was written somewhere"
        # ...nor in any log record (message, arguments or traceback).
        logged = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records).encode()
        leak = tmp_path / "logged.txt"
        leak.write_bytes(logged + caplog.text.encode())
        assert scan([leak], [*needles, *log_needles(passphrase)]) == []
        # The same scan does find the key where it is in plain.
        leak.write_bytes(key.private_bytes(*_plain_pkcs8()))
        assert scan([leak], key_needles("dip-mtls", key))
    finally:
        if window.session is not None:
            for stored in window.session.project.keys:
                vault.delete(stored.vault_entry)


def _plain_pkcs8() -> tuple[Any, Any, Any]:
    from cryptography.hazmat.primitives import serialization

    return (serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
