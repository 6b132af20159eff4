"""Composition root: resolves paths, loads the profile, builds the services. Nothing else constructs these.

No work happens at import time; `build_services()` is called once by the CLI or the GUI entry point.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported in build_services: the window appears sooner without them (bench/README.md)
    from wizard.core.profile import Profile
    from wizard.core.settings import SettingsStore
    from wizard.core.vault import VaultProvider

Clock = Callable[[], dt.datetime]

APP_DIR_NAME = "DIP Onboarding Wizard"
APP_AUTHOR = "DIPOnboarding"
DEFAULT_PROFILE = "dip-mhhs.toml"
# Points every per-user folder somewhere else: for tests, benchmarks, demos and portable use.
HOME_ENV = "DIP_ONBOARDING_HOME"
RESOURCES_ENV = "DIP_ONBOARDING_RESOURCES"


@dataclass(frozen=True, slots=True)
class AppPaths:
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
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class Services:
    paths: AppPaths
    profile: Profile
    clock: Clock
    settings: SettingsStore
    vaults: VaultProvider


def build_services(*, profile_path: Path | None = None, paths: AppPaths | None = None,
                   clock: Clock = utc_now, vaults: VaultProvider | None = None) -> Services:
    """Everything the CLI and GUI need; raises `ProfileError` for a broken profile."""
    from wizard.core.profile import load_profile
    from wizard.core.settings import SettingsStore
    from wizard.core.vault import VaultProvider

    resolved = paths or AppPaths.for_user()
    profile = load_profile(profile_path or default_profile_path())
    return Services(resolved, profile, clock, SettingsStore(resolved.config_dir),
                    vaults or VaultProvider(resolved.data_dir / "vault" / "secrets.vault"))
