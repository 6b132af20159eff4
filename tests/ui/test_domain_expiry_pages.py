"""The verified domain's expiry in the window: recorded on the Domain verification page (a future day refused
beside the field), a row on the Renewals page with what to do, and a line in the expiry banner. The clock is
FIXED_NOW, 27 Nov 2026: verified 1 Jun 2026 lasts until 18 Dec 2026 (21 days: renew soon), verified 1 Sep 2026
until 14 Mar 2027 (107 days)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from wizard.app import Services
from wizard.core import audit
from wizard.core.domain_expiry import with_domain_verified
from wizard.core.flow import PageId
from wizard.core.session import ProjectSession
from wizard.demo import create_demo_project
from wizard.ui.expiry import ExpiryLine
from wizard.ui.page_parts import ExpiryBanner
from wizard.ui.pages.domain import DomainPage
from wizard.ui.pages.renewal import RenewalPage
from wizard.ui.wizard import OnboardingWizard
from wizard.ui.workers import pending_count

DOMAIN = "northwind-networks.example"


@pytest.fixture
def demo(services: Services) -> ProjectSession:
    return create_demo_project(services.paths.projects_dir / "demo", services.profile, services.clock)


def verified(session: ProjectSession, on: str) -> ProjectSession:
    session.commit(with_domain_verified(session.project, dt.date.fromisoformat(on), session.clock().date()))
    return session


@pytest.fixture
def open_at(qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard]) -> Iterator[Callable[..., OnboardingWizard]]:
    windows: list[OnboardingWizard] = []

    def open_page(session: ProjectSession, page_id: PageId) -> OnboardingWizard:
        window = make_wizard()
        window.open_project(session.folder)
        window.walk_to(page_id)
        window.show()
        windows.append(window)
        assert window.currentId() == page_id
        return window

    yield open_page
    qtbot.waitUntil(lambda: pending_count() == 0)
    for window in windows:
        window.close()


def click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def test_the_domain_page_records_the_verified_day_and_refuses_a_future_one(
        qtbot: QtBot, demo: ProjectSession, open_at: Callable[..., OnboardingWizard]) -> None:
    window = open_at(demo, PageId.DOMAIN)
    page = window.currentPage()
    assert isinstance(page, DomainPage)
    # Keyboard: the caption names the field and gives it Alt+V; the button has its own Alt key; both take Tab.
    assert page.verified_label.buddy() is page.verified_edit
    assert "&" in page.verified_label.text()
    assert "&" in page.verified_button.text()
    for widget in (page.verified_edit, page.verified_button):
        assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert page.verified_edit.accessibleName() == "Day the domain was verified"
    assert "No verified date recorded yet" in page.verified_status.text()

    before = (demo.folder / "project.json").read_bytes()
    page.verified_edit.setText("2026-11-28")
    click(qtbot, page.verified_button)
    assert "28 Nov 2026 is in the future" in page.verified_message.text()
    assert (demo.folder / "project.json").read_bytes() == before, "nothing saved"
    page.verified_edit.setText("1 June")
    click(qtbot, page.verified_button)
    assert "YYYY-MM-DD" in page.verified_message.text()

    page.verified_edit.setText("2026-06-01")
    click(qtbot, page.verified_button)
    assert page.verified_message.text() == ""
    status = page.verified_status.text()
    assert "Verified on 01 Jun 2026" in status
    assert "can be used until 18 Dec 2026 (21 days left)" in status
    assert "GlobalSign Atlas portal" in status
    assert "not confirmed by public guidance" in status
    assert page.expiry_banner.isVisible(), "21 days is inside the first lead time"
    reopened = ProjectSession.open(demo.folder, demo.profile, demo.clock)
    assert reopened.project.domain_verified_on == dt.date(2026, 6, 1)
    assert "domain verified" in [e.event for e in audit.read_entries(demo.folder)]


def test_the_renewals_page_has_a_row_for_the_domain_with_what_to_do(
        qtbot: QtBot, demo: ProjectSession, open_at: Callable[..., OnboardingWizard]) -> None:
    window = open_at(verified(demo, "2026-09-01"), PageId.RENEWAL)
    page = window.currentPage()
    assert isinstance(page, RenewalPage)
    qtbot.waitUntil(lambda: pending_count() == 0)
    row = page.table.rowCount() - 1
    cells = [page.table.item(row, col).text() for col in range(4)]
    assert cells[:3] == [f"Domain verification ({DOMAIN})", "14 Mar 2027", "OK: 107 days left"]
    assert cells[3].startswith("Renew the domain in the GlobalSign Atlas portal")
    page.table.setCurrentCell(row, 0)
    assert "can be used until 14 Mar 2027" in page.advice.text()
    assert "Domain verification page" in page.advice.text()
    assert not page.renew_button.isEnabled()
    assert not page.export_csr_button.isEnabled()
    assert "Renew the domain verification of northwind-networks.example: 60 days left" in page.reminder_list.text()
    assert page.ics_button.isEnabled(), "the domain is reason enough for a calendar file"


def test_without_a_verified_day_the_renewals_page_says_where_to_record_it(
        qtbot: QtBot, demo: ProjectSession, open_at: Callable[..., OnboardingWizard]) -> None:
    page = open_at(demo, PageId.RENEWAL).currentPage()
    assert isinstance(page, RenewalPage)
    qtbot.waitUntil(lambda: pending_count() == 0)
    cells = [page.table.item(0, col).text() for col in range(4)]
    assert cells[:3] == [f"Domain verification ({DOMAIN})", "—", "Date not recorded"]
    assert "Domain verification page" in cells[3]
    assert not page.ics_button.isEnabled()


def test_the_banner_lists_the_domain_with_its_renewal_in_atlas(
        qtbot: QtBot, demo: ProjectSession, open_at: Callable[..., OnboardingWizard]) -> None:
    window = open_at(verified(demo, "2026-06-01"), PageId.RENEWAL)  # listed in full there; elsewhere one line
    banner = window.currentPage().expiry_banner  # type: ignore[attr-defined]
    qtbot.waitUntil(banner.isVisible)
    text = banner.text.text()
    assert "The domain verification needs renewing." in text
    assert f"Domain verification ({DOMAIN}) expires on 18 Dec 2026" in text
    assert "Renew soon: 21 days left" in text
    assert "GlobalSign Atlas portal" in text
    assert "Domain verification page" in text
    assert "Keys and CSRs" not in text, "only certificates are renewed with a new key"


def test_no_banner_while_the_domain_has_time_left(qtbot: QtBot, demo: ProjectSession,
                                                  open_at: Callable[..., OnboardingWizard]) -> None:
    window = open_at(verified(demo, "2026-09-01"), PageId.JOURNEY)
    QApplication.processEvents()
    qtbot.wait(50)
    assert not window.currentPage().expiry_banner.isVisible()  # type: ignore[attr-defined]


def test_the_banner_counts_certificates_and_the_domain(qtbot: QtBot) -> None:
    banner = ExpiryBanner()
    qtbot.addWidget(banner)
    when = dt.datetime(2026, 12, 17, tzinfo=dt.UTC)
    banner.show_lines([ExpiryLine("DIP mTLS client certificate", DOMAIN, when, "soon", 20),
                       ExpiryLine("Domain verification", DOMAIN, when.date(), "expired", -3, what="domain",
                                  advice="Renew it in Atlas.")])
    text = banner.text.text()
    assert "1 certificate and the domain verification need renewing." in text
    assert "Keys and CSRs page" in text
    assert "Expired 3 days ago" in text
    assert "Renew it in Atlas." in text
