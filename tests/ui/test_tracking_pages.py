"""The tracking pages through their widgets: DIP IDs and channels (bad webhooks refused inline, CSV saved), domain
verification (TXT value, copy, sheet, DNS check only on request), renewals (near-expiry flagged, a new key made in
the background while the old certificate stays, .ics saved and parsed, signing self-test), promotion (a Production
project with its checklist, UIT untouched, ticking saves) and the audit trail (an edited line is named)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import icalendar
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.pki import SupplierCA
from wizard.app import Services
from wizard.core import audit
from wizard.core.domain import LookupResult
from wizard.core.flow import PageId
from wizard.core.session import ProjectSession
from wizard.demo import create_demo_project
from wizard.ui.pages import domain as domain_module
from wizard.ui.pages.audit import AuditPage
from wizard.ui.pages.dip_ids import DipIdsPage
from wizard.ui.pages.domain import DomainPage
from wizard.ui.pages.promotion import PromotionPage
from wizard.ui.pages.renewal import RenewalPage
from wizard.ui.wizard import OnboardingWizard
from wizard.ui.workers import pending_count

from .certificates import import_with_core, issue_for, project_with_keys
from .conftest import FakeDialogs, MemorySecretStore

TIMEOUT_MS = 30_000


@pytest.fixture
def demo(services: Services) -> ProjectSession:
    return create_demo_project(services.paths.projects_dir / "demo", services.profile, services.clock)


@pytest.fixture
def open_page(qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard]) -> Iterator[Callable[..., object]]:
    windows: list[OnboardingWizard] = []

    def open_at(session: ProjectSession, page_id: PageId) -> object:
        window = make_wizard()
        window.open_project(session.folder)
        window.walk_to(page_id)
        window.show()
        windows.append(window)
        assert window.currentId() == page_id
        return window.currentPage()

    yield open_at
    qtbot.waitUntil(lambda: pending_count() == 0)
    for window in windows:
        window.close()


def click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # type: ignore[arg-type]


def test_dip_ids_and_channels_with_bad_webhooks_refused_inline(qtbot: QtBot, demo: ProjectSession,
                                                             open_page: Callable[..., object], dialogs: FakeDialogs,
                                                             tmp_path: Path) -> None:
    page = open_page(demo, PageId.DIP_IDS)
    assert isinstance(page, DipIdsPage)
    assert [page.mpid.itemText(i) for i in range(page.mpid.count())] == ["NWNL", "NWRG"]
    page.mpid.setCurrentText("NWNL")
    page.role_code.setCurrentText("LDSO")
    page.dip_id.setText("8795183096")
    click(qtbot, page.add_button)
    assert page.dip_table.rowCount() == 1
    assert page.selected_dip_id() == "8795183096"
    page.role_code.setCurrentText("SUPP")
    page.dip_id.setText("1111")
    click(qtbot, page.add_button)
    assert "not a DIP role code this project knows" in page.messages["role_code"].text()
    assert page.messages["role_code"].isVisible()
    assert page.dip_table.rowCount() == 1

    before = (demo.folder / "project.json").read_bytes()
    page.channel.setText("IF-001")
    page.url.setText("http://hooks.northwind-networks.example/if-001")
    click(qtbot, page.set_channel_button)
    assert "secure HTTPS" in page.messages["url"].text()
    assert (demo.folder / "project.json").read_bytes() == before, "nothing saved"
    page.url.setText("https://8.8.4.4/if-001")
    click(qtbot, page.set_channel_button)
    assert page.channel_table.rowCount() == 1
    assert "host name" in page.checks.text()
    assert "not confirmed" in page.checks.text()
    assert page.messages["url"].text() == ""

    out = tmp_path / "channels.csv"
    dialogs.save_paths.append(out)
    click(qtbot, page.export_channels_button)
    assert "IF-001,https://8.8.4.4/if-001" in out.read_text()
    reopened = ProjectSession.open(demo.folder, demo.profile, demo.clock)
    assert [c.url for c in reopened.project.channels] == ["https://8.8.4.4/if-001"]


def test_domain_page_records_copies_and_checks_only_when_asked(
        qtbot: QtBot, demo: ProjectSession, open_page: Callable[..., object], dialogs: FakeDialogs,
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def fake_lookup(profile: object, domain: str, expected: str) -> LookupResult:
        asked.append(domain)
        return LookupResult("dig", (expected,), True)

    monkeypatch.setattr(domain_module, "lookup_txt", fake_lookup)
    page = open_page(demo, PageId.DOMAIN)
    assert isinstance(page, DomainPage)
    assert not page.copy_button.isEnabled()
    assert "used again when certificates are renewed" in page.keep_label.text()
    page.txt_edit.setText("bad\tvalue")
    click(qtbot, page.save_txt_button)
    assert "cannot hold" in page.txt_message.text()
    page.txt_edit.setText('"globalsign-domain-verification=NW42"')
    click(qtbot, page.save_txt_button)
    assert page.txt_edit.text() == "globalsign-domain-verification=NW42"
    assert "Value:       globalsign-domain-verification=NW42" in page.sheet.text()
    click(qtbot, page.copy_button)
    assert QGuiApplication.clipboard().text() == "globalsign-domain-verification=NW42"
    out = tmp_path / "dns.html"
    dialogs.save_paths.append(out)
    click(qtbot, page.save_sheet_button)
    assert "<code>globalsign-domain-verification=NW42</code>" in out.read_text()
    assert asked == [], "no DNS query until the user asks"
    click(qtbot, page.check_button)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=TIMEOUT_MS)
    assert asked == ["northwind-networks.example"]
    assert "Found" in page.result.text()


@pytest.fixture
def near_expiry(services: Services, keychain: MemorySecretStore, demo_ca: SupplierCA) -> ProjectSession:
    session = project_with_keys(services, keychain, "dip-mtls", "dip-signing")
    for kind, days in (("dip-mtls", 20), ("dip-signing", 300)):
        (key,) = session.project.keys_for(kind)
        import_with_core(session, issue_for(demo_ca, services, keychain, key, days_left=days), demo_ca.chain)
    return session


def test_renewal_flags_near_expiry_and_makes_a_new_key_while_the_old_stays(
        qtbot: QtBot, near_expiry: ProjectSession, open_page: Callable[..., object], dialogs: FakeDialogs,
        keychain: MemorySecretStore, tmp_path: Path) -> None:
    page = open_page(near_expiry, PageId.RENEWAL)
    assert isinstance(page, RenewalPage)
    qtbot.waitUntil(lambda: pending_count() == 0)
    assert page.table.item(0, 0).text() == "DIP mTLS client certificate"
    assert page.table.item(0, 2).text().startswith("Renew soon: ")
    assert "Start the renewal" in page.advice.text()
    old = near_expiry.project.current_certificate("dip-mtls")
    dialogs.confirm_answers.append(True)
    click(qtbot, page.renew_button)
    assert page.is_busy(), "the key is made in the background"
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=TIMEOUT_MS)
    assert page.page_error.text() == ""
    session = page.session()
    keys = session.project.keys_for("dip-mtls")
    assert len(keys) == 2
    assert keys[1].replaces == keys[0].id
    assert session.project.current_certificate("dip-mtls") == old, "the current certificate stays in use"
    assert page.table.item(0, 3).text() == "New key waiting for its certificate"
    assert page.export_csr_button.isEnabled()
    assert not page.renew_button.isEnabled()
    csr = tmp_path / "renewal.csr.pem"
    dialogs.save_paths.append(csr)
    click(qtbot, page.export_csr_button)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=TIMEOUT_MS)
    assert csr.read_bytes().startswith(b"-----BEGIN CERTIFICATE REQUEST-----")
    assert page.session().project.keys_for("dip-mtls")[1].csr_exported_at is not None

    ics = tmp_path / "reminders.ics"
    dialogs.save_paths.append(ics)
    click(qtbot, page.ics_button)
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    assert len(list(calendar.walk("VEVENT"))) >= 2

    click(qtbot, page.sign_button)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=TIMEOUT_MS)
    assert "The signature checks out" in page.result.text()
    assert "X-DIP-Signature-Date" in page.result.text()
    events = [e.event for e in audit.read_entries(near_expiry.folder)]
    assert {"key generated", "CSR exported", "reminders exported", "signing self-test"} <= set(events)


def test_promotion_makes_production_with_a_checklist_and_ticks_save(
        qtbot: QtBot, demo: ProjectSession, open_page: Callable[..., object], dialogs: FakeDialogs) -> None:
    before = {p.name: p.read_bytes() for p in demo.folder.iterdir()}
    page = open_page(demo, PageId.PROMOTION)
    assert isinstance(page, PromotionPage)
    assert page.promote_button.isVisible()
    dialogs.confirm_answers.append(True)
    click(qtbot, page.promote_button)
    assert page.open_button.isVisible(), page.page_error.text()
    assert {p.name: p.read_bytes() for p in demo.folder.iterdir()} == before, "the UIT project is untouched"
    click(qtbot, page.open_button)
    window = page.onboarding()
    assert window.session is not None
    assert window.session.project.environment == "production"
    assert window.currentId() == PageId.PROMOTION
    assert not page.promote_button.isVisible()
    assert page.checklist.count() == len(window.session.project.checklist) > 5
    item = next(page.checklist.item(i) for i in range(page.checklist.count())
                if "Create Priya Shah's DIP account" in page.checklist.item(i).text())
    item.setCheckState(Qt.CheckState.Checked)
    saved = ProjectSession.open(window.session.folder, demo.profile, demo.clock).project
    assert next(i for i in saved.checklist if "Priya Shah" in i.text).done


def test_audit_page_lists_events_and_names_an_edited_line(
        qtbot: QtBot, demo: ProjectSession, open_page: Callable[..., object]) -> None:
    page = open_page(demo, PageId.AUDIT)
    assert isinstance(page, AuditPage)
    assert page.table.rowCount() == len(audit.read_entries(demo.folder)) > 3
    assert page.table.item(page.table.rowCount() - 1, 3).text() == "Project created"
    click(qtbot, page.verify_button)
    assert "checks out" in page.result.text()
    log = demo.folder / audit.AUDIT_FILE
    lines = log.read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(b"Priya Shah", b"Priya Shaw")
    log.write_bytes(b"".join(lines))
    click(qtbot, page.verify_button)
    assert "line 2 was changed" in page.result.text()


def test_every_renewals_column_says_something_and_promotion_explains_code_body(
        near_expiry: ProjectSession, open_page: Callable[..., object]) -> None:
    """Issue 17, item 4 (f): no certificate row's Renewal cell is an empty "—"; "Code Body" is explained."""
    from PySide6.QtWidgets import QLabel

    renewal = open_page(near_expiry, PageId.RENEWAL)
    assert isinstance(renewal, RenewalPage)
    rows = [[renewal.table.item(r, c).text() for c in range(renewal.table.columnCount())]
            for r in range(renewal.table.rowCount()) if not renewal.table.item(r, 0).text().startswith("Domain")]
    assert rows
    for row in rows:
        assert "—" not in row, row
    assert {row[3] for row in rows} <= {"Not needed yet", "Not started: press Start renewal",
                                        "New key waiting for its certificate"}
    promotion = open_page(near_expiry, PageId.PROMOTION)
    assert isinstance(promotion, PromotionPage)
    intro = " ".join(" ".join(label.text().split()) for label in promotion.findChildren(QLabel))
    assert "Code Body (the body that runs the industry code you qualify under" in intro
