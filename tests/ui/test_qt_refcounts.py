"""Guard against a Qt binding that leaks references to None or True (PySide6 6.12.0 did: on Python 3.11, where
None is not immortal, the app then aborted with "none_dealloc" after a few dozen actions)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot


class _Emitter(QObject):
    fired = Signal()


def test_void_calls_and_signals_do_not_leak_references(qtbot: QtBot) -> None:
    button = QPushButton("x")
    qtbot.addWidget(button)
    emitter = _Emitter()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(1000):
        button.setEnabled(True)
        button.setText("y")
        emitter.fired.emit()
    # A handful either way is ordinary interpreter activity; a leak shows up as about one per call.
    assert abs(sys.getrefcount(None) - none_before) < 50
    assert abs(sys.getrefcount(True) - true_before) < 50
