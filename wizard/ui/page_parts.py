"""What every page is built with, the welcome page too: its message line, its busy indicator and its certificate
expiry banner (all three hidden until needed), and `StatusPage`, the page that shows the first two.

Apart from `widgets` so that the first window loads only these (bench/README.md, startup_ratio); they do not touch
`Qt`, whose enums take ~15 ms to build on first use: the banner makes its contents the first time it shows. Nothing
here knows the wizard: `pages.base` builds on it, and `vault_access` and the like work with any `StatusPage`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget, QWizard, QWizardPage

from wizard.core.errors import WizardError

if TYPE_CHECKING:
    from wizard.ui.expiry import ExpiryLine


def tone_now(name: str) -> str:
    """The colour for `name` in the current mode (see `tones`, whose palette types load when a colour is needed)."""
    from wizard.ui.tones import tone

    return tone(name)


class FieldMessage(QLabel):
    """The message shown under a field; hidden while there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.hide()

    def show_message(self, text: str) -> None:
        # The colour is chosen now, not at construction, so it follows a switch between light and dark mode.
        self.setStyleSheet(f"color: {tone_now('error')};")
        self.setText(text)
        self.setVisible(bool(text))


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

            self.setStyleSheet(f"ExpiryBanner {{ border: 2px solid {tone_now('warning')}; border-radius: 4px; }}")
            layout = QHBoxLayout(self)
            self._text = QLabel()
            self._text.setWordWrap(True)
            self._text.setTextFormat(Qt.TextFormat.RichText)
            self._text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._text.setAccessibleName("Certificates and the domain verification that need renewing")
            layout.addWidget(self._text, 1)
            self._hide_button = QPushButton("H&ide")
            self._hide_button.setAccessibleDescription("Hide this reminder until the project is next opened")
            self._hide_button.clicked.connect(self._on_hide)
            layout.addWidget(self._hide_button, 0, Qt.AlignmentFlag.AlignTop)
        return self._text, self._hide_button

    def show_lines(self, lines: Sequence[ExpiryLine], *, full: bool = True) -> None:
        """List `lines` (`full`: the Certificates and Renewals pages) or, elsewhere, say in one line how many need
        renewing and where to see them, the list in its tooltip: the page below keeps its room."""
        if not lines:
            if self._text is not None:
                self._text.clear()
            self.hide()
            return
        import html

        from wizard.ui.expiry import expiry_status

        items = []
        for line in lines:
            domain = line.what == "domain"
            status = expiry_status(line.status, line.days_left,
                                   expired_action="renew it now" if domain else "replace it now")
            verb = "expired on" if line.status == "expired" else "expires on"
            advice = f". {html.escape(line.advice)}" if line.advice else ""
            items.append(f"<li>{html.escape(line.kind_name)} ({html.escape(line.subject)}) {verb} "
                         f"{line.not_after:%d %b %Y}: <b style='color:{status.colour}'>"
                         f"{html.escape(status.words)}</b>{advice}</li>")
        certificates = sum(line.what != "domain" for line in lines)
        if certificates == len(lines):
            heading = ("A certificate needs renewing" if certificates == 1 else
                       f"{certificates} certificates need renewing")
        elif not certificates:
            heading = "The domain verification needs renewing"
        else:
            heading = (f"{certificates} certificate{'s' if certificates != 1 else ''} and the domain verification "
                       "need renewing")
        keys = (" On the Keys and CSRs page, make a replacement key and send its CSR now: a new certificate takes "
                "time to be issued." if certificates else "")
        listed = f"<b>{heading}.</b>{keys}<ul style='margin-left:-20px'>{''.join(items)}</ul>"
        if full:
            self.text.setText(listed)
            self.text.setToolTip("")
        else:
            self.text.setText(f"<b>{heading}</b> — see the Renewals and reminders page.")
            self.text.setToolTip(listed)
        self.show()

    def _on_hide(self) -> None:
        self.hide()
        self.hidden_by_user.emit()


class StatusPage(QWizardPage):
    """A wizard page with a page-level error line and a busy state, knowing nothing of the wizard it is in.

    While background work runs (`set_busy`) the page shows a busy indicator, Next/Finish, Back and Close are
    disabled and the window will not close, so the work's result always has a page to come back to.
    """

    busy_changed = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        self.page_error = FieldMessage()
        self.page_error.setAccessibleName("Problem on this page")
        self.busy_indicator = BusyIndicator()
        self._busy = False
        self._busy_count = 0

    def show_error(self, text: str) -> None:
        self.page_error.show_message(text)

    def clear_error(self) -> None:
        self.page_error.show_message("")

    def is_busy(self) -> bool:
        return self._busy

    def report_failure(self, error: BaseException) -> None:
        """The end of background work that failed: a `WizardError` is shown on the page in its own words; anything
        else is not the user's doing, so the crash handler saves a redacted report and says so."""
        self.clear_busy()
        if isinstance(error, WizardError):
            self.show_error(str(error))
            return
        sys.excepthook(type(error), error, error.__traceback__)

    @property
    def busy_count(self) -> int:
        """How many times `set_busy` has been called: lets a caller tell whether work it called started a wait of
        its own (VaultAccess.with_vault_for)."""
        return self._busy_count

    def set_busy(self, text: str) -> None:
        """Show `text` with a moving bar and hold the wizard's buttons until `clear_busy`."""
        self._busy = True
        self._busy_count += 1
        self.busy_indicator.start(text)
        self.completeChanged.emit()
        self._hold_wizard_buttons(True)
        self.busy_changed.emit(True)

    def clear_busy(self) -> None:
        self._busy = False
        self.busy_indicator.stop()
        self.completeChanged.emit()  # QWizard re-enables Next/Finish and Back as they should be
        self._hold_wizard_buttons(False)
        self.busy_changed.emit(False)

    def isComplete(self) -> bool:
        return not self._busy and super().isComplete()

    def _hold_wizard_buttons(self, hold: bool) -> None:
        wizard: QWizard | None = self.wizard()  # None while the page is not in a wizard
        if wizard is None:
            return
        if hold:
            wizard.button(QWizard.WizardButton.BackButton).setEnabled(False)
        wizard.button(QWizard.WizardButton.CancelButton).setEnabled(not hold)
