"""--self-test opens the window the way the app would, so a machine where Qt cannot open one fails it."""

from __future__ import annotations

import os
import subprocess
import sys


def test_self_test_fails_when_no_window_can_open() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "no-such-platform",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    result = subprocess.run([sys.executable, "-m", "wizard", "--self-test"], capture_output=True, text=True,
                            env=env, timeout=180, check=False)
    assert result.returncode == 1, result.stdout
    assert "FAIL  window: RuntimeError: the window could not open" in result.stdout
    assert "The app cannot run here" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
