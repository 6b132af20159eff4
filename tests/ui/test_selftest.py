"""--self-test opens the window the way the app would, so a machine where Qt cannot open one fails it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication


def test_self_test_fails_when_no_window_can_open() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "no-such-platform",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    result = subprocess.run([sys.executable, "-m", "wizard", "--self-test"], capture_output=True, text=True,
                            env=env, timeout=180, check=False)
    assert result.returncode == 1, result.stdout
    assert "FAIL  window: RuntimeError: the window could not open" in result.stdout
    assert "The app cannot run here" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_self_test_checks_the_app_icon_ships(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A frozen build that left out resources/icons must fail its self-test, not start without an icon.
    from wizard.app import RESOURCES_ENV, resources_dir
    from wizard.selftest import _resources

    shipped = resources_dir()
    assert _resources() == str(shipped)
    shutil.copytree(shipped / "profiles", tmp_path / "profiles")
    monkeypatch.setenv(RESOURCES_ENV, str(tmp_path))
    with pytest.raises(FileNotFoundError, match="no app icon"):
        _resources()
    shutil.copytree(shipped / "icons", tmp_path / "icons")
    with pytest.raises(FileNotFoundError, match="no offline help"):
        _resources()
    shutil.copytree(shipped / "help", tmp_path / "help")
    assert _resources() == str(tmp_path)


def test_self_test_checks_the_public_ca_roots_ship(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import certifi

    from wizard.core import certs
    from wizard.selftest import _ca_roots

    certs.public_roots.cache_clear()
    assert int(_ca_roots().split()[0]) > 50  # certifi carries well over a hundred roots
    empty = tmp_path / "cacert.pem"
    empty.write_bytes(b"")
    monkeypatch.setattr(certifi, "where", lambda: str(empty))
    certs.public_roots.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="no public CA roots"):
            _ca_roots()
    finally:
        certs.public_roots.cache_clear()


def test_app_icon_is_drawn_from_the_svg(qapp: QApplication, monkeypatch: pytest.MonkeyPatch,
                                        tmp_path: Path) -> None:
    from wizard.app import RESOURCES_ENV
    from wizard.ui.main import app_icon

    image = app_icon().pixmap(64, 64).toImage()
    assert not image.isNull()
    centre = image.pixelColor(32, 32)  # the icon's spark, on its blue tile: not transparent
    assert centre.alpha() == 255
    monkeypatch.setenv(RESOURCES_ENV, str(tmp_path))
    assert app_icon().isNull()


def test_the_application_carries_the_app_icon() -> None:
    code = ("from wizard.ui.main import make_application; app = make_application(); "
            "print(app.windowIcon().availableSizes() or app.windowIcon().pixmap(32, 32).size().width())")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() not in ("", "0", "[]"), result.stdout
