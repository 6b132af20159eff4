"""Which OS keychain `keyring` would use here, named in plain words, and whether it works.

`keyring` is imported lazily: it costs ~90 ms at start-up and is only needed when a secret is touched.
"""

from __future__ import annotations

import functools
import secrets
import threading
from dataclasses import dataclass
from typing import Any

SERVICE = "org.diponboarding.wizard"

# Backends that keep secrets in the operating system's own protected store.
_OS_BACKENDS = {
    "keyring.backends.macOS.Keyring": "macOS Keychain",
    "keyring.backends.Windows.WinVaultKeyring": "Windows Credential Manager",
    "keyring.backends.SecretService.Keyring": "Secret Service (GNOME Keyring or KWallet)",
    "keyring.backends.kwallet.DBusKeyring": "KWallet",
    "keyring.backends.libsecret.Keyring": "Secret Service (libsecret)",
}


@dataclass(frozen=True, slots=True)
class KeychainStatus:
    backend: str
    name: str
    is_os_keychain: bool
    works: bool | None
    detail: str


def _qualified(backend: Any) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _os_backend(backend: Any) -> Any | None:
    qualified = _qualified(backend)
    if qualified in _OS_BACKENDS:
        return backend
    # The chainer wraps several backends; the first OS one among them is what is really used.
    for inner in getattr(backend, "backends", ()):
        if _qualified(inner) in _OS_BACKENDS:
            return inner
    return None


def os_keychain_backend() -> tuple[Any, str] | None:
    """The OS keychain backend keyring would use here and its plain name, or None when there is none.

    File-based backends (keyrings.alt), the null and fail backends are never treated as a keychain.
    """
    try:
        chosen = _os_backend(keyrings_choice())
    except Exception:
        return None
    return (chosen, _OS_BACKENDS[_qualified(chosen)]) if chosen is not None else None


def keyrings_choice() -> Any:
    """The backend keyring chooses here, found the quick way when that is sure to give the same answer.

    keyring's own discovery (`keyring.get_keyring`) imports every backend it knows (the macOS one on Linux too) and
    reads every installed package's entry points: ~55 of the ~135 ms a first keychain lookup took. When neither
    PYTHON_KEYRING_BACKEND nor keyring's config file names a backend and the platform's own one works, discovery
    picks that one (it has the highest priority: Windows' and macOS' are the only OS backends there; on Linux the
    Secret Service outranks KWallet and libsecret except in a KDE session, which is left to discovery)."""
    import keyring
    import keyring.core

    configured = keyring.core.load_env() or keyring.core.load_config()
    if configured is not None:
        return configured
    return _platform_backend() or keyring.get_keyring()


@functools.lru_cache(maxsize=1)
def _platform_backend() -> Any | None:
    """Asked once per process, as keyring's discovery is: whether the backend works costs a D-Bus connection on
    Linux."""
    import os
    import sys

    if sys.platform == "win32":
        from keyring.backends import Windows

        kind: Any = Windows.WinVaultKeyring
    elif sys.platform == "darwin":
        from keyring.backends import macOS

        kind = macOS.Keyring
    elif sys.platform.startswith("linux") and "KDE" not in os.environ.get("XDG_CURRENT_DESKTOP", "").upper():
        from keyring.backends import SecretService

        kind = SecretService.Keyring
    else:
        return None
    return kind() if kind.viable else None  # type: ignore[no-untyped-call]


def probe_keychain(*, round_trip: bool, timeout: float = 15.0) -> KeychainStatus:
    """Name the keychain backend; with `round_trip`, store, read back and delete a throwaway entry.

    A locked or unresponsive keychain is reported, never waited on for ever: the round trip runs in a
    daemon thread and is abandoned after `timeout` seconds.
    """
    try:
        backend = keyrings_choice()  # the one the vaults use (os_keychain_backend)
    except Exception as exc:
        return KeychainStatus("none", "none", False, False, f"keyring could not start: {type(exc).__name__}")
    chosen = _os_backend(backend)
    qualified = _qualified(chosen if chosen is not None else backend)
    if chosen is None:
        return KeychainStatus(qualified, "none", False, False,
                              "No OS keychain was found. On Linux, install and unlock GNOME Keyring or KWallet "
                              "(a desktop session normally provides one). Private keys cannot be stored until "
                              "one is available.")
    name = _OS_BACKENDS[qualified]
    if not round_trip:
        return KeychainStatus(qualified, name, True, None, "found")
    outcome: list[str] = []

    def attempt() -> None:
        user = "self-test-" + secrets.token_hex(4)
        value = secrets.token_urlsafe(24)
        try:
            chosen.set_password(SERVICE, user, value)
            ok = chosen.get_password(SERVICE, user) == value
            chosen.delete_password(SERVICE, user)
            outcome.append("ok" if ok else "read back something else")
        except Exception as exc:
            outcome.append(type(exc).__name__)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        return KeychainStatus(qualified, name, True, False, "did not answer: it may be locked and waiting "
                                                            "for a password prompt")
    if outcome[0] == "ok":
        return KeychainStatus(qualified, name, True, True, "store, read and delete worked")
    hint = "it may be locked; unlock it and try again" if "Locked" in outcome[0] else "it refused access"
    return KeychainStatus(qualified, name, True, False, f"{outcome[0]}: {hint}")
