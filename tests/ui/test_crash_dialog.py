"""Unexpected errors: a slot that raises reaches the crash handler, which saves a redacted report and shows it in a
dialog whose details can be copied; no key, password or PEM block survives into either."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from wizard.app import AppPaths
from wizard.ui.dialogs import CrashDialog
from wizard.ui.main import install_crash_handler

from .conftest import FakeDialogs

PEM_KEY = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----"


class RecordingDialogs(FakeDialogs):
    def __init__(self) -> None:
        super().__init__()
        self.crashes: list[tuple[str, Path | None]] = []

    def crash(self, parent: QWidget | None, report: str, saved_to: Path | None) -> None:
        self.crashes.append((report, saved_to))


@pytest.fixture
def handler(tmp_path: Path) -> Iterator[tuple[RecordingDialogs, AppPaths]]:
    before = sys.excepthook
    dialogs, paths = RecordingDialogs(), AppPaths.under(tmp_path / "home")
    install_crash_handler(dialogs, paths)
    yield dialogs, paths
    sys.excepthook = before


def test_an_error_in_a_button_handler_is_reported_redacted(qtbot: QtBot, handler: tuple[RecordingDialogs, AppPaths],
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    dialogs, paths = handler
    button = QPushButton("Go")
    qtbot.addWidget(button)

    def broken() -> None:
        raise RuntimeError(f"could not parse {PEM_KEY} with password='hunter2-secret'")

    button.clicked.connect(broken)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert len(dialogs.crashes) == 1, "the slot's exception reached the crash handler"
    report, saved = dialogs.crashes[0]
    assert "RuntimeError" in report
    assert "BEGIN PRIVATE KEY" not in report
    assert "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" not in report
    assert "hunter2-secret" not in report
    assert saved is not None
    assert saved.parent == paths.log_dir
    assert saved.read_text(encoding="utf-8") == report
    assert "Traceback" not in capsys.readouterr().err, "no raw traceback on the terminal"


def test_the_crash_dialog_shows_and_copies_the_report(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = CrashDialog(None, "RuntimeError: redacted details", tmp_path / "crash.txt")
    qtbot.addWidget(dialog)
    details = dialog.findChild(QPlainTextEdit)
    assert details is not None
    assert details.isReadOnly()
    assert details.toPlainText() == "RuntimeError: redacted details"
    assert any(str(tmp_path / "crash.txt") in label.text() for label in dialog.findChildren(QLabel)), \
        "the dialog says where the report was saved"
    copy = next(b for b in dialog.findChildren(QPushButton) if b.text().replace("&", "") == "Copy details")
    qtbot.mouseClick(copy, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == "RuntimeError: redacted details"
