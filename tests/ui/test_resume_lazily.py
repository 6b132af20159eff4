"""Reopening the last project builds only the page the user was on; the pages before it are built when Back first
reaches them, and Back then behaves as if the user had clicked through (OnboardingWizard.walk_to, lazily)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from wizard.app import Services
from wizard.core.flow import PageId
from wizard.core.store import PROJECT_FILE
from wizard.demo import create_demo_project
from wizard.ui.pages.certificates import CertificatesPage
from wizard.ui.pages.journey import JourneyPage
from wizard.ui.pages.organisation import OrganisationPage
from wizard.ui.pages.people import PeoplePage
from wizard.ui.wizard import NotYetBuilt, OnboardingWizard


def _reopening_on(services: Services, make_wizard: Callable[[], OnboardingWizard], page: PageId) -> \
        tuple[OnboardingWizard, Path]:
    folder = services.paths.projects_dir / "demo"
    if not folder.exists():
        create_demo_project(folder, services.profile, services.clock)
    store = services.settings
    store.save(store.load().remembering(folder, page.name))
    window = make_wizard()
    assert window.resume_last() is None
    return window, folder


def test_only_the_page_the_user_was_on_is_built(qtbot: QtBot, services: Services,
                                                make_wizard: Callable[[], OnboardingWizard]) -> None:
    window, _ = _reopening_on(services, make_wizard, PageId.DIP_IDS)
    window.show()
    assert window.currentId() == PageId.DIP_IDS
    passed = [p for p in PageId if PageId.WELCOME < p < PageId.DIP_IDS]
    assert [p.name for p in passed if window.is_built(p)] == [], "no page on the way was built"
    assert all(isinstance(QWizard.page(window, p), NotYetBuilt) for p in passed), "each keeps its place"
    assert window.visitedIds() == [int(p) for p in PageId if p <= PageId.DIP_IDS], "the history is a click-through"
    assert window.windowTitle().startswith("DIP IDs and message channels"), "the page is announced once, as itself"
    assert window.session is not None
    assert json.loads(services.settings.path.read_text())["last_page"][str(window.session.folder)] == "DIP_IDS"


def test_back_builds_the_page_it_reaches_and_keeps_the_click_through_history(
        qtbot: QtBot, services: Services, make_wizard: Callable[[], OnboardingWizard]) -> None:
    window, _ = _reopening_on(services, make_wizard, PageId.JOURNEY)
    window.show()
    assert isinstance(window.currentPage(), JourneyPage)
    window.button(QWizard.WizardButton.BackButton).click()
    assert window.currentId() == PageId.PEOPLE
    assert isinstance(window.currentPage(), PeoplePage), "the real page, not its stand-in"
    assert window.windowTitle().startswith(window.currentPage().title())
    window.button(QWizard.WizardButton.BackButton).click()
    organisation = window.currentPage()
    assert isinstance(organisation, OrganisationPage)
    assert window.session is not None
    assert organisation.name.text() == window.session.project.organisation.name
    window.button(QWizard.WizardButton.NextButton).click()
    window.button(QWizard.WizardButton.NextButton).click()
    assert isinstance(window.currentPage(), JourneyPage), "Next goes forward through real pages again"
    assert not any(isinstance(QWizard.page(window, p), NotYetBuilt) for p in window.pageIds())


def test_after_the_keys_page_back_stops_where_a_click_through_stops(
        qtbot: QtBot, services: Services, make_wizard: Callable[[], OnboardingWizard]) -> None:
    window, _ = _reopening_on(services, make_wizard, PageId.PACKAGES)
    window.show()
    back = window.button(QWizard.WizardButton.BackButton)
    back.click()
    assert isinstance(window.currentPage(), CertificatesPage)
    assert not back.isEnabled(), "the keys page is a commit page, stand-in or not"


def test_details_the_organisation_page_would_refuse_stop_the_reopening_there(
        qtbot: QtBot, services: Services, make_wizard: Callable[[], OnboardingWizard]) -> None:
    folder = services.paths.projects_dir / "demo"
    create_demo_project(folder, services.profile, services.clock)
    # The project file's own checks pass each MPID on its own; the page's Next refuses one listed twice.
    data = json.loads((folder / PROJECT_FILE).read_text())
    data["project"]["mpids"].append(data["project"]["mpids"][0])
    (folder / PROJECT_FILE).write_text(json.dumps(data))
    window, _ = _reopening_on(services, make_wizard, PageId.AUDIT)
    window.show()
    assert window.currentId() == PageId.ORGANISATION, "as before: the page that refuses is where the user lands"
    page = window.currentPage()
    assert isinstance(page, OrganisationPage)
    assert "listed twice" in page.mpid_message.text()


def _reopened_in_a_new_process(home: Path, then: str) -> list[str]:
    """Start a window as the app does, reopen the last project, run `then` (Python, with `sys`, `window`, `before`
    (the modules loaded before reopening) at hand) and return what it printed, line by line."""
    code = ("import sys\n"
            "from wizard.app import build_services\n"
            "from wizard.ui.main import make_application\n"
            "from wizard.ui.dialogs import Dialogs\n"
            "from wizard.ui.wizard import OnboardingWizard\n"
            "app = make_application([])\n"
            "window = OnboardingWizard(build_services(), Dialogs())\n"
            "before = set(sys.modules)\n"
            "assert window.resume_last() is None\n" + then)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "DIP_ONBOARDING_HOME": str(home)})
    assert done.returncode == 0, done.stderr
    return done.stdout.split("\n")


def test_reopening_a_settled_project_loads_no_vault_code(services: Services, tmp_path: Path) -> None:
    """What a reopened page waits for: opening a project with nothing to finish (core/lifecycle.needs_housekeeping)
    does not import the vault code (~10 ms), nor the pages it walks past."""
    assert services.paths.data_dir == tmp_path / "home" / "data"  # the child's DIP_ONBOARDING_HOME
    folder = services.paths.projects_dir / "demo"
    create_demo_project(folder, services.profile, services.clock)
    services.settings.save(services.settings.load().remembering(folder, PageId.DIP_IDS.name))
    printed = _reopened_in_a_new_process(tmp_path / "home", (
        "print(type(window.currentPage()).__name__)\n"
        "print(sorted(m for m in ('wizard.core.vault', 'wizard.actions.opening', 'wizard.ui.pages.keys',\n"
        "                         'wizard.ui.pages.journey') if m in set(sys.modules) - before))\n"))
    assert printed[:2] == ["DipIdsPage", "[]"]


def test_the_keys_page_says_what_a_csr_holds_without_loading_cryptography(services: Services,
                                                                           tmp_path: Path) -> None:
    """The keys page's first visit (bench/README.md, page_first_visit_ms): describing the selected key's request
    needs only its names and words (core/csr_subject.py), not cryptography's x509 (~45 ms to import)."""
    assert services.paths.data_dir == tmp_path / "home" / "data"
    from wizard.core.lifecycle import key_entry
    from wizard.core.model import KeyRecord

    folder = services.paths.projects_dir / "demo"
    session = create_demo_project(folder, services.profile, services.clock)
    kind = services.profile.certificate_kinds[0].id
    made = KeyRecord("k-00000000000000aa", kind, "rsa-2048", "ab" * 32, services.clock(), state="active",
                     entry=key_entry(session.project, "k-00000000000000aa"))
    session.commit(replace(session.project, keys=(made,)))
    services.settings.save(services.settings.load().remembering(folder, PageId.KEYS.name))
    printed = _reopened_in_a_new_process(tmp_path / "home", (
        "page = window.currentPage()\n"
        f"page.select_kind({kind!r})\n"
        "print(type(page).__name__, 'What its CSR says' in page.csr_text.text())\n"
        "print('cryptography.x509' in sys.modules)\n"))
    assert printed[:2] == ["KeysPage True", "False"]


def test_reopening_a_project_with_certificates_on_renewals_loads_no_cryptography(services: Services,
                                                                                  tmp_path: Path) -> None:
    """The expiry reminder every page shows and the Renewals table come from what the project records
    (core/inventory.py), so reopening there parses no certificate and imports no x509 (~45 ms)."""
    from tests.pki import rsa_key
    from tests.tls_servers import webhook_ca, webhook_leaf, webhook_project

    assert services.paths.data_dir == tmp_path / "home" / "data"
    ca = webhook_ca()
    folder = services.paths.projects_dir / "acme"
    session = webhook_project(folder, services.profile, webhook_leaf(ca, rsa_key(0), days=(-300, 10)), ca)
    assert session.project.certificates, "a certificate 10 days from its end: the reminder shows"
    services.settings.save(services.settings.load().remembering(folder, PageId.RENEWAL.name))
    printed = _reopened_in_a_new_process(tmp_path / "home", (
        "window.show()\n"
        "for _ in range(5):\n    app.processEvents()\n"
        "page = window.currentPage()\n"
        "print(type(page).__name__, page.expiry_banner.isVisible(), page.table.rowCount() > 0)\n"
        "print('cryptography.x509' in sys.modules)\n"))
    assert printed[:2] == ["RenewalPage True True", "False"]
