"""Per-user settings: round trip, the recent-projects list, and a damaged file that must not stop the app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.core.settings import MAX_RECENT, Settings, SettingsStore


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert SettingsStore(tmp_path / "config").load() == Settings()


def test_round_trip(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "config")  # folder made on save
    settings = Settings(("/p/one", "/p/two"), "/p/one", {"/p/one": "people"}, "AdnQywADAAAAAAE")
    store.save(settings)
    assert store.load() == settings


def native(path: str) -> str:
    """A folder as settings record it: the platform's own spelling (backslashes on Windows)."""
    return str(Path(path))


def test_remembering_puts_folder_first_without_duplicates(tmp_path: Path) -> None:
    s = Settings().remembering(Path("/p/a")).remembering(Path("/p/b"), "roles").remembering(Path("/p/a"), "keys")
    assert s.recent_projects == (native("/p/a"), native("/p/b"))
    assert s.last_project == native("/p/a")
    assert s.last_page == {native("/p/b"): "roles", native("/p/a"): "keys"}


def test_recent_list_is_capped(tmp_path: Path) -> None:
    s = Settings()
    for i in range(MAX_RECENT + 3):
        s = s.remembering(Path(f"/p/{i}"))
    assert MAX_RECENT == 8
    assert s.recent_projects == tuple(native(f"/p/{i}") for i in range(MAX_RECENT + 2, 2, -1))


def test_overlong_list_in_file_is_capped_on_load(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path)
    store.path.write_text(json.dumps({"recent_projects": [f"/p/{i}" for i in range(20)]}))
    assert store.load().recent_projects == tuple(f"/p/{i}" for i in range(MAX_RECENT))


def test_forgetting(tmp_path: Path) -> None:
    s = Settings().remembering(Path("/p/a"), "people").remembering(Path("/p/b"))
    gone = s.forgetting(Path("/p/b"))
    a, b = native("/p/a"), native("/p/b")
    assert (gone.recent_projects, gone.last_project, gone.last_page) == ((a,), None, {a: "people"})
    kept = s.forgetting(Path("/p/a"))
    assert (kept.recent_projects, kept.last_project, kept.last_page) == ((b,), b, {})


@pytest.mark.parametrize("content", [
    b"{not json",
    b"\xff\xfe\x00",
    b"[]",
    b'{"recent_projects": "/p/a"}',
    b'{"recent_projects": [1, 2]}',
    b'{"last_project": 7}',
    b'{"last_page": {"a": 1}}',
    b'{"window_geometry": []}',
], ids=["invalid JSON", "not UTF-8", "a list", "recent as text", "recent as numbers", "last_project number",
        "last_page values", "geometry list"])
def test_damaged_file_is_set_aside_and_defaults_used(tmp_path: Path, content: bytes) -> None:
    store = SettingsStore(tmp_path)
    store.path.write_bytes(content)
    assert store.load() == Settings()
    assert not store.path.exists()
    assert (tmp_path / "settings.damaged.json").read_bytes() == content
    # The next save starts afresh and works.
    store.save(Settings(("/p/new",)))
    assert store.load().recent_projects == ("/p/new",)


def test_deeply_nested_settings_file_does_not_stop_the_app(tmp_path: Path) -> None:
    """json.loads raises RecursionError here; the store promises defaults for any damaged file."""
    store = SettingsStore(tmp_path)
    store.path.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    assert store.load() == Settings()


def test_save_failure_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "config"
    blocker.write_text("a file where the folder should be")
    SettingsStore(blocker).save(Settings(("/p/a",)))  # must not raise
    assert blocker.read_text() == "a file where the folder should be"
