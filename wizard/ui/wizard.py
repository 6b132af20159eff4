"""The main window: a QWizard whose pages are registered by id and share one open project session."""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget, QWizard, QWizardPage

from wizard import APP_NAME
from wizard.core.flow import PageId, is_commit_point, next_page, pages_to, remembered_as, resume_page
from wizard.ui.pages.base import BasePage
from wizard.ui.pages.welcome import WelcomePage

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QPaintEvent

    from wizard.app import Services
    from wizard.core.model import MarketParticipant, Organisation, Project
    from wizard.core.session import ProjectSession
    from wizard.core.vault import Vault
    from wizard.ui.dialogs import Dialogs
    from wizard.ui.expiry import ExpiryLine
    from wizard.ui.help_viewer import HelpWindow
    from wizard.ui.vault_access import VaultAccess

# Every page but the first is built (and its module imported) only when the wizard first needs it: the window
# then appears sooner and uses less memory (bench/README.md, startup_ratio and rss_ratio).
PAGES: dict[PageId, tuple[str, str]] = {
    PageId.ORGANISATION: ("wizard.ui.pages.organisation", "OrganisationPage"),
    PageId.PEOPLE: ("wizard.ui.pages.people", "PeoplePage"),
    PageId.JOURNEY: ("wizard.ui.pages.journey", "JourneyPage"),
    PageId.KEYS: ("wizard.ui.pages.keys", "KeysPage"),
    PageId.CERTIFICATES: ("wizard.ui.pages.certificates", "CertificatesPage"),
    PageId.PACKAGES: ("wizard.ui.pages.packages", "PackagesPage"),
    PageId.DOMAIN: ("wizard.ui.pages.domain", "DomainPage"),
    PageId.DIP_IDS: ("wizard.ui.pages.dip_ids", "DipIdsPage"),
    PageId.RENEWAL: ("wizard.ui.pages.renewal", "RenewalPage"),
    PageId.PROMOTION: ("wizard.ui.pages.promotion", "PromotionPage"),
    PageId.AUDIT: ("wizard.ui.pages.audit", "AuditPage"),
}


class NotYetBuilt(QWizardPage):
    """Stands for a page that reopening a project walked past without building it (`walk_to(lazily=True)`): it
    keeps the page's place in QWizard's history, so Back and the commit point behave as if the user had clicked
    through, and is swapped for the real page when Back reaches it (`_on_page_changed`)."""


class OnboardingWizard(QWizard):
    """Holds the services and the open project; pages change the project only through `commit`."""

    project_changed = Signal()

    def __init__(self, services: Services, dialogs: Dialogs, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.dialogs = dialogs
        self.session: ProjectSession | None = None
        # What the first frame does not show is loaded right after it is painted (`after_first_frame`).
        self._first_frame_shown = False
        self._ending_at_first_frame = False  # gui --exit-after-paint: see end_at_first_frame
        self._after_first_frame: list[Callable[[], object]] = []
        self._first_paint_seen = False
        self._at_the_end: Callable[[], object] | None = None
        self._vault_access: VaultAccess | None = None
        self._walking = False  # inside walk_to: page changes are announced once, at the end
        self._walking_lazily = False  # inside a lazy walk: `page` leaves stand-ins in place
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
        # Every page has a section in the offline help; the Help button (Alt+H) and F1 open it there.
        self.setOption(QWizard.WizardOption.HaveHelpButton, True)
        self.setButtonText(QWizard.WizardButton.HelpButton, "&Help")
        self.helpRequested.connect(lambda: self.show_help())
        self.help_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents), self)
        self.help_shortcut.activated.connect(lambda: self.show_help())
        self.help_window: HelpWindow | None = None
        self._add_page(PageId.WELCOME, WelcomePage())
        self.setStartId(PageId.WELCOME)
        self.currentIdChanged.connect(self._on_page_changed)
        self.project_changed.connect(self._show_expiry)
        self.resize(1000, 720)
        if self.settings.window_geometry:
            from PySide6.QtCore import QByteArray

            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode("ascii")))

    # The first frame -------------------------------------------------------------------------------------------

    def after_first_frame(self, work: Callable[[], object]) -> None:
        """Run `work` right after the window's first paint, or now if that has happened. The first frame (this
        window with the welcome page) is built with as little loaded as possible; what it does not show (the
        profile's checks and the recent projects on the welcome page) follows a moment later, and the vaults when a
        page first needs them (bench/README.md, startup_ratio)."""
        if self._ending_at_first_frame:
            return
        if self._first_frame_shown:
            work()
        else:
            self._after_first_frame.append(work)

    def end_at_first_frame(self, then: Callable[[], object]) -> None:
        """For `gui --exit-after-paint` (the start-up benchmark): the process ends at the first frame, so the work
        deferred to after it is dropped and `then` (the report and quit) runs instead; both sides of startup_ratio
        and rss_ratio then stop at their first paint."""
        self._ending_at_first_frame = True
        self._after_first_frame.clear()
        self._at_the_end = then

    def paintEvent(self, event: QPaintEvent) -> None:
        # The first frame is the first paint of this window, once processed. Watching for it here rather than with
        # an event filter means only paint events, not every event before the first frame, call into Python.
        super().paintEvent(event)
        if not self._first_paint_seen:
            self._first_paint_seen = True
            QTimer.singleShot(0, self, self._on_first_frame)

    def _on_first_frame(self) -> None:
        self._first_frame_shown = True
        if self._at_the_end is not None:
            self._at_the_end()
            return
        waiting, self._after_first_frame = self._after_first_frame, []
        for work in waiting:
            work()

    @property
    def vault_access(self) -> VaultAccess:
        """The keychain and the file vault of this run, shared by the pages that need a key. Made when the first
        such page asks: the vaults load hashlib (OpenSSL) and the keychain code, ~5 MiB the welcome page never uses."""
        if self._vault_access is None:
            from wizard.ui.vault_access import VaultAccess

            self._vault_access = VaultAccess(self.services.vaults, self.dialogs, self)
        return self._vault_access

    def nextId(self) -> int:
        following = next_page(PageId(self.currentId())) if self.currentId() >= 0 else None
        return int(following) if following is not None else -1

    # Pages are made on first use ----------------------------------------------------------------------------

    def _add_page(self, page_id: PageId, page: QWizardPage) -> None:
        if isinstance(page, BasePage):
            page.attach(self)
        page.setCommitPage(is_commit_point(page_id))
        self.setPage(page_id, page)
        if isinstance(page, BasePage):
            from wizard.core.help_topics import topic_for_page

            page.expiry_banner.hidden_by_user.connect(self._on_expiry_hidden)
            page.set_help_topic(topic_for_page(page_id.name))

    def page(self, page_id: int) -> QWizardPage:
        """The page with this id, built now if it has not been needed before (or only stood in for)."""
        if page_id in PAGES:
            present = super().page(page_id) if page_id in self.pageIds() else None
            if isinstance(present, NotYetBuilt) and not self._walking_lazily and page_id not in self.visitedIds():
                self.removePage(page_id)
                present.deleteLater()
                present = None
            if present is None:
                module, name = PAGES[PageId(page_id)]
                self._add_page(PageId(page_id), getattr(importlib.import_module(module), name)())
        return super().page(page_id)

    def is_built(self, page_id: PageId) -> bool:
        """Whether this page exists as itself (not only as a stand-in from reopening a project)."""
        return page_id in self.pageIds() and not isinstance(super().page(page_id), NotYetBuilt)

    def validateCurrentPage(self) -> bool:
        # QWizard.next() asks this first and then moves to nextId(), which must exist by then.
        if not super().validateCurrentPage():
            return False
        following = self.nextId()
        if following >= 0:
            self.page(following)
        return True

    # Project lifecycle -----------------------------------------------------------------------------------

    def open_project(self, folder: Path) -> None:
        """Open a project folder; raises `WizardError` with a plain message if it cannot be opened."""
        from wizard.core.errors import WizardError
        from wizard.core.lifecycle import is_copied, needs_housekeeping
        from wizard.core.session import ProjectSession

        session = ProjectSession.open(folder, self.services.profile, self.services.clock)
        if is_copied(session.project, folder):
            assert session.project.home is not None
            if not self.dialogs.confirm(self, "A copied project folder", f"{folder} is a copy of the project in "
                                        f"{session.project.home.path}. To use it, the wizard makes it independent: "
                                        "its keys are copied in the keychain under its own name, so that neither "
                                        "folder can ever remove the other's keys. Make it independent?",
                                        action="Make it independent"):
                raise WizardError(f"{folder} was not opened, and nothing was changed.")
        if needs_housekeeping(session.project, folder, session.clock()):
            from wizard.actions.opening import housekeep  # with the vault code: only when there is work

            # Rare (a copy, an interrupted key write, a certificate that became valid, an older project's first
            # open): done here, before any page shows the project. A key in a locked file vault waits for a later
            # open, when the vault is unlocked.
            news = housekeep(session, self._vault_for_opening).news(asked_first=True)
            if news:
                self.dialogs.inform(self, "Opening the project", "\n\n".join(news))
        self.session = session
        self._expiry_hidden = False
        self._remember(folder)
        self.project_changed.emit()

    def _vault_for_opening(self, kind: str) -> Vault:
        # The file vault only if it is already unlocked in this session (WrongPassphrase otherwise): opening a
        # project does not ask for a passphrase.
        return self.services.vaults.keychain() if kind == "keychain" else self.services.vaults.file()

    def close_project(self) -> None:
        self.session = None

    def create_project(self, organisation: Organisation, environment: str,
                       mpids: tuple[MarketParticipant, ...]) -> None:
        from wizard.core.session import ProjectSession

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
        self.walk_to(resume_page(self.settings.last_page.get(last)), lazily=True)
        return None

    def show_welcome_problem(self, text: str) -> None:
        self.startup_problem = text

    def walk_to_page_named(self, name: str) -> None:
        self.walk_to(PageId[name])

    def walk_to(self, target: PageId, *, lazily: bool = False) -> None:
        """Go forward page by page to `target`, so Back works as if the user had clicked through. Stops where a page
        refuses to be left (its `validatePage`); does nothing when `target` is not ahead (see `revisit`).

        `lazily` (reopening a project): the pages on the way that are not built yet are passed as stand-ins
        (`NotYetBuilt`) and built when Back first reaches them, so a returning user waits for one page, not for
        every page before it (bench/README.md, resume_ratio). Only the Organisation page ever refuses to be left
        with saved data; when the project's details would make it refuse, the walk builds the pages as before."""
        if self.currentId() < 0:
            self.restart()
        welcome = self.page(PageId.WELCOME)
        assert isinstance(welcome, WelcomePage)
        welcome.choose_open_project()
        if lazily and self.session is not None:
            from wizard.core.organisation import recorded_details_problem

            lazily = recorded_details_problem(self.session.project) is None
        start = self.currentId()
        self._walking, self._walking_lazily = True, lazily
        try:
            for following in pages_to(PageId(start), target) or ():
                if lazily and following != target and following not in self.pageIds():
                    self._add_stand_in(following)
                self.next()
                if self.currentId() != following:
                    break
        finally:
            self._walking = self._walking_lazily = False
        if self.currentId() != start:
            self._on_page_changed(self.currentId())  # the pages passed on the way were never shown

    def _add_stand_in(self, page_id: PageId) -> None:
        stand_in = NotYetBuilt()
        stand_in.setCommitPage(is_commit_point(page_id))  # so that Back is off after it, as after the real page
        self.setPage(page_id, stand_in)

    def revisit(self, target: PageId) -> None:
        """Go to an earlier page that Back cannot reach (it lies behind the keys page, a commit page), walking
        forward from the start again so that Back and the saved place behave as if the user had clicked through."""
        self.restart()
        self.walk_to(target)

    # Help -------------------------------------------------------------------------------------------------

    def show_help(self, topic: str | None = None) -> HelpWindow:
        """Open the offline help at `topic`, or at the section for the current page."""
        if topic is None:
            page = self.currentPage()
            topic = page.help_topic if isinstance(page, BasePage) and page.help_topic else "index.html"
        if self.help_window is None:
            from wizard.app import resources_dir
            from wizard.core.help import help_dir
            from wizard.ui.help_viewer import HelpWindow

            self.help_window = HelpWindow(help_dir(resources_dir()), self)
        self.help_window.show_topic(topic)
        return self.help_window

    # Certificate expiry -------------------------------------------------------------------------------------

    def expiry_lines(self) -> tuple[ExpiryLine, ...]:
        """The open project's certificates, and its verified domain, that are inside their reminder lead time or
        have expired."""
        if self.session is None:
            return ()
        from wizard.core.domain_expiry import domain_expiry
        from wizard.ui.expiry import ExpiryLine

        session = self.session
        lines: list[ExpiryLine] = []
        if session.project.certificates:
            from wizard.core.inventory import inventory

            lines += [ExpiryLine(r.kind_name, r.subject, r.not_after, r.status, r.days_left)
                      for r in inventory(session.profile, session.project, session.clock())
                      if r.status in ("soon", "expired")]  # not a waiting or retired key's
        domain = domain_expiry(session.profile, session.project, session.clock().date())
        if domain is not None and domain.status in ("soon", "expired"):
            lines.append(ExpiryLine("Domain verification", domain.domain, domain.expires_on, domain.status,
                                    domain.days_left, what="domain",
                                    advice=f"{domain.validity.renew_text} Then record the new date on the Domain "
                                           "verification page."))
        return tuple(lines)

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
        # In full where certificates are renewed; elsewhere one line, so the page keeps its room.
        page.expiry_banner.show_lines(self.expiry_lines() if shown else (),
                                      full=self.currentId() in (PageId.CERTIFICATES, PageId.RENEWAL))

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
        if page_id < 0 or self._walking:
            return
        if isinstance(super().page(page_id), NotYetBuilt):
            # Back reached a page that reopening the project passed without building: walk to it again from the
            # start, building the pages this time (the stand-ins are swapped as the walk reaches them).
            self.revisit(PageId(page_id))
            return
        page = self.page(page_id)
        # Announce the page change: the window title changes and focus moves to the page's first input.
        self.setWindowTitle(f"{page.title()} — {APP_NAME}")
        target = page.first_field() if isinstance(page, BasePage) else None
        if target is not None:
            target.setFocus()
        self._show_expiry()
        place = remembered_as(PageId(page_id))
        if self.session is not None and place is not None:
            self.settings = self.settings.remembering(self.session.folder, place)
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
        self.settings = self.settings._replace(window_geometry=geometry)
        self.services.settings.save(self.settings)
