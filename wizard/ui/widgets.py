"""Small reusable widgets: field messages with gentle validation, the findings panel, the busy indicator."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QProgressBar, QWidget

from wizard.core.errors import InvalidInput
from wizard.core.findings import Finding

ERROR_COLOUR = "#c62828"
WARNING_COLOUR = "#a15c00"
SEVERITY_WORDS = {"error": ("Must fix", ERROR_COLOUR), "warning": ("Check", WARNING_COLOUR), "info": ("Note", "")}


class FieldMessage(QLabel):
    """The message shown under a field; hidden while there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class GentleValidator(QObject):
    """Checks a field when the user first leaves it, then live as they type (never while they first type).

    `check` is a core function that raises `InvalidInput`; its message is shown beside the field and used as
    the field's accessible description, so screen readers hear it too.
    """

    def __init__(self, edit: QLineEdit, message: FieldMessage, check: Callable[[str], object]) -> None:
        super().__init__(edit)
        self.edit = edit
        self.message = message
        self.check = check
        self._live = False
        edit.editingFinished.connect(self._on_first_leave)

    def _on_first_leave(self) -> None:
        if self._live:
            return
        self._live = True
        self.edit.textChanged.connect(self.run)
        self.run()

    def run(self) -> bool:
        """Validate now and show the result; returns True when the value is acceptable."""
        try:
            self.check(self.edit.text())
        except InvalidInput as exc:
            self.display(str(exc))
            return False
        self.display("")
        return True

    def display(self, text: str) -> None:
        self.message.show_message(text)
        self.edit.setAccessibleDescription(text)

    def reset(self) -> None:
        if self._live:
            self.edit.textChanged.disconnect(self.run)
        self._live = False
        self.display("")


class FindingsPanel(QLabel):
    """A plain-language list of findings, most serious first, marked "Must fix", "Check" or "Note"."""

    def __init__(self, heading: str, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = heading
        self.empty_text = empty_text
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAccessibleName(heading)

    def set_findings(self, findings: Sequence[Finding]) -> None:
        if not findings:
            self.setText(f"<b>{html.escape(self.heading)}</b><br>{html.escape(self.empty_text)}")
            return
        items = []
        for f in findings:
            word, colour = SEVERITY_WORDS[f.severity]
            style = f' style="color:{colour}"' if colour else ""
            caveat = " <i>(rule not confirmed by public guidance)</i>" if not f.confirmed else ""
            items.append(f"<li><b{style}>{word}:</b> {html.escape(f.message)}{caveat}</li>")
        self.setText(f"<b>{html.escape(self.heading)}</b><ul style='margin-left:-20px'>{''.join(items)}</ul>")


class BusyIndicator(QWidget):
    """A moving bar and a sentence saying what is happening; hidden while nothing is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # no known end: the bar moves to and fro
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(160)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.bar.setAccessibleName("Working")
        layout.addWidget(self.bar)
        layout.addWidget(self.label, 1)
        self.hide()

    def start(self, text: str) -> None:
        self.label.setText(text)
        self.bar.setAccessibleDescription(text)
        self.show()

    def stop(self) -> None:
        self.label.clear()
        self.hide()
