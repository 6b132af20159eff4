"""The keychain lookup takes keyring's choice the quick way (wizard/core/keychain.keyrings_choice) only where that
is keyring's own choice: checked against keyring's discovery in the real Secret Service session."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from wizard.core.keychain import KeychainStatus

pytestmark = pytest.mark.keychain

# What a child process prints: the backend chosen, and whether discovery's imports happened.
PROBE = ("import sys\n"
         "from wizard.core.keychain import keyrings_choice\n"
         "chosen = keyrings_choice()\n"
         "print(type(chosen).__module__ + '.' + type(chosen).__qualname__)\n"
         "print('keyring.backends.macOS' in sys.modules, 'keyring.backends.kwallet' in sys.modules)\n")


def _choice(**env: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=False, timeout=60,
                          env={**os.environ, **env})
    assert done.returncode == 0, done.stderr
    return done.stdout.split("\n")[:2]


def _discovered(**env: str) -> str:
    code = ("import keyring\nfrom wizard.core.keychain import _os_backend\n"
            "b = _os_backend(keyring.get_keyring()) or keyring.get_keyring()\n"
            "print(type(b).__module__ + '.' + type(b).__qualname__)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60,
                          env={**os.environ, **env})
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_secret_service_is_taken_without_keyrings_discovery(real_keychain: KeychainStatus) -> None:
    chosen, imports = _choice(XDG_CURRENT_DESKTOP="GNOME")
    assert chosen == "keyring.backends.SecretService.Keyring"
    assert chosen == _discovered(XDG_CURRENT_DESKTOP="GNOME"), "the same backend keyring's discovery chooses"
    assert imports == "False False", "no other backend imported (discovery imports every one, macOS's too)"


def test_a_kde_session_is_left_to_keyrings_discovery(real_keychain: KeychainStatus) -> None:
    """Under KDE, keyring ranks KWallet above the Secret Service: the quick way does not guess."""
    chosen, imports = _choice(XDG_CURRENT_DESKTOP="KDE")
    assert imports == "True True", "discovery ran"
    assert chosen == _discovered(XDG_CURRENT_DESKTOP="KDE")


def test_a_backend_named_in_the_environment_is_kept(real_keychain: KeychainStatus) -> None:
    chosen, _ = _choice(PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    assert chosen == "keyring.backends.null.Keyring", "as keyring itself does: the user's choice first"
