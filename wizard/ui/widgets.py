"""Small reusable widgets: field messages with gentle validation, the findings panel, the busy indicator, the
certificate expiry banner.

The three that every page is built with (the message line, the busy indicator and the expiry banner) live in
`page_parts`, so that the first window does not load the rest of this module (bench/README.md, startup_ratio), and
the expiry wording in `expiry`; they are imported from here like the others. `Qt` (whose enums take ~15 ms to build)
and `html` are imported where used.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from wizard.core.errors import InvalidInput
from wizard.ui.expiry import expiry_status
from wizard.ui.page_parts import BusyIndicator, ExpiryBanner, FieldMessage, tone_now

if TYPE_CHECKING:
    from PySide6.QtWidgets import QFormLayout, QLineEdit, QTableWidget

    from wizard.core.findings import Finding

__all__ = ["BusyIndicator", "ExpiryBanner", "FieldMessage", "FindingsPanel", "GentleValidator", "add_field_row",
           "expiry_status", "result_label"]

SEVERITY_WORDS = {"error": ("Must fix", "error"), "warning": ("Check", "warning"), "info": ("Note", "")}


def add_field_row(form: QFormLayout, label: str, edit: QLineEdit, *, accessible: str = "",
                  hint: str = "") -> FieldMessage:
    """A form row: the caption (the field's buddy, so it names the field for screen readers and gives the
    mnemonic), the field, an optional hint beneath, and the message line where problems are shown."""
    edit.setAccessibleName(accessible or label.replace("&", "").rstrip(":"))
    caption = QLabel(label)
    caption.setBuddy(edit)
    message = FieldMessage()
    column = QVBoxLayout()
    column.setSpacing(2)
    column.addWidget(edit)
    if hint:
        note = QLabel(hint)
        note.setWordWrap(True)
        note.setEnabled(False)
        column.addWidget(note)
    column.addWidget(message)
    form.addRow(caption, column)
    return message


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
        from PySide6.QtCore import Qt

        super().__init__(parent)
        self.heading = heading
        self.empty_text = empty_text
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAccessibleName(heading)

    def set_findings(self, findings: Sequence[Finding]) -> None:
        import html

        if not findings:
            self.setText(f"<b>{html.escape(self.heading)}</b><br>{html.escape(self.empty_text)}")
            return
        items = []
        for f in findings:
            word, tone_name = SEVERITY_WORDS[f.severity]
            style = f' style="color:{tone_now(tone_name)}"' if tone_name else ""
            caveat = " <i>(rule not confirmed by public guidance)</i>" if not f.confirmed else ""
            items.append(f"<li><b{style}>{word}:</b> {html.escape(f.message)}{caveat}</li>")
        self.setText(f"<b>{html.escape(self.heading)}</b><ul style='margin-left:-20px'>{''.join(items)}</ul>")


def row_table(headers: Sequence[str], accessible_name: str = "") -> QTableWidget:
    """A read-only table whose rows are picked one at a time, with Tab leaving it (keyboard users are not trapped
    in its cells): how every page lists its items."""
    from PySide6.QtWidgets import QAbstractItemView, QTableWidget

    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setTabKeyNavigation(False)
    table.verticalHeader().setVisible(False)
    if accessible_name:
        table.setAccessibleName(accessible_name)
    return table


def result_label(accessible_name: str) -> QLabel:
    """The hidden, selectable line where a page reports what an action did (a file written, an import)."""
    from PySide6.QtCore import Qt

    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAccessibleName(accessible_name)
    label.hide()
    return label
