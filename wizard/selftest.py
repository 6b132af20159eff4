"""`dip-onboarding --self-test`: can the app run here? Imports, resources, profile, a window, the keychain.

Exits 0 when the app can run. A missing OS keychain is reported plainly but is not a failure: the wizard
runs without one, and says so where a key would be stored.
"""

from __future__ import annotations

import os
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
    import platformdirs
    import PySide6

    return (f"PySide6 {PySide6.__version__}, cryptography {cryptography.__version__}, "
            f"keyring {keyring.__version__ if hasattr(keyring, '__version__') else 'present'}, "
            f"platformdirs {platformdirs.__version__}")


def _resources() -> str:
    from wizard.app import default_profile_path, resources_dir

    folder = resources_dir()
    if not default_profile_path().is_file():
        raise FileNotFoundError(f"no profile in {folder / 'profiles'}")
    return str(folder)


def _profile(path: Path | None) -> Callable[[], str]:
    def load() -> str:
        from wizard.app import default_profile_path
        from wizard.core.profile import load_profile

        p = load_profile(path or default_profile_path())
        return (f"{p.name} {p.version}: {len(p.roles)} roles, {len(p.steps)} steps, "
                f"{len(p.certificate_kinds)} certificate kinds")
    return load


def _window(path: Path | None) -> Callable[[], str]:
    def show() -> str:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from wizard.app import AppPaths, build_services
        from wizard.ui.dialogs import Dialogs
        from wizard.ui.main import make_application
        from wizard.ui.wizard import OnboardingWizard

        app = make_application()
        with tempfile.TemporaryDirectory(prefix="dip-onboarding-selftest-") as home:
            services = build_services(profile_path=path, paths=AppPaths.under(Path(home)))
            window = OnboardingWizard(services, Dialogs())
            window.show()
            app.processEvents()
            visible = window.isVisible() and window.currentPage() is not None
            window.close()
        if not visible:
            raise RuntimeError("the main window did not appear")
        return f"main window shown ({app.platformName()})"
    return show


def run_self_test(profile_path: Path | None) -> int:
    from wizard.core.keychain import probe_keychain

    print(f"dip-onboarding {__version__} self-test")
    results: list[bool] = []
    _check("imports", _imports, results)
    _check("resources", _resources, results)
    _check("profile", _profile(profile_path), results)
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
