"""The Audit page in plain words: a demo project's trail (tracking, a key made, its CSR exported, a certificate
imported, a step set) shows no internal id, step id or Python flag; the tooltip keeps what was recorded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from pytestqt.qtbot import QtBot

from tests.core.test_audit_words import RAW
from tests.pki import SupplierCA
from wizard.app import Services
from wizard.core.algorithms import fingerprint_start
from wizard.core.flow import PageId
from wizard.core.model import with_key, with_step_status
from wizard.demo import add_demo_tracking
from wizard.ui.pages.audit import AuditPage
from wizard.ui.wizard import OnboardingWizard

from .certificates import import_with_core, issue_for, project_with_keys
from .conftest import MemorySecretStore


def test_the_audit_page_says_what_happened_in_words(qtbot: QtBot, services: Services, keychain: MemorySecretStore,
                                                     demo_ca: SupplierCA,
                                                     make_wizard: Callable[[], OnboardingWizard]) -> None:
    session = project_with_keys(services, keychain, "dip-mtls")
    add_demo_tracking(session)
    (key,) = session.project.keys_for("dip-mtls")
    key = replace(key, csr_pem="-----BEGIN CERTIFICATE REQUEST-----", csr_exported_at=services.clock())
    session.commit(with_key(session.project, key))
    import_with_core(session, issue_for(demo_ca, services, keychain, key), demo_ca.chain)
    session.commit(with_step_status(session.project, "step-2", "done", services.clock().date()))
    window = make_wizard()
    window.open_project(session.folder)
    window.walk_to(PageId.AUDIT)
    page = window.currentPage()
    assert isinstance(page, AuditPage)
    rows = [" | ".join(page.table.item(r, c).text() for c in range(page.table.columnCount()))
            for r in range(page.table.rowCount())]
    bad = [row for row in rows if RAW.search(row)]
    assert not bad, bad
    kind = services.profile.certificate_kind(key.kind)
    step = services.profile.step("step-2")
    assert any(f"Step status changed | {step.heading}; now done" in row for row in rows)
    assert any(f"Key generated | {kind.name}" in row and fingerprint_start(key.fingerprint) in row for row in rows)
    assert any("CSR exported" in row for row in rows)
    assert any("Certificate imported" in row and f"for the key {fingerprint_start(key.fingerprint)}" in row
               for row in rows)
    # What was recorded stays at hand.
    newest_step = next(r for r in range(page.table.rowCount()) if "Step status" in page.table.item(r, 3).text())
    assert "step: step-2" in page.table.item(newest_step, 4).toolTip()
    window.close()
