"""Composition root: resolves paths, loads the profile, builds the services. Nothing else constructs these.

No work happens at import time; `build_services()` is called once by the CLI or the GUI entry point. The CLI loads
and checks the profile at once; the GUI may leave it (and the vaults) to their first use, so that its first window
is painted before they are loaded (bench/README.md, startup_ratio).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

if TYPE_CHECKING:  # imported where used: the first window appears sooner without them (bench/README.md)
    import datetime as dt

    from wizard.core.profile import Profile
    from wizard.core.settings import SettingsStore
    from wizard.core.vault import VaultProvider

    Clock = Callable[[], dt.datetime]

T = TypeVar("T")

APP_DIR_NAME = "DIP Onboarding Wizard"
APP_AUTHOR = "DIPOnboarding"
DEFAULT_PROFILE = "dip-mhhs.toml"
# Points every per-user folder somewhere else: for tests, benchmarks, demos and portable use.
HOME_ENV = "DIP_ONBOARDING_HOME"
RESOURCES_ENV = "DIP_ONBOARDING_RESOURCES"


class AppPaths(NamedTuple):
    # NamedTuples, not dataclasses, for what is built before the first window is painted: importing dataclasses
    # and creating them costs milliseconds there (bench/README.md, startup_ratio).
    config_dir: Path
    data_dir: Path
    log_dir: Path

    @property
    def projects_dir(self) -> Path:
        return self.data_dir / "projects"

    @classmethod
    def under(cls, root: Path) -> AppPaths:
        return cls(root / "config", root / "data", root / "logs")

    @classmethod
    def for_user(cls) -> AppPaths:
        override = os.environ.get(HOME_ENV)
        if override:
            return cls.under(Path(override))
        from platformdirs import PlatformDirs

        dirs = PlatformDirs(APP_DIR_NAME, APP_AUTHOR)
        return cls(Path(dirs.user_config_dir), Path(dirs.user_data_dir), Path(dirs.user_log_dir))


def resources_dir() -> Path:
    """The `resources/` folder: an override, the frozen app's bundle, or the source checkout."""
    override = os.environ.get(RESOURCES_ENV)
    if override:
        return Path(override)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def icon_path() -> Path:
    """The app icon (SVG); installers/icons.py draws the .ico/.icns/.png of the installers from it."""
    return resources_dir() / "icons" / "dip-onboarding.svg"


def default_profile_path() -> Path:
    return resources_dir() / "profiles" / DEFAULT_PROFILE


def utc_now() -> dt.datetime:
    import datetime as dt  # not before the first window: nothing there needs the time (bench/README.md)

    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class OnFirstUse(Generic[T]):
    """A value made the first time it is asked for, then kept. If making it fails, the error propagates and the
    next request tries again (a broken profile file stays broken until it is fixed, and says so each time)."""

    __slots__ = ("_made", "_make", "_value")
    _value: T

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._made = False

    @classmethod
    def ready(cls, value: T) -> OnFirstUse[T]:
        """A value that is already made."""
        made = cls(lambda: value)
        made.get()
        return made

    @property
    def made(self) -> bool:
        return self._made

    def get(self) -> T:
        if not self._made:
            self._value = self._make()
            self._made = True
        return self._value


class Services(NamedTuple):
    paths: AppPaths
    clock: Clock
    settings: SettingsStore
    profile_source: OnFirstUse[Profile]
    vault_source: OnFirstUse[VaultProvider]

    @property
    def profile(self) -> Profile:
        """The DIP profile, loaded on first use; raises `ProfileError` when the file is broken."""
        return self.profile_source.get()

    @property
    def vaults(self) -> VaultProvider:
        return self.vault_source.get()


def build_services(*, profile_path: Path | None = None, paths: AppPaths | None = None,
                   clock: Clock = utc_now, vaults: VaultProvider | None = None,
                   load_later: bool = False) -> Services:
    """Everything the CLI and GUI need; raises `ProfileError` for a broken profile.

    With `load_later` the profile and the vaults are loaded on first use instead, and a broken profile raises
    `ProfileError` there: the GUI's welcome page asks for the profile right after the window is first painted
    and shows that error on the page.
    """
    from wizard.core.settings import SettingsStore

    resolved = paths or AppPaths.for_user()
    chosen_profile = profile_path or default_profile_path()

    def load() -> Profile:
        from wizard.core.profile import load_profile

        return load_profile(chosen_profile)

    def make_vaults() -> VaultProvider:
        from wizard.core.vault import VaultProvider

        return VaultProvider(resolved.data_dir / "vault" / "secrets.vault")

    profile = OnFirstUse(load)
    vault_source = OnFirstUse.ready(vaults) if vaults is not None else OnFirstUse(make_vaults)
    if not load_later:
        profile.get()
        vault_source.get()
    return Services(resolved, clock, SettingsStore(resolved.config_dir), profile, vault_source)
