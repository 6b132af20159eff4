"""Secrets on the clipboard do not stay there: a copied passphrase is cleared after a while, unless the user has
copied something else since (then the clipboard is theirs and is left alone)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication

# Long enough to paste into a password manager; short enough that it is gone before it is pasted by mistake.
CLEAR_SECRET_AFTER_S = 45.0


def copy_secret(text: str, *, clear_after_s: float | None = None) -> None:
    """Put `text` on the clipboard and clear it after `clear_after_s` (default `CLEAR_SECRET_AFTER_S`) seconds if
    the clipboard still holds exactly that text."""
    clipboard = QGuiApplication.clipboard()
    clipboard.setText(text)
    delay = CLEAR_SECRET_AFTER_S if clear_after_s is None else clear_after_s

    def clear() -> None:
        if clipboard.text() == text:
            clipboard.clear()

    QTimer.singleShot(int(delay * 1000), clipboard, clear)
