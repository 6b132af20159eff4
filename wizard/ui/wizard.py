"""The main window: a QWizard whose pages are registered by id and share one open project session."""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QByteArray, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QWidget, QWizard

from wizard import APP_NAME
from wizard.app import Services
from wizard.core.flow import PageId, next_page, resume_page
from wizard.core.model import MarketParticipant, Organisation, Project
from wizard.core.session import ProjectSession
from wizard.ui.dialogs import Dialogs
from wizard.ui.pages.audit import AuditPage
from wizard.ui.pages.base import BasePage
from wizard.ui.pages.certificates import CertificatesPage
from wizard.ui.pages.dip_ids import DipIdsPage
from wizard.ui.pages.domain import DomainPage
from wizard.ui.pages.journey import JourneyPage
from wizard.ui.pages.keys import KeysPage
from wizard.ui.pages.organisation import OrganisationPage
from wizard.ui.pages.packages import PackagesPage
from wizard.ui.pages.people import PeoplePage
from wizard.ui.pages.promotion import PromotionPage
from wizard.ui.pages.renewal import RenewalPage
from wizard.ui.pages.welcome import WelcomePage
from wizard.ui.vault_access import VaultAccess
from wizard.ui.widgets import ExpiryLine


class OnboardingWizard(QWizard):
    """Holds the services and the open project; pages change the project only through `commit`."""

    project_changed = Signal()

    def __init__(self, services: Services, dialogs: Dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.dialogs = dialogs
        self.session: ProjectSession | None = None
        # The keychain and the file vault of this run, shared by the pages that need a key.
        self.vault_access = VaultAccess(services.vaults, self)
        # The user hid the expiry reminder; it shows again when a project is next opened.
        self._expiry_hidden = False
        # A message for the welcome page, e.g. why the last project could not be reopened.
        self.startup_problem = ""
        self.settings = services.settings.load()
        self.setWindowTitle(APP_NAME)
        self.setWizardStyle(QWizard.WizardStyle.MacStyle if sys.platform == "darwin"
                            else QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        # Everything is saved as the user goes, so the last page needs no separate Cancel: its one button closes.
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        # Screen readers read "< Back" literally; plain words read well and are what people expect.
        self.setButtonText(QWizard.WizardButton.BackButton, "&Back")
        self.setButtonText(QWizard.WizardButton.NextButton, "&Next")
        # Qt's default "Commit" means nothing to most people; what the keys page commits is already saved.
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Next")
        # "Finish" would read as "onboarding is finished"; the button only closes the window, and all is saved.
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Close")
        self.setButtonText(QWizard.WizardButton.CancelButton, "&Close")
        self.setPage(PageId.WELCOME, WelcomePage())
        self.setPage(PageId.ORGANISATION, OrganisationPage())
        self.setPage(PageId.PEOPLE, PeoplePage())
        self.setPage(PageId.JOURNEY, JourneyPage())
        self.setPage(PageId.KEYS, KeysPage())
        self.setPage(PageId.CERTIFICATES, CertificatesPage())
        self.setPage(PageId.PACKAGES, PackagesPage())
        self.setPage(PageId.DOMAIN, DomainPage())
        self.setPage(PageId.DIP_IDS, DipIdsPage())
        self.setPage(PageId.RENEWAL, RenewalPage())
        self.setPage(PageId.PROMOTION, PromotionPage())
        self.setPage(PageId.AUDIT, AuditPage())
        self.setStartId(PageId.WELCOME)
        for page_id in self.pageIds():
            page = self.page(page_id)
            if isinstance(page, BasePage):
                page.expiry_banner.hidden_by_user.connect(self._on_expiry_hidden)
        self.currentIdChanged.connect(self._on_page_changed)
        self.project_changed.connect(self._show_expiry)
        self.resize(1000, 720)
        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode("ascii")))

    def nextId(self) -> int:
        following = next_page(PageId(self.currentId())) if self.currentId() >= 0 else None
        return int(following) if following is not None else -1

    # Project lifecycle -----------------------------------------------------------------------------------

    def open_project(self, folder: Path) -> None:
        """Open a project folder; raises `WizardError` with a plain message if it cannot be opened."""
        self.session = ProjectSession.open(folder, self.services.profile, self.services.clock)
        self._expiry_hidden = False
        self._remember(folder)
        self.project_changed.emit()

    def close_project(self) -> None:
        self.session = None

    def create_project(self, organisation: Organisation, environment: str,
                       mpids: tuple[MarketParticipant, ...]) -> None:
        folder = self._new_project_folder(organisation, environment)
        self.session = ProjectSession.create(folder, self.services.profile, self.services.clock,
                                             organisation=organisation, environment=environment, mpids=mpids)
        self._expiry_hidden = False
        self._remember(folder)
        self.project_changed.emit()

    def commit(self, project: Project) -> None:
        """Save a changed project; raises `WizardError` (and keeps the last saved state) if saving fails."""
        assert self.session is not None
        self.session.commit(project)
        self.project_changed.emit()

    def resume_last(self) -> str | None:
        """Reopen the last project at the page the user left; returns a message if that was not possible."""
        last = self.settings.last_project
        if not last:
            return None
        from wizard.core.errors import WizardError

        try:
            self.open_project(Path(last))
        except WizardError as exc:
            return f"The last project could not be reopened. {exc}"
        self.walk_to(resume_page(self.settings.last_page.get(last)))
        return None

    def show_welcome_problem(self, text: str) -> None:
        self.startup_problem = text

    def walk_to_page_named(self, name: str) -> None:
        self.walk_to(PageId[name])

    def walk_to(self, target: PageId) -> None:
        """Go forward page by page to `target`, so Back works as if the user had clicked through."""
        if self.currentId() < 0:
            self.restart()
        welcome = self.page(PageId.WELCOME)
        assert isinstance(welcome, WelcomePage)
        welcome.choose_open_project()
        while self.currentId() != int(target):
            before = self.currentId()
            self.next()
            if self.currentId() == before:
                break

    def revisit(self, target: PageId) -> None:
        """Go to an earlier page that Back cannot reach (it lies behind the keys page, a commit page), walking
        forward from the start again so that Back and the saved place behave as if the user had clicked through."""
        self.restart()
        self.walk_to(target)

    # Certificate expiry -------------------------------------------------------------------------------------

    def expiry_lines(self) -> tuple[ExpiryLine, ...]:
        """The open project's certificates that are inside their reminder lead time or have expired."""
        if self.session is None or not self.session.project.certificates:
            return ()
        from wizard.core.certs import inventory  # loads cryptography: only for a project that has certificates

        rows = inventory(self.session.profile, self.session.project, self.session.clock())
        return tuple(ExpiryLine(r.kind_name, r.subject, r.not_after, r.status, r.days_left)
                     for r in rows if r.status != "ok")

    def _show_expiry(self) -> None:
        """Show the expiry reminder at the top of the current page: never on the welcome page, and not again
        after the user hid it until a project is next opened. It never blocks."""
        page = self.currentPage()
        if not isinstance(page, BasePage):
            return
        if not self.isVisible():
            # Reopening at start: the window comes first, then the reminder (it loads cryptography).
            QTimer.singleShot(0, self, self._show_expiry)
            return
        shown = self.currentId() != PageId.WELCOME and not self._expiry_hidden
        page.expiry_banner.show_lines(self.expiry_lines() if shown else ())

    def _on_expiry_hidden(self) -> None:
        self._expiry_hidden = True

    def _new_project_folder(self, organisation: Organisation, environment: str) -> Path:
        slug = re.sub(r"[^a-z0-9]+", "-", organisation.name.lower()).strip("-")[:40] or "project"
        base = self.services.paths.projects_dir / f"{slug}-{environment}"
        folder, n = base, 2
        while folder.exists():
            folder, n = base.with_name(f"{base.name}-{n}"), n + 1
        return folder

    # Settings ---------------------------------------------------------------------------------------------

    def _remember(self, folder: Path) -> None:
        self.settings = self.settings.remembering(folder)
        self.services.settings.save(self.settings)

    def forget_project(self, folder: Path) -> None:
        self.settings = self.settings.forgetting(folder)
        self.services.settings.save(self.settings)

    def _on_page_changed(self, page_id: int) -> None:
        if page_id < 0:
            return
        page = self.page(page_id)
        # Announce the page change: the window title changes and focus moves to the page's first input.
        self.setWindowTitle(f"{page.title()} — {APP_NAME}")
        target = page.first_field() if isinstance(page, BasePage) else None
        if target is not None:
            target.setFocus()
        self._show_expiry()
        if self.session is not None and page_id != PageId.WELCOME:
            self.settings = self.settings.remembering(self.session.folder, PageId(page_id).name)
            self.services.settings.save(self.settings)

    def is_busy(self) -> bool:
        """True while a page waits for background work (e.g. a key being made) that must not be abandoned."""
        page = self.currentPage()
        return isinstance(page, BasePage) and page.is_busy()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.is_busy():
            event.ignore()
            return
        self._save_geometry()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        if self.is_busy():
            return
        self._save_geometry()
        super().done(result)

    def _save_geometry(self) -> None:
        geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        self.settings = replace(self.settings, window_geometry=geometry)
        self.services.settings.save(self.settings)
