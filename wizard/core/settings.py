"""Per-user settings: recent projects, where the user left off, window geometry. Never secrets.

Stored as JSON in the platform config folder. A damaged settings file is set aside (renamed) and defaults are
used, because losing a recent-projects list must never stop the wizard from starting.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

MAX_RECENT = 8
SETTINGS_FILE = "settings.json"


class Settings(NamedTuple):
    # A NamedTuple rather than a dataclass: settings are read before the first window is painted, and creating
    # dataclasses (and importing the module) costs milliseconds there (bench/README.md, startup_ratio).
    recent_projects: tuple[str, ...] = ()
    last_project: str | None = None
    last_page: Mapping[str, str] = MappingProxyType({})  # read-only: never shared and changed by accident
    window_geometry: str | None = None

    def remembering(self, folder: Path, page: str | None = None) -> Settings:
        """Put `folder` first in the recent list and make it the last project; optionally record its page."""
        key = str(folder)
        recent = (key, *(p for p in self.recent_projects if p != key))[:MAX_RECENT]
        pages = dict(self.last_page)
        if page is not None:
            pages[key] = page
        return self._replace(recent_projects=recent, last_project=key, last_page=MappingProxyType(pages))

    def forgetting(self, folder: Path) -> Settings:
        key = str(folder)
        pages = {k: v for k, v in self.last_page.items() if k != key}
        return self._replace(recent_projects=tuple(p for p in self.recent_projects if p != key),
                             last_project=None if self.last_project == key else self.last_project,
                             last_page=MappingProxyType(pages))


class SettingsStore:
    def __init__(self, config_dir: Path) -> None:
        self.path = config_dir / SETTINGS_FILE

    def load(self) -> Settings:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return Settings()
        except (OSError, ValueError):
            return self._set_aside()
        import json  # only when there is a file to read: a first start has none (bench/README.md, startup_ratio)

        try:
            return _parse(json.loads(text))
        except (ValueError, TypeError, RecursionError):
            return self._set_aside()

    def _set_aside(self) -> Settings:
        """A damaged file is renamed (kept for a support request) and the defaults are used."""
        with contextlib.suppress(OSError):
            self.path.replace(self.path.with_suffix(".damaged.json"))
        return Settings()

    def save(self, settings: Settings) -> None:
        """Best effort: settings are a convenience, so a failure to save them is not an error for the user."""
        import json  # here and in `load`: the window's first frame reads settings but never writes them

        from wizard.core.files import atomic_write

        data = {"recent_projects": list(settings.recent_projects), "last_project": settings.last_project,
                "last_page": dict(settings.last_page), "window_geometry": settings.window_geometry}
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, json.dumps(data, indent=2).encode("utf-8"))


def _parse(data: object) -> Settings:
    if not isinstance(data, dict):
        raise TypeError("settings must be an object")
    recent = data.get("recent_projects", [])
    last = data.get("last_project")
    pages = data.get("last_page", {})
    geometry = data.get("window_geometry")
    if not isinstance(recent, list) or not all(isinstance(p, str) for p in recent):
        raise TypeError("recent_projects")
    if last is not None and not isinstance(last, str):
        raise TypeError("last_project")
    if not isinstance(pages, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in pages.items()):
        raise TypeError("last_page")
    if geometry is not None and not isinstance(geometry, str):
        raise TypeError("window_geometry")
    return Settings(tuple(recent[:MAX_RECENT]), last, MappingProxyType(dict(pages)), geometry)
