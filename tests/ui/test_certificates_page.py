"""Certificates page: certificates imported by file dialog, drop and paste (read off the UI thread), matched to
their key and checked; anything else refused in plain words with nothing stored; the status table and details;
a replacement key's certificate retiring the old key; bringing your own key; the expiry reminder on start."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QWizard
from pytestqt.qtbot import QtBot

from tests.pki import SupplierCA
from wizard.app import Services
from wizard.core.flow import PageId
from wizard.core.keys import public_fingerprint
from wizard.core.session import ProjectSession
from wizard.core.store import PROJECT_FILE
from wizard.ui.pages import certificates as certificates_module
from wizard.ui.pages.certificates import CertificatesPage
from wizard.ui.pages.journey import JourneyPage
from wizard.ui.secret_dialogs import FilePasswordDialog
from wizard.ui.tones import LIGHT
from wizard.ui.wizard import OnboardingWizard
from wizard.ui.workers import pending_count

from .certificates import DOMAIN, add_key, import_with_core, issue_for, project_with_keys, write_certificates
from .conftest import FIXED_NOW, FakeDialogs, MemorySecretStore

TIMEOUT_MS = 30_000
MTLS = "DIP mTLS client certificate"


# ---------------------------------------------------------------- helpers


def open_page(make_wizard: Callable[[], OnboardingWizard], session: ProjectSession,
              target: PageId = PageId.CERTIFICATES) -> tuple[OnboardingWizard, CertificatesPage]:
    window = make_wizard()
    window.open_project(session.folder)
    window.walk_to(target)
    window.show()
    page = window.page(PageId.CERTIFICATES)
    assert isinstance(page, CertificatesPage)
    return window, page


@pytest.fixture
def mtls_session(services: Services, keychain: MemorySecretStore) -> ProjectSession:
    return project_with_keys(services, keychain, "dip-mtls")


@pytest.fixture
def page(qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard],
         mtls_session: ProjectSession) -> Iterator[CertificatesPage]:
    window, certificates = open_page(make_wizard, mtls_session)
    qtbot.waitUntil(lambda: pending_count() == 0)  # the keychain was looked for in the background
    yield certificates
    qtbot.waitUntil(lambda: pending_count() == 0)
    window.close()


def session_of(page: CertificatesPage) -> ProjectSession:
    session = page.onboarding().session
    assert session is not None
    return session


def saved_certificates(page: CertificatesPage) -> list[dict[str, object]]:
    text = (session_of(page).folder / PROJECT_FILE).read_text(encoding="utf-8")
    return list(json.loads(text)["project"]["certificates"])


def choose(qtbot: QtBot, page: CertificatesPage, dialogs: FakeDialogs, *paths: Path) -> None:
    """Import through "Choose file…" and wait for the outcome, whichever it is."""
    dialogs.open_answers.append(list(paths))
    qtbot.mouseClick(page.choose_button, Qt.MouseButton.LeftButton)
    assert page.is_busy(), "the file is read and checked in the background"
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=TIMEOUT_MS)


def drop(page: CertificatesPage, mime: QMimeData) -> None:
    """A real drag-enter and drop on the drop zone, as the window system delivers them."""
    zone = page.drop_zone
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(zone, enter)
    assert enter.isAccepted(), "the drop zone takes it"
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(zone, event)


def file_urls(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


# ---------------------------------------------------------------- the page in the flow


def test_the_page_follows_keys_and_shows_each_kind(qtbot: QtBot, page: CertificatesPage,
                                                   services: Services) -> None:
    window = page.onboarding()
    assert window.currentId() == PageId.CERTIFICATES
    assert window.windowTitle().startswith("Certificates")
    assert page.focusWidget() is page.choose_button
    assert not window.button(QWizard.WizardButton.BackButton).isEnabled(), "the keys page is a commit page"
    assert window.button(QWizard.WizardButton.NextButton).isVisible(), "packages follow"
    rows = {k.id: page.status_cells(k.id) for k in services.profile.certificate_kinds}
    assert rows["dip-mtls"] == [MTLS, "Key made", "—", "—", "No certificate yet"]
    assert rows["atlas-api"][1:] == ["No key yet", "—", "—", "No certificate yet"]
    page.select_kind("dip-mtls")
    assert "No certificate yet. Send the CSR" in page.details.text()
    assert not page.bring_button.isEnabled(), "this kind already has a key"
    page.select_kind("atlas-api")
    assert "No key yet" in page.details.text()
    assert page.bring_button.isEnabled()


def test_go_to_keys_reaches_the_keys_page_behind_the_commit_page(qtbot: QtBot, page: CertificatesPage) -> None:
    window = page.onboarding()
    qtbot.mouseClick(page.keys_button, Qt.MouseButton.LeftButton)
    assert window.currentId() == PageId.KEYS
    window.back()
    assert window.currentId() == PageId.JOURNEY, "Back works as if the user had clicked through"
    qtbot.waitUntil(lambda: pending_count() == 0)


# ---------------------------------------------------------------- importing


@pytest.mark.parametrize("form", ["p7b", "p7b-pem", "pem"])
def test_a_chain_file_chosen_in_the_dialog_is_imported_with_its_chain(
        qtbot: QtBot, page: CertificatesPage, dialogs: FakeDialogs, demo_ca: SupplierCA, services: Services,
        keychain: MemorySecretStore, tmp_path: Path, form: str) -> None:
    (key,) = session_of(page).project.keys_for("dip-mtls")
    leaf = issue_for(demo_ca, services, keychain, key)
    # Suppliers send the chain in any order; the wizard finds the leaf by its key.
    path = write_certificates(tmp_path / f"issued.{form}", [demo_ca.root, leaf, demo_ca.intermediate], form)
    entries_before = dict(keychain.entries)
    choose(qtbot, page, dialogs, path)

    assert "Imported the DIP mTLS client certificate" in page.import_result.text()
    assert "with 2 issuer certificates" in page.import_result.text()
    (record,) = session_of(page).project.certificates
    assert record.key_id == key.id
    assert record.pem == leaf.public_bytes(serialization.Encoding.PEM).decode()
    assert record.chain_pem.count("BEGIN CERTIFICATE") == 2
    assert record.chain_pem.startswith(demo_ca.intermediate.public_bytes(serialization.Encoding.PEM).decode())
    assert [c["id"] for c in saved_certificates(page)] == [record.id]
    assert keychain.entries == entries_before, "importing a certificate touches no key"

    assert page.selected_kind() is not None
    assert page.selected_kind().id == "dip-mtls"
    assert page.status_cells("dip-mtls") == [MTLS, "Certificate imported",
                                             "northwind-networks.example, Northwind Networks Ltd",
                                             "27 Nov 2027", "OK: 365 days left"]
    details = page.details.text()
    assert "Issued to: northwind-networks.example" in details
    assert "Issued by: Northwind Demo Test Issuing CA" in details
    assert "365 days left" in details
    assert "2 issuer certificates kept with it" in details
    checks = page.findings.text()
    assert "Check:" in checks, "a private root is a warning"
    assert "not one of the public roots" in checks
    assert "Valid until 27 Nov 2027" in checks


def test_a_dropped_der_file_is_imported(qtbot: QtBot, page: CertificatesPage, demo_ca: SupplierCA,
                                        services: Services, keychain: MemorySecretStore, tmp_path: Path) -> None:
    (key,) = session_of(page).project.keys_for("dip-mtls")
    path = write_certificates(tmp_path / "northwind.cer", [issue_for(demo_ca, services, keychain, key)], "der")
    with qtbot.waitSignal(page.certificate_imported, timeout=TIMEOUT_MS) as blocker:
        drop(page, file_urls(path))
        assert page.is_busy()
    assert blocker.args == ["dip-mtls"]
    assert "(DER, with 0 issuer certificates)" in page.import_result.text()
    assert "no issuer certificates (no chain) came with it" in page.details.text()
    assert "Ask your supplier for the chain" in page.findings.text()


def test_several_dropped_files_make_one_certificate_with_its_chain(
        qtbot: QtBot, page: CertificatesPage, demo_ca: SupplierCA, services: Services, keychain: MemorySecretStore,
        tmp_path: Path) -> None:
    (key,) = session_of(page).project.keys_for("dip-mtls")
    leaf = write_certificates(tmp_path / "leaf.crt", [issue_for(demo_ca, services, keychain, key)], "pem")
    chain = write_certificates(tmp_path / "chain.pem", [demo_ca.intermediate, demo_ca.root], "pem")
    with qtbot.waitSignal(page.certificate_imported, timeout=TIMEOUT_MS):
        drop(page, file_urls(leaf, chain))
    (record,) = session_of(page).project.certificates
    assert record.chain_pem.count("BEGIN CERTIFICATE") == 2


def test_pasted_and_dropped_text_is_imported(qtbot: QtBot, page: CertificatesPage, demo_ca: SupplierCA,
                                             services: Services, keychain: MemorySecretStore) -> None:
    (key,) = session_of(page).project.keys_for("dip-mtls")
    leaf = issue_for(demo_ca, services, keychain, key)
    text = "Here is your certificate:\n" + leaf.public_bytes(serialization.Encoding.PEM).decode()
    QGuiApplication.clipboard().setText(text)
    with qtbot.waitSignal(page.certificate_imported, timeout=TIMEOUT_MS):
        qtbot.mouseClick(page.paste_button, Qt.MouseButton.LeftButton)
    assert len(session_of(page).project.certificates) == 1

    # Dropping the same text again (say, selected in an e-mail) imports it again, replacing the record.
    mime = QMimeData()
    mime.setText(text)
    with qtbot.waitSignal(page.certificate_imported, timeout=TIMEOUT_MS):
        drop(page, mime)
    assert len(session_of(page).project.certificates) == 1

    QGuiApplication.clipboard().setText("")
    qtbot.mouseClick(page.paste_button, Qt.MouseButton.LeftButton)
    assert "The clipboard holds no text" in page.import_result.text()
    assert not page.is_busy()


# ---------------------------------------------------------------- refusals: nothing stored


def make_csr_pem() -> bytes:
    from cryptography import x509

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    csr = (x509.CertificateSigningRequestBuilder()
           .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, DOMAIN)])).sign(key, hashes.SHA256()))
    return csr.public_bytes(serialization.Encoding.PEM)


def key_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


BAD_FILES: dict[str, tuple[Callable[[], bytes], str]] = {
    "csr": (make_csr_pem, "is a certificate signing request (CSR), not a certificate. Send the CSR to your "
                          "certificate supplier"),
    "key": (key_pem, "holds a private key, not a certificate"),
    "random": (lambda: bytes(range(256)) * 7, "is not a certificate file this wizard recognises"),
    "empty": (lambda: b"", "is empty"),
    "huge": (lambda: b"A" * (3 * 1024 * 1024), "is 3072 KB, far larger than any certificate file"),
    "truncated": (lambda: b"-----BEGIN CERTIFICATE-----\nMIIB\n", "is cut short or damaged"),
}


@pytest.mark.parametrize("bad", sorted(BAD_FILES))
def test_anything_but_a_certificate_is_refused_in_plain_words_and_nothing_is_stored(
        qtbot: QtBot, page: CertificatesPage, dialogs: FakeDialogs, keychain: MemorySecretStore, tmp_path: Path,
        bad: str) -> None:
    make, words = BAD_FILES[bad]
    path = tmp_path / f"{bad}.pem"
    path.write_bytes(make())
    revision = session_of(page).revision
    entries = dict(keychain.entries)
    with qtbot.waitSignal(page.import_refused, timeout=TIMEOUT_MS) as blocker:
        dialogs.open_answers.append([path])
        qtbot.mouseClick(page.choose_button, Qt.MouseButton.LeftButton)
    assert words in blocker.args[0]
    assert path.name in blocker.args[0], "the message names the file"
    shown = page.import_result.text()
    assert page.import_result.isVisible()
    assert "Not imported." in shown
    assert LIGHT["error"] in shown
    assert session_of(page).project.certificates == ()
    assert session_of(page).revision == revision, "the project was not saved"
    assert saved_certificates(page) == []
    assert keychain.entries == entries
    assert not page.is_busy()
    assert page.choose_button.isEnabled(), "the user can try another file"


def test_a_certificate_for_another_key_is_refused_with_what_to_do(
        qtbot: QtBot, page: CertificatesPage, dialogs: FakeDialogs, demo_ca: SupplierCA, tmp_path: Path) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = demo_ca.issue(other.public_key(), common_name=DOMAIN, dns_names=[DOMAIN],
                         not_before=FIXED_NOW - dt.timedelta(days=1),
                         not_after=FIXED_NOW + dt.timedelta(days=365))
    # Leaf first: with a P7B (a DER set, sorted by its bytes) core may name the intermediate instead (reported).
    path = write_certificates(tmp_path / "someone-elses.pem", [cert, demo_ca.intermediate], "pem")
    choose(qtbot, page, dialogs, path)
    text = page.import_result.text()
    assert "Not imported." in text
    assert "was made for a different key from any this project holds" in text
    assert "It looks like an answer to the DIP mTLS client certificate request" in text
    assert session_of(page).project.certificates == ()
    assert saved_certificates(page) == []
    assert page.status_cells("dip-mtls")[4] == "No certificate yet"


def test_a_certificate_that_fails_its_checks_is_not_imported(
        qtbot: QtBot, page: CertificatesPage, dialogs: FakeDialogs, demo_ca: SupplierCA, services: Services,
        keychain: MemorySecretStore, tmp_path: Path) -> None:
    (key,) = session_of(page).project.keys_for("dip-mtls")
    expired = issue_for(demo_ca, services, keychain, key, days_left=-2, days_old=400)
    choose(qtbot, page, dialogs, write_certificates(tmp_path / "old.pem", [expired, demo_ca.intermediate], "pem"))
    assert ("It is for the DIP mTLS client certificate, but it cannot be used: This certificate expired on "
            "25 Nov 2026") in page.import_result.text()
    server_only = issue_for(demo_ca, services, keychain, key, usages=("server_auth",))
    choose(qtbot, page, dialogs, write_certificates(tmp_path / "server.pem", [server_only], "pem"))
    assert "not issued for client auth" in page.import_result.text()
    assert session_of(page).project.certificates == ()


# ---------------------------------------------------------------- replacement keys


def test_the_certificate_of_a_replacement_key_retires_the_old_key_and_keeps_it_in_its_vault(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], dialogs: FakeDialogs, demo_ca: SupplierCA,
        services: Services, keychain: MemorySecretStore, mtls_session: ProjectSession, tmp_path: Path) -> None:
    (old,) = mtls_session.project.keys_for("dip-mtls")
    import_with_core(mtls_session, issue_for(demo_ca, services, keychain, old, days_left=20), demo_ca.chain)
    new = add_key(services, mtls_session, keychain, "dip-mtls")
    assert new.replaces == old.id
    assert any(e.startswith(old.vault_entry) for e in keychain.entries)
    window, page = open_page(make_wizard, mtls_session)
    qtbot.waitUntil(lambda: pending_count() == 0)
    page.select_kind("dip-mtls")
    assert page.status_cells("dip-mtls")[1:] == ["Replacement key waiting for its certificate",
                                                 "northwind-networks.example, Northwind Networks Ltd",
                                                 "17 Dec 2026", "Renew soon: 20 days left"]
    assert "Replacement key waiting for its certificate" in page.details.text()

    renewed = issue_for(demo_ca, services, keychain, new, days_left=397)
    choose(qtbot, page, dialogs, write_certificates(tmp_path / "renewed.p7b", [renewed, *demo_ca.chain], "p7b"))
    assert "the previous key is retired and kept until its certificate expires" in page.import_result.text()
    qtbot.waitUntil(lambda: pending_count() == 0)
    project = session_of(page).project
    assert [(k.id, k.state, k.replaces) for k in project.keys] == [(old.id, "retired", None), (new.id, "active", None)]
    assert project.certificate_for(new.id) is not None
    assert project.current_certificate("dip-mtls")[0].id == new.id  # type: ignore[index]
    # A key is never deleted as a side effect: the retired key stays until its certificate expires.
    assert any(e.startswith(old.vault_entry) for e in keychain.entries)
    assert any(e.startswith(new.vault_entry) for e in keychain.entries)
    assert page.status_cells("dip-mtls")[1:] == ["Certificate imported",
                                                 "northwind-networks.example, Northwind Networks Ltd",
                                                 "29 Dec 2027", "OK: 397 days left"]
    assert not page.page_error.isVisible()
    window.close()


# ---------------------------------------------------------------- the inventory and the expiry reminder


@pytest.fixture
def three_certificates(services: Services, keychain: MemorySecretStore, demo_ca: SupplierCA) -> ProjectSession:
    """Atlas API certificate fine for a year, mTLS inside its lead time, signing expired (imported long ago)."""
    session = project_with_keys(services, keychain, "atlas-api", "dip-mtls", "dip-signing")
    for kind_id, days_left in (("atlas-api", 365), ("dip-mtls", 20), ("dip-signing", -3)):
        (key,) = session.project.keys_for(kind_id)
        name = "Northwind Networks Ltd Atlas API" if kind_id == "atlas-api" else DOMAIN
        import_with_core(session, issue_for(demo_ca, services, keychain, key, days_left=days_left, days_old=400,
                                            common_name=name), demo_ca.chain)
    return session


def test_the_status_table_says_and_colours_how_long_each_certificate_has(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], three_certificates: ProjectSession) -> None:
    window, page = open_page(make_wizard, three_certificates)
    statuses = {k: page.status_cells(k)[3:] for k in ("atlas-api", "dip-mtls", "dip-signing", "webhook-tls")}
    assert statuses == {"atlas-api": ["27 Nov 2027", "OK: 365 days left"],
                        "dip-mtls": ["17 Dec 2026", "Renew soon: 20 days left"],
                        "dip-signing": ["24 Nov 2026", "Expired 3 days ago: replace it now"],
                        "webhook-tls": ["—", "No certificate yet"]}
    colours = {}
    for kind_id in ("atlas-api", "dip-mtls", "dip-signing"):
        row = [k.id for k in three_certificates.profile.certificate_kinds].index(kind_id)
        item = page.table.item(row, 4)
        assert item is not None
        colours[kind_id] = item.foreground().color().name()
    assert colours == {"atlas-api": LIGHT["ok"], "dip-mtls": LIGHT["warning"], "dip-signing": LIGHT["error"]}
    page.select_kind("dip-signing")
    assert "Must fix:" in page.findings.text()
    assert "expired on 24 Nov 2026" in page.findings.text()
    qtbot.waitUntil(lambda: pending_count() == 0)
    window.close()


def test_the_expiry_reminder_shows_on_start_without_blocking_and_can_be_hidden(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], three_certificates: ProjectSession,
        services: Services) -> None:
    # The user last worked on this project: starting the wizard resumes it.
    services.settings.save(services.settings.load().remembering(three_certificates.folder))
    window = make_wizard()
    window.show()
    assert not window.currentPage().expiry_banner.isVisible(), "never on the welcome page"  # type: ignore[attr-defined]
    assert window.resume_last() is None  # opens the project and walks to the journey plan, as on start
    journey = window.currentPage()
    assert isinstance(journey, JourneyPage)
    banner = journey.expiry_banner
    assert banner.isVisible()
    assert "2 certificates need renewing</b> — see the Renewals and reminders page" in banner.text.text()
    window.walk_to(PageId.CERTIFICATES)  # listed in full where certificates are renewed
    banner = window.currentPage().expiry_banner  # type: ignore[attr-defined]
    text = banner.text.text()
    assert "2 certificates need renewing" in text
    assert f"{MTLS} (northwind-networks.example, Northwind Networks Ltd) expires on 17 Dec 2026" in text
    assert "Renew soon: 20 days left" in text
    assert "DIP signing certificate (northwind-networks.example, Northwind Networks Ltd) expired on 24 Nov 2026" \
        in text
    assert "Expired 3 days ago" in text
    assert "Atlas API" not in text, "a certificate with time left is not listed"
    assert window.button(QWizard.WizardButton.NextButton).isEnabled(), "it blocks nothing"

    qtbot.mouseClick(banner.hide_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    window.next()
    assert not window.currentPage().expiry_banner.isVisible(), "hidden for the rest of the run"  # type: ignore[attr-defined]

    window.open_project(three_certificates.folder)  # opening a project again shows it again
    window.revisit(PageId.JOURNEY)
    assert window.currentPage().expiry_banner.isVisible()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: pending_count() == 0)


def test_the_reminder_is_one_line_except_where_certificates_are_renewed(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], three_certificates: ProjectSession) -> None:
    window = make_wizard()
    window.resize(1040, 760)  # the screenshots' size
    window.show()
    window.open_project(three_certificates.folder)
    for page_id in (PageId.JOURNEY, PageId.KEYS, PageId.CERTIFICATES, PageId.PACKAGES, PageId.RENEWAL,
                    PageId.AUDIT):
        window.walk_to(page_id)
        QApplication.processEvents()
        banner = window.currentPage().expiry_banner  # type: ignore[attr-defined]
        qtbot.waitUntil(banner.isVisible)
        line = banner.text.fontMetrics().lineSpacing()
        text = banner.text.text()
        if page_id in (PageId.CERTIFICATES, PageId.RENEWAL):
            assert f"{MTLS} (northwind-networks.example" in text, page_id.name
            assert banner.text.height() > 3 * line, page_id.name
        else:
            assert text == ("<b>2 certificates need renewing</b> — see the Renewals and reminders page."), page_id.name
            assert banner.text.height() < 2 * line, f"one line on {page_id.name}"
            assert MTLS in banner.text.toolTip(), "the list is in the tooltip"
            assert banner.hide_button.isVisible()
            assert banner.height() <= banner.hide_button.sizeHint().height() + 2 * line
    qtbot.waitUntil(lambda: pending_count() == 0)
    window.close()


def test_the_reminder_shows_wherever_the_project_resumes_and_not_when_all_is_well(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], services: Services,
        keychain: MemorySecretStore, demo_ca: SupplierCA) -> None:
    session = project_with_keys(services, keychain, "dip-mtls")
    (key,) = session.project.keys_for("dip-mtls")
    import_with_core(session, issue_for(demo_ca, services, keychain, key, days_left=61), demo_ca.chain)
    window, _page = open_page(make_wizard, session, PageId.PEOPLE)
    QApplication.processEvents()  # opened before the window showed: the reminder follows the window
    assert not window.currentPage().expiry_banner.isVisible(), "61 days is outside every lead time"  # type: ignore[attr-defined]
    window.close()

    later = project_with_keys(services, keychain, "dip-mtls", folder_name="later")
    (key,) = later.project.keys_for("dip-mtls")
    import_with_core(later, issue_for(demo_ca, services, keychain, key, days_left=60), demo_ca.chain)
    window, _page = open_page(make_wizard, later, PageId.PEOPLE)
    banner = window.currentPage().expiry_banner  # type: ignore[attr-defined]
    assert not banner.isVisible(), "the window comes first"
    qtbot.waitUntil(banner.isVisible)  # 60 days is inside the first lead time
    qtbot.waitUntil(lambda: pending_count() == 0)
    window.close()


# ---------------------------------------------------------------- bringing your own key


def password(text: str) -> Callable[[FilePasswordDialog], None]:
    def fill(dialog: FilePasswordDialog) -> None:
        dialog.field.setText(text)
    return fill


def test_bring_your_own_key_from_a_pfx_stores_the_key_and_its_certificate(
        qtbot: QtBot, page: CertificatesPage, dialogs: FakeDialogs, demo_ca: SupplierCA, keychain: MemorySecretStore,
        tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = demo_ca.issue(key.public_key(), common_name=DOMAIN, dns_names=[DOMAIN],
                         not_before=FIXED_NOW - dt.timedelta(days=1),
                         not_after=FIXED_NOW + dt.timedelta(days=300))
    pfx = tmp_path / "made-elsewhere.pfx"
    pfx.write_bytes(pkcs12.serialize_key_and_certificates(
        b"ours", key, cert, [demo_ca.intermediate], serialization.BestAvailableEncryption(b"pfx password 1")))
    page.select_kind("dip-signing")
    assert page.bring_button.isEnabled()

    # A wrong password: explained, nothing stored.
    entries = dict(keychain.entries)
    dialogs.open_answers.append([pfx])
    dialogs.file_password_fillers.append(password("wrong"))
    qtbot.mouseClick(page.bring_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.is_busy() and pending_count() == 0)
    assert "the password is wrong" in page.import_result.text()
    assert keychain.entries == entries
    assert session_of(page).project.keys_for("dip-signing") == ()

    dialogs.open_answers.append([pfx])
    dialogs.file_password_fillers.append(password("pfx password 1"))
    with qtbot.waitSignal(page.key_brought, timeout=TIMEOUT_MS):
        qtbot.mouseClick(page.bring_button, Qt.MouseButton.LeftButton)
    assert "made-elsewhere.pfx" in dialogs.file_password_dialogs[-1].intro.text()
    (record,) = session_of(page).project.keys_for("dip-signing")
    assert record.fingerprint == public_fingerprint(key.public_key())
    assert any(e.startswith(record.vault_entry) for e in keychain.entries)
    (imported,) = session_of(page).project.certificates
    assert imported.key_id == record.id
    assert "Stored your own key for the DIP signing certificate in Test keychain" in page.import_result.text()
    assert "Its certificate was imported too" in page.import_result.text()
    assert page.status_cells("dip-signing")[4] == "OK: 300 days left"
    assert not page.bring_button.isEnabled(), "the kind has a key now"
    text = (session_of(page).folder / PROJECT_FILE).read_text()
    assert "PRIVATE KEY" not in text
    assert "pfx password" not in text


def test_bring_your_own_encrypted_key_with_its_certificate_file(
        qtbot: QtBot, page: CertificatesPage, dialogs: FakeDialogs, demo_ca: SupplierCA, keychain: MemorySecretStore,
        tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp_path / "server.key"
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.BestAvailableEncryption(b"key password 1")))
    cert = demo_ca.issue(key.public_key(), common_name=DOMAIN, dns_names=[DOMAIN],
                         usages=("server_auth",), not_before=FIXED_NOW - dt.timedelta(days=1),
                         not_after=FIXED_NOW + dt.timedelta(days=90))
    other = demo_ca.issue(rsa.generate_private_key(public_exponent=65537, key_size=2048)
                          .public_key(), common_name=DOMAIN, usages=("server_auth",),
                          not_before=FIXED_NOW, not_after=FIXED_NOW + dt.timedelta(days=90))
    page.select_kind("webhook-tls")

    # The certificate of another key: refused before anything is stored.
    dialogs.open_answers += [[key_file], [write_certificates(tmp_path / "other.pem", [other], "pem")]]
    dialogs.file_password_fillers.append(password("key password 1"))
    qtbot.mouseClick(page.bring_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.is_busy() and pending_count() == 0)
    assert "not made for this key, so neither was brought in" in page.import_result.text()
    assert session_of(page).project.keys_for("webhook-tls") == ()
    assert "Choose the certificate issued for the key in server.key" in dialogs.open_titles[-1]

    dialogs.open_answers += [[key_file], [write_certificates(tmp_path / "cert.pem", [cert, *demo_ca.chain], "pem")]]
    dialogs.file_password_fillers.append(password("key password 1"))
    with qtbot.waitSignal(page.key_brought, timeout=TIMEOUT_MS):
        qtbot.mouseClick(page.bring_button, Qt.MouseButton.LeftButton)
    (record,) = session_of(page).project.keys_for("webhook-tls")
    assert record.fingerprint == public_fingerprint(key.public_key())
    assert session_of(page).project.certificate_for(record.id) is not None
    assert page.status_cells("webhook-tls")[4] == "OK: 90 days left"


def test_files_are_read_in_the_background(qtbot: QtBot, page: CertificatesPage, dialogs: FakeDialogs,
                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A slow disk or network share: the read waits until the test lets it go, and the UI keeps running meanwhile.
    release = threading.Event()
    real = certificates_module.read_sources

    def slow(paths: list[Path]) -> list[tuple[bytes, str]]:
        assert release.wait(10)
        return real(paths)

    monkeypatch.setattr(certificates_module, "read_sources", slow)
    path = tmp_path / "slow.pem"
    path.write_bytes(b"not a certificate")
    dialogs.open_answers.append([path])
    qtbot.mouseClick(page.choose_button, Qt.MouseButton.LeftButton)
    assert page.is_busy()
    assert page.busy_indicator.isVisible()
    assert not page.choose_button.isEnabled()
    assert not page.onboarding().button(QWizard.WizardButton.NextButton).isEnabled()
    with qtbot.waitSignal(page.import_refused, timeout=TIMEOUT_MS) as blocker:
        release.set()
    assert "slow.pem is not a certificate file" in blocker.args[0]
    assert not page.is_busy()


def test_a_folder_or_a_device_is_refused_without_reading_it(qtbot: QtBot, page: CertificatesPage,
                                                            dialogs: FakeDialogs, tmp_path: Path) -> None:
    choose(qtbot, page, dialogs, tmp_path)
    assert "is a folder, not a file" in page.import_result.text()
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.pem"
        os.mkfifo(fifo)
        choose(qtbot, page, dialogs, fifo)
        assert "pipe.pem is not an ordinary file" in page.import_result.text()


def test_the_page_says_why_back_is_off(qtbot: QtBot, page: CertificatesPage) -> None:
    window = page.wizard()
    assert not window.button(QWizard.WizardButton.BackButton).isEnabled(), "Keys and CSRs is a commit page"
    said = " ".join(label.text() for label in page.findChildren(QLabel) if label.isVisible())
    assert "Back is off on this page" in said
    assert "Go to Keys and CSRs" in said, "and how to get back there"
    assert page.keys_button.text() == "Go to &Keys and CSRs"


def test_an_import_that_fails_unexpectedly_is_reported_and_leaves_the_page_usable(
        qtbot: QtBot, page: CertificatesPage, demo_ca: SupplierCA, services: Services, keychain: MemorySecretStore,
        tmp_path: Path, dialogs: FakeDialogs, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not the user's doing (a bug, an unexpected library error while recording): the crash handler reports it, and
    the page is not left busy — a busy page keeps the window from closing."""
    import sys

    import wizard.actions.certificates as actions

    def broken(*_args: object) -> None:
        raise RuntimeError("boom")

    reported: list[BaseException] = []
    monkeypatch.setattr(actions, "commit_certificate", broken)
    monkeypatch.setattr(sys, "excepthook", lambda kind, error, tb: reported.append(error))
    (key,) = session_of(page).project.keys_for("dip-mtls")
    path = write_certificates(tmp_path / "northwind.pem", [issue_for(demo_ca, services, keychain, key)], "pem")
    dialogs.open_answers.append([path])
    qtbot.mouseClick(page.choose_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(reported), timeout=TIMEOUT_MS)
    assert [str(e) for e in reported] == ["boom"]
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=TIMEOUT_MS)
    assert page.choose_button.isEnabled()
    assert session_of(page).project.certificates == ()
