"""Where the wizard keeps its files on Windows, as docs/installing.md tells users: the per-user local application
data folder (platformdirs asks Windows for it), never the roaming profile or the program folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from wizard.app import APP_AUTHOR, APP_DIR_NAME, HOME_ENV, AppPaths

DOCS = Path(__file__).resolve().parents[2] / "docs" / "installing.md"


def test_projects_settings_and_logs_live_in_local_app_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(HOME_ENV, raising=False)
    local = Path(os.environ["LOCALAPPDATA"])
    paths = AppPaths.for_user()
    base = local / APP_AUTHOR / APP_DIR_NAME
    assert paths.data_dir == base
    assert paths.config_dir == base
    assert paths.log_dir == base / "Logs"
    assert paths.projects_dir == base / "projects"
    assert "Roaming" not in str(paths.data_dir)
    text = DOCS.read_text(encoding="utf-8")
    assert rf"%LOCALAPPDATA%\{APP_AUTHOR}\{APP_DIR_NAME}" in text
    assert rf"…\{APP_DIR_NAME}\Logs" in text
