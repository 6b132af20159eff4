"""The Audit page's "Make the evidence pack…": it asks where to save (a PDF unless an .html name is given), shows
that it is busy while the pack is printed and written, then says where it went with its SHA-256, which is now the
newest line of the trail; a cancelled dialog does nothing, a name that is neither PDF nor HTML is refused."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.pdf_text import flat, pdf_text
from tests.pki import SupplierCA
from wizard.app import Services
from wizard.core import audit
from wizard.core.algorithms import fingerprint_text
from wizard.core.flow import PageId
from wizard.demo import add_demo_tracking
from wizard.ui.pages.audit import AuditPage
from wizard.ui.wizard import OnboardingWizard

from .certificates import import_with_core, issue_for, project_with_keys
from .conftest import FakeDialogs, MemorySecretStore


def audit_page(services: Services, keychain: MemorySecretStore, demo_ca: SupplierCA,
               make_wizard: Callable[[], OnboardingWizard]) -> tuple[OnboardingWizard, AuditPage, str]:
    """The wizard on the Audit page of the demo project with an mTLS certificate; and that certificate's
    fingerprint."""
    session = project_with_keys(services, keychain, "dip-mtls")
    add_demo_tracking(session)
    (key,) = session.project.keys_for("dip-mtls")
    record = import_with_core(session, issue_for(demo_ca, services, keychain, key), demo_ca.chain)
    window = make_wizard()
    window.open_project(session.folder)
    window.walk_to(PageId.AUDIT)
    page = window.currentPage()
    assert isinstance(page, AuditPage)
    return window, page, record.fingerprint


def test_the_button_saves_a_pdf_pack_and_its_sha256_goes_into_the_trail(
        qtbot: QtBot, services: Services, keychain: MemorySecretStore, demo_ca: SupplierCA, dialogs: FakeDialogs,
        make_wizard: Callable[[], OnboardingWizard], tmp_path: Path) -> None:
    window, page, fingerprint = audit_page(services, keychain, demo_ca, make_wizard)
    out = tmp_path / "pack.pdf"
    dialogs.save_paths.append(out)
    rows_before = page.table.rowCount()
    page.pack_button.click()
    assert page.is_busy()
    assert page.busy_indicator.label.text() == "Making the evidence pack…"
    assert not page.pack_button.isEnabled()  # one pack at a time
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=20000)
    assert page.page_error.text() == ""
    assert page.pack_button.isEnabled()
    assert dialogs.save_suggestions[0].name == "evidence-pack-northwind-networks-ltd-uit-2026-11-27.pdf"
    data = out.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    entry = audit.read_entries(window.session.folder)[-1]  # type: ignore[union-attr]
    assert (entry.event, entry.details) == ("evidence pack made", {"file": str(out), "format": "pdf", "sha256": sha})
    # The result in a plain line, and the trail shown again with the pack's line at the top.
    assert not page.pack_result.isHidden()
    assert f"Saved the evidence pack (PDF) to {out}" in page.pack_result.text()
    assert sha in page.pack_result.text()
    assert page.table.rowCount() == rows_before + 1
    assert page.table.item(0, 3).text() == "Evidence pack made"
    text = flat("".join(pdf_text(data)))
    assert flat("Northwind Networks Ltd") in text
    assert flat(fingerprint_text(fingerprint)) in text
    assert flat("The audit trail checks out:") in text
    window.close()


def test_an_html_name_saves_html_and_a_cancelled_or_other_name_saves_nothing(
        qtbot: QtBot, services: Services, keychain: MemorySecretStore, demo_ca: SupplierCA, dialogs: FakeDialogs,
        make_wizard: Callable[[], OnboardingWizard], tmp_path: Path) -> None:
    window, page, fingerprint = audit_page(services, keychain, demo_ca, make_wizard)
    folder = window.session.folder  # type: ignore[union-attr]
    lines = len(audit.read_entries(folder))
    dialogs.save_paths += [None, tmp_path / "pack.txt"]
    page.pack_button.click()  # cancelled
    assert not page.is_busy()
    page.pack_button.click()
    assert "give a file name ending .pdf or .html" in page.page_error.text()
    assert list(tmp_path.glob("pack*")) == []
    assert len(audit.read_entries(folder)) == lines
    dialogs.save_paths.append(tmp_path / "pack.html")
    page.pack_button.click()
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=20000)
    assert fingerprint_text(fingerprint) in (tmp_path / "pack.html").read_text(encoding="utf-8")
    assert "(HTML page)" in page.pack_result.text()
    assert page.page_error.text() == ""
    assert len(audit.read_entries(folder)) == lines + 1
    window.close()
