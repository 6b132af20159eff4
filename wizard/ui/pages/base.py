"""What every page shares: a typed route to the wizard's services, an inline error line and a busy state."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget, QWizard, QWizardPage

from wizard.core.errors import WizardError
from wizard.ui.help_links import HELP_SCHEME, help_link
from wizard.ui.page_parts import BusyIndicator, ExpiryBanner, FieldMessage

if TYPE_CHECKING:
    from wizard.core.session import ProjectSession
    from wizard.ui.vault_access import VaultAccess
    from wizard.ui.wizard import OnboardingWizard


class BasePage(QWizardPage):
    """A page with an intro paragraph at the top and a page-level error line at the bottom; above the intro, a
    banner when certificates need renewing.

    While background work runs (`set_busy`) the page shows a busy indicator, Next/Finish, Back and Close are
    disabled and the window will not close, so the work's result always has a page to come back to.
    """

    busy_changed = Signal(bool)

    def __init__(self, title: str, subtitle: str, intro: str = "") -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.body = QVBoxLayout(self)
        # Hidden unless the open project has certificates to renew (the wizard fills it on every page change).
        self.expiry_banner = ExpiryBanner()
        self.body.addWidget(self.expiry_banner)
        if intro:
            self.body.addWidget(self.link_label(intro))
        # "More about this page": a link into the offline help, set by the wizard once it knows the page's topic.
        self.help_label = self.link_label("")
        self.help_label.hide()
        self.body.addWidget(self.help_label)
        self.page_error = FieldMessage()
        self.page_error.setAccessibleName("Problem on this page")
        self.busy_indicator = BusyIndicator()
        self._busy = False
        self.help_topic = ""

    def link_label(self, text: str) -> QLabel:
        """A wrapping label whose `help:` links open the offline help and whose https links open the browser."""
        label = QLabel(text)
        label.setWordWrap(True)
        label.setOpenExternalLinks(False)
        label.linkActivated.connect(self.open_link)
        return label

    def open_link(self, href: str) -> None:
        wizard = self.wizard()
        if href.startswith(f"{HELP_SCHEME}:"):
            if wizard is not None:
                self.onboarding().show_help(href.removeprefix(f"{HELP_SCHEME}:"))
        elif href.startswith("https://"):
            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QDesktopServices  # not before the first frame (bench/README.md)

            QDesktopServices.openUrl(QUrl(href))

    def set_help_topic(self, topic: str) -> None:
        self.help_topic = topic
        self.help_label.setText(help_link(topic, "More about this page, in the help (F1)"))
        self.help_label.show()

    def first_field(self) -> QWidget | None:
        """Where keyboard focus goes when the page opens; subclasses name their first input."""
        return None

    def finish_layout(self) -> None:
        """Call at the end of a subclass's __init__: puts the page-level error line last.

        The busy indicator goes just above it, unless the page has placed it itself.
        """
        if self.busy_indicator.parentWidget() is None:
            self.body.addWidget(self.busy_indicator)
        self.body.addWidget(self.page_error)

    def onboarding(self) -> OnboardingWizard:
        return cast("OnboardingWizard", self.wizard())

    def session(self) -> ProjectSession:
        """The open project; pages after the organisation page are only reached with one open."""
        session = self.onboarding().session
        assert session is not None
        return session

    def vault_access(self) -> VaultAccess:
        return self.onboarding().vault_access

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

    def set_busy(self, text: str) -> None:
        """Show `text` with a moving bar and hold the wizard's buttons until `clear_busy`."""
        self._busy = True
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
