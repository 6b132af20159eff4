"""What every page shares: its intro, help link and expiry banner, its error line and busy state (`StatusPage`),
and a typed route to the wizard it is in (`WizardHost`).

`WizardHost` is what a page may ask of the wizard, written here so that pages depend on this module and never on
`wizard.ui.wizard`, which imports the pages: the wizard hands itself to each page it adds (`attach`), and mypy
checks there that it is a `WizardHost`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from wizard.ui.help_links import HELP_SCHEME, help_link
from wizard.ui.page_parts import ExpiryBanner, StatusPage

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QWizardPage

    from wizard.app import Services
    from wizard.core.flow import PageId
    from wizard.core.model import MarketParticipant, Organisation, Project
    from wizard.core.session import ProjectSession
    from wizard.core.settings import Settings
    from wizard.ui.dialogs import Dialogs
    from wizard.ui.vault_access import VaultAccess


class WizardHost(Protocol):
    """What a page may ask of the wizard it is in (`OnboardingWizard` is the one)."""

    startup_problem: str  # a message for the welcome page, shown once

    @property
    def services(self) -> Services: ...
    @property
    def dialogs(self) -> Dialogs: ...
    @property
    def session(self) -> ProjectSession | None: ...
    @property
    def settings(self) -> Settings: ...
    @property
    def vault_access(self) -> VaultAccess: ...
    @property
    def project_changed(self) -> SignalInstance: ...

    def commit(self, project: Project) -> None: ...
    def open_project(self, folder: Path) -> None: ...
    def create_project(self, organisation: Organisation, environment: str,
                       mpids: tuple[MarketParticipant, ...]) -> None: ...
    def close_project(self) -> None: ...
    def forget_project(self, folder: Path) -> None: ...
    def after_first_frame(self, work: Callable[[], object]) -> None: ...
    def currentPage(self) -> QWizardPage: ...
    def next(self) -> None: ...
    def walk_to(self, target: PageId) -> None: ...
    def revisit(self, target: PageId) -> None: ...
    def show_help(self, topic: str | None = None) -> object: ...
    # Where a new project for this organisation and environment would go (the promotion page's suggestion).
    def _new_project_folder(self, organisation: Organisation, environment: str) -> Path: ...


class BasePage(StatusPage):
    """A page with an intro paragraph at the top and a page-level error line at the bottom; above the intro, a
    banner when certificates need renewing. The busy state and the error line are `StatusPage`'s."""

    def __init__(self, title: str, subtitle: str, intro: str = "") -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self._host: WizardHost | None = None
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
        self.help_topic = ""

    def attach(self, host: WizardHost) -> None:
        """Called by the wizard that adds this page."""
        self._host = host

    def link_label(self, text: str) -> QLabel:
        """A wrapping label whose `help:` links open the offline help and whose https links open the browser."""
        label = QLabel(text)
        label.setWordWrap(True)
        label.setOpenExternalLinks(False)
        label.linkActivated.connect(self.open_link)
        return label

    def open_link(self, href: str) -> None:
        if href.startswith(f"{HELP_SCHEME}:"):
            if self._host is not None:
                self._host.show_help(href.removeprefix(f"{HELP_SCHEME}:"))
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

    def onboarding(self) -> WizardHost:
        """The wizard this page is in; pages are only asked to act once the wizard has added them."""
        assert self._host is not None, "the page has not been added to the wizard"
        return self._host

    def session(self) -> ProjectSession:
        """The open project; pages after the organisation page are only reached with one open."""
        session = self.onboarding().session
        assert session is not None
        return session

    def vault_access(self) -> VaultAccess:
        return self.onboarding().vault_access
