"""A passphrase copied to the clipboard is cleared after a timeout (45 s; here a short injected one), unless the
user has copied something else since. (The packages page's Copy button: test_packages_page.py.)"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from wizard.ui.clipboard import copy_secret


def test_something_else_copied_since_is_left_alone(qtbot: QtBot) -> None:
    copy_secret("a secret passphrase", clear_after_s=0.1)
    QGuiApplication.clipboard().setText("the user's own text")
    qtbot.wait(400)
    assert QGuiApplication.clipboard().text() == "the user's own text"
    copy_secret("another secret", clear_after_s=0.1)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == "", timeout=5000)
