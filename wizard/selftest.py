"""`dip-onboarding --self-test`: can the app run here? Imports, resources, profile, a window, the keychain.

Exits 0 when the app can run. A missing OS keychain is reported plainly but is not a failure: the wizard
runs without one, and says so where a key would be stored.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from wizard import __version__


def _check(label: str, action: Callable[[], str], results: list[bool]) -> None:
    from wizard.core.errors import WizardError

    try:
        detail = action()
    except WizardError as exc:
        print(f"FAIL  {label}: {exc}")
        results.append(False)
    except Exception as exc:
        print(f"FAIL  {label}: {type(exc).__name__}: {exc}")
        results.append(False)
    else:
        print(f"ok    {label}: {detail}")
        results.append(True)


def _imports() -> str:
    import cryptography
    import keyring
    import OpenSSL  # the webhook check's handshake (core/tls_probe.py): a frozen app must carry it
    import platformdirs
    import PySide6

    return (f"PySide6 {PySide6.__version__}, cryptography {cryptography.__version__}, "
            f"pyOpenSSL {OpenSSL.__version__}, "
            f"keyring {keyring.__version__ if hasattr(keyring, '__version__') else 'present'}, "
            f"platformdirs {platformdirs.__version__}")


def _resources() -> str:
    from wizard.app import default_profile_path, icon_path, resources_dir

    folder = resources_dir()
    if not default_profile_path().is_file():
        raise FileNotFoundError(f"no profile in {folder / 'profiles'}")
    if not icon_path().is_file():
        raise FileNotFoundError(f"no app icon in {folder / 'icons'}")
    from wizard.core.help import help_dir
    from wizard.core.help_topics import GUIDE, INDEX

    missing = [name for name in (INDEX, GUIDE, "glossary.html") if not (help_dir(folder) / name).is_file()]
    if missing:
        raise FileNotFoundError(f"no offline help ({', '.join(missing)}) in {help_dir(folder)}")
    return str(folder)


def _ca_roots() -> str:
    # certifi's bundle is data, not code: a frozen build that forgot it would run but fail every chain check.
    from wizard.core.certs import public_roots

    roots = public_roots()
    if not roots:
        raise FileNotFoundError("no public CA roots could be read (certifi's cacert.pem is missing or empty)")
    return f"{len(roots)} public CA roots"


def _profile(path: Path | None) -> Callable[[], str]:
    def load() -> str:
        from wizard.app import default_profile_path
        from wizard.core.profile import load_profile

        p = load_profile(path or default_profile_path())
        return (f"{p.name} {p.version}: {len(p.roles)} roles, {len(p.steps)} steps, "
                f"{len(p.certificate_kinds)} certificate kinds")
    return load


def show_window(profile_path: Path | None) -> int:
    """The child side of the window check: build and show the real main window, then report the platform."""
    from wizard.app import AppPaths, build_services
    from wizard.ui.dialogs import Dialogs
    from wizard.ui.main import make_application
    from wizard.ui.wizard import OnboardingWizard

    app = make_application()
    with tempfile.TemporaryDirectory(prefix="dip-onboarding-selftest-") as home:
        services = build_services(profile_path=profile_path, paths=AppPaths.under(Path(home)))
        window = OnboardingWizard(services, Dialogs())
        window.show()
        app.processEvents()
        visible = window.isVisible() and window.currentPage() is not None
        window.close()
    if not visible:
        print("the main window did not appear")
        return 1
    print(f"main window shown ({app.platformName()})")
    return 0


def _window(path: Path | None) -> Callable[[], str]:
    def show() -> str:
        # A child process, on the platform the app itself would use: if Qt cannot open a window here (a missing
        # system library, say), it aborts that process, and the self-test reports it instead of passing.
        from wizard.ui.main import has_display

        command = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "wizard"]
        command += ["--self-test-window", *(["--dip-profile", str(path)] if path else [])]
        env = dict(os.environ)
        if not has_display():
            env["QT_QPA_PLATFORM"] = "offscreen"
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=90, env=env, check=False)
        except subprocess.TimeoutExpired:
            raise RuntimeError("the window did not open within 90 seconds") from None
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or result.stdout.strip().splitlines() or ["no output"])[-1]
            raise RuntimeError(f"the window could not open (exit {result.returncode}): {last}")
        return result.stdout.strip().splitlines()[-1]
    return show


def run_self_test(profile_path: Path | None) -> int:
    from wizard.core.keychain import probe_keychain

    print(f"dip-onboarding {__version__} self-test")
    results: list[bool] = []
    _check("imports", _imports, results)
    _check("resources", _resources, results)
    _check("profile", _profile(profile_path), results)
    _check("CA roots", _ca_roots, results)
    _check("window", _window(profile_path), results)
    status = probe_keychain(round_trip=True)
    if status.is_os_keychain and status.works:
        print(f"ok    keychain: {status.name} ({status.backend}): {status.detail}")
    elif status.is_os_keychain:
        print(f"warn  keychain: {status.name} ({status.backend}) found but not usable: {status.detail}")
    else:
        print(f"warn  keychain: none. {status.detail}")
    ok = all(results)
    print("The app can run here." if ok else "The app cannot run here; see FAIL above.")
    return 0 if ok else 1
