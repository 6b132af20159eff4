"""Small reusable widgets: field messages with gentle validation, the findings panel, the busy indicator, the
certificate expiry banner.

Every page (the welcome page too, in the first frame) is built with a field message, a busy indicator and an expiry
banner, so these three do not touch `Qt`, whose enums take ~15 ms to build on first use (bench/README.md,
startup_ratio): the others import it (and `html`, and the colour tones) where they use them, and the banner makes
its contents the first time it shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from wizard.core.errors import InvalidInput

if TYPE_CHECKING:
    import datetime as dt

    from PySide6.QtWidgets import QFormLayout, QLineEdit

    from wizard.core.findings import Finding

def _tone(name: str) -> str:
    """The colour for `name` in the current mode (see `tones`, whose palette types load when a colour is needed)."""
    from wizard.ui.tones import tone

    return tone(name)


SEVERITY_WORDS = {"error": ("Must fix", "error"), "warning": ("Check", "warning"), "info": ("Note", "")}


class FieldMessage(QLabel):
    """The message shown under a field; hidden while there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.hide()

    def show_message(self, text: str) -> None:
        # The colour is chosen now, not at construction, so it follows a switch between light and dark mode.
        self.setStyleSheet(f"color: {_tone('error')};")
        self.setText(text)
        self.setVisible(bool(text))


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
            style = f' style="color:{_tone(tone_name)}"' if tone_name else ""
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


@dataclass(frozen=True, slots=True)
class ExpiryStatus:
    """How a certificate's expiry reads: words that carry the meaning on their own, and a colour that repeats it."""

    words: str
    colour: str


def expiry_status(status: str, days_left: int) -> ExpiryStatus:
    """`status` is core's inventory status: "ok", "soon" (inside the reminder lead time) or "expired"."""
    if status == "expired":
        ago = -days_left
        when = "today" if ago <= 0 else f"{ago} day{'s' if ago != 1 else ''} ago"
        return ExpiryStatus(f"Expired {when}: replace it now", _tone("error"))
    plural = "s" if days_left != 1 else ""
    if status == "soon":
        return ExpiryStatus(f"Renew soon: {days_left} day{plural} left", _tone("warning"))
    return ExpiryStatus(f"OK: {days_left} day{plural} left", _tone("ok"))


@dataclass(frozen=True, slots=True)
class ExpiryLine:
    """One certificate that needs attention, as the banner lists it."""

    kind_name: str
    subject: str
    not_after: dt.datetime
    status: str
    days_left: int


class ExpiryBanner(QFrame):
    """A band at the top of a page listing certificates that expire inside their reminder lead time or have expired.

    It never blocks: the user reads it and carries on, or hides it for the rest of the run (`hidden_by_user`).
    """

    hidden_by_user = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._text: QLabel | None = None
        self._hide_button: QPushButton | None = None
        self.hide()

    @property
    def text(self) -> QLabel:
        """The reminder's words (made with the banner's contents, the first time they are needed)."""
        return self._contents()[0]

    @property
    def hide_button(self) -> QPushButton:
        return self._contents()[1]

    def _contents(self) -> tuple[QLabel, QPushButton]:
        if self._text is None or self._hide_button is None:
            from PySide6.QtCore import Qt

            self.setStyleSheet(f"ExpiryBanner {{ border: 2px solid {_tone('warning')}; border-radius: 4px; }}")
            layout = QHBoxLayout(self)
            self._text = QLabel()
            self._text.setWordWrap(True)
            self._text.setTextFormat(Qt.TextFormat.RichText)
            self._text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._text.setAccessibleName("Certificates that need renewing")
            layout.addWidget(self._text, 1)
            self._hide_button = QPushButton("&Hide")
            self._hide_button.setAccessibleDescription("Hide this reminder until the project is next opened")
            self._hide_button.clicked.connect(self._on_hide)
            layout.addWidget(self._hide_button, 0, Qt.AlignmentFlag.AlignTop)
        return self._text, self._hide_button

    def show_lines(self, lines: Sequence[ExpiryLine]) -> None:
        if not lines:
            if self._text is not None:
                self._text.clear()
            self.hide()
            return
        import html

        items = []
        for line in lines:
            status = expiry_status(line.status, line.days_left)
            verb = "expired on" if line.status == "expired" else "expires on"
            items.append(f"<li>{html.escape(line.kind_name)} ({html.escape(line.subject)}) {verb} "
                         f"{line.not_after:%d %b %Y}: <b style='color:{status.colour}'>"
                         f"{html.escape(status.words)}</b></li>")
        heading = ("A certificate needs renewing" if len(lines) == 1 else
                   f"{len(lines)} certificates need renewing")
        self.text.setText(f"<b>{heading}.</b> On the Keys and CSRs page, make a replacement key and send its CSR "
                          "now: a new certificate takes time to be issued."
                          f"<ul style='margin-left:-20px'>{''.join(items)}</ul>")
        self.show()

    def _on_hide(self) -> None:
        self.hide()
        self.hidden_by_user.emit()


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
