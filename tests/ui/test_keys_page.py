"""Keys and CSRs page: keys made off the UI thread into the keychain, replacements only when confirmed, CSRs
exported beside their OpenSSL files, the opt-in file vault, and the Atlas credentials kept out of the project."""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.x509.oid import NameOID
from PySide6.QtCore import Qt, QThread, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QWizard
from pytestqt.qtbot import QtBot

from wizard.app import AppPaths, Services, build_services
from wizard.core.algorithms import fingerprint_start, fingerprint_text
from wizard.core.flow import PageId
from wizard.core.keys import public_fingerprint
from wizard.core.model import KeyRecord, with_key
from wizard.core.store import PROJECT_FILE
from wizard.core.vault import NO_KEYCHAIN, VaultProvider
from wizard.demo import create_demo_project
from wizard.ui.pages.keys import KeysPage
from wizard.ui.secret_dialogs import AtlasCredentialsDialog, PassphraseDialog
from wizard.ui.wizard import OnboardingWizard
from wizard.ui.workers import pending_count, run_in_background

from .conftest import FIXED_NOW, FakeDialogs, MemorySecretStore, no_keychain

GENERATION_TIMEOUT_MS = 60_000
PASSPHRASE = "correct horse battery staple"


# ---------------------------------------------------------------- helpers


def open_keys_page(qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], services: Services,
                   *, folder_name: str = "demo") -> tuple[OnboardingWizard, KeysPage]:
    folder = services.paths.projects_dir / folder_name
    if not folder.exists():
        create_demo_project(folder, services.profile, services.clock)
    window = make_wizard()
    window.open_project(folder)
    window.walk_to(PageId.KEYS)
    window.show()
    page = window.currentPage()
    assert isinstance(page, KeysPage)
    return window, page


@pytest.fixture
def keys_page(qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], services: Services) -> Iterator[KeysPage]:
    window, page = open_keys_page(qtbot, make_wizard, services)
    qtbot.waitUntil(page.make_button.isEnabled)  # the keychain was looked for in the background and found
    yield page  # the generator keeps `window` alive for the whole test
    qtbot.waitUntil(lambda: pending_count() == 0)
    window.close()


def row_of(page: KeysPage, kind_id: str) -> int:
    return [k.id for k in page.onboarding().services.profile.certificate_kinds].index(kind_id)


def cells(page: KeysPage, kind_id: str) -> list[str]:
    row = row_of(page, kind_id)
    return [page.table.item(row, col).text() for col in range(page.table.columnCount())]


def keys_of(page: KeysPage, kind_id: str) -> tuple[KeyRecord, ...]:
    session = page.onboarding().session
    assert session is not None
    return session.project.keys_for(kind_id)


def project_text(page: KeysPage) -> str:
    session = page.onboarding().session
    assert session is not None
    return (session.folder / PROJECT_FILE).read_text(encoding="utf-8")


def make_key(qtbot: QtBot, page: KeysPage, kind_id: str, algorithm: str | None = None) -> None:
    page.select_kind(kind_id)
    if algorithm is not None:
        page.algorithm.setCurrentIndex(page.algorithm.findData(algorithm))
    with qtbot.waitSignal(page.key_generated, timeout=GENERATION_TIMEOUT_MS):
        qtbot.mouseClick(page.make_button, Qt.MouseButton.LeftButton)


def wait_idle(qtbot: QtBot, page: KeysPage) -> None:
    qtbot.waitUntil(lambda: not page.is_busy() and pending_count() == 0, timeout=GENERATION_TIMEOUT_MS)


def passphrase(first: str, second: str | None = None) -> Callable[[PassphraseDialog], None]:
    def fill(dialog: PassphraseDialog) -> None:
        dialog.first.setText(first)
        if dialog.second is not None:
            dialog.second.setText(first if second is None else second)
    return fill


def atlas(key: str, secret: str) -> Callable[[AtlasCredentialsDialog], None]:
    def fill(dialog: AtlasCredentialsDialog) -> None:
        dialog.api_key.setText(key)
        dialog.api_secret.setText(secret)
    return fill


# ---------------------------------------------------------------- the worker helper


def test_background_results_and_errors_arrive_on_the_gui_thread(qtbot: QtBot) -> None:
    gui = QApplication.instance()
    assert gui is not None
    seen: list[tuple[str, object, bool]] = []

    def record(outcome: str) -> Callable[[object], None]:
        return lambda value: seen.append((outcome, value, QThread.currentThread() is gui.thread()))

    worker_threads: list[bool] = []

    def work() -> int:
        worker_threads.append(QThread.currentThread() is gui.thread())
        return 42

    def fail() -> int:
        raise ValueError("boom")

    run_in_background(work, on_success=record("ok"), on_error=record("error"))
    run_in_background(fail, on_success=record("ok"), on_error=record("error"))
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert worker_threads == [False], "the work ran on a pool thread"
    by_outcome = {outcome: (value, on_gui) for outcome, value, on_gui in seen}
    assert by_outcome["ok"] == (42, True)
    error, on_gui = by_outcome["error"]
    assert isinstance(error, ValueError)
    assert str(error) == "boom"
    assert on_gui
    assert pending_count() == 0, "no carrier is kept once it has reported"


# ---------------------------------------------------------------- the page in the flow


def test_keys_page_follows_the_journey_and_is_the_commit_page(qtbot: QtBot, keys_page: KeysPage) -> None:
    window = keys_page.onboarding()
    assert keys_page.isCommitPage()
    commit = window.button(QWizard.WizardButton.CommitButton)
    assert commit.isVisible(), "the certificates page follows"
    assert commit.text().replace("&", "") == "Next", "not Qt's 'Commit', which means nothing to most people"
    window.back()
    assert window.currentId() == PageId.JOURNEY
    assert window.button(QWizard.WizardButton.NextButton).isVisible(), "the journey page now has Next"
    window.next()
    assert window.currentId() == PageId.KEYS
    assert window.windowTitle().startswith("Keys and CSRs")
    assert "Test keychain" in keys_page.vault_label.text()
    kinds = [keys_page.table.item(r, 0).text() for r in range(keys_page.table.rowCount())]
    assert kinds == [k.name for k in window.services.profile.certificate_kinds]
    assert {keys_page.table.item(r, 1).text() for r in range(keys_page.table.rowCount())} == {"No key yet"}


def test_selecting_a_kind_explains_it_and_offers_only_its_algorithms(keys_page: KeysPage, services: Services) -> None:
    for kind in services.profile.certificate_kinds:
        keys_page.select_kind(kind.id)
        assert kind.why in keys_page.details.text()
        assert kind.purpose.replace("'", "&#x27;") in keys_page.details.text()
        offered = [keys_page.algorithm.itemData(i) for i in range(keys_page.algorithm.count())]
        assert offered == list(kind.algorithms)
        assert keys_page.algorithm.currentData() == kind.default_algorithm
        assert keys_page.algorithm.currentText().endswith("(default)")  # the wizard's suggestion, not the DIP's
        assert "recommended" not in keys_page.details.text() + keys_page.algorithm.currentText()
        if not kind.provenance.confirmed:  # the guess is shown before a key is made
            assert f"Not yet confirmed: {html.escape(kind.provenance.note)}" in keys_page.details.text()
        assert keys_page.csr_text.text() == "", "no CSR description before there is a key"
        assert not keys_page.export_button.isEnabled()
        assert not keys_page.copy_button.isEnabled()


# ---------------------------------------------------------------- making keys


def test_make_key_records_it_in_the_project_and_the_key_only_in_the_keychain(
        qtbot: QtBot, keys_page: KeysPage, keychain: MemorySecretStore) -> None:
    make_key(qtbot, keys_page, "dip-mtls")
    (record,) = keys_of(keys_page, "dip-mtls")
    assert record.algorithm == "rsa-2048"
    assert record.vault == "keychain"
    assert record.created_at == FIXED_NOW
    assert cells(keys_page, "dip-mtls")[1:] == ["Key made", "RSA 2048-bit",
                                                 fingerprint_start(record.fingerprint)]
    assert "Made an RSA 2048-bit key for the DIP mTLS client certificate" in keys_page.notice.text()
    assert keys_page.make_button.text().replace("&", "") == "Make replacement key…"
    description = keys_page.csr_text.text()
    assert "Northwind Networks Ltd" in description
    assert fingerprint_text(record.fingerprint) in description

    saved = json.loads(project_text(keys_page))["project"]["keys"]
    assert [k["id"] for k in saved] == [record.id]
    assert saved[0]["fingerprint"] == record.fingerprint
    stored = keychain.get(f"{record.vault_entry}/index")
    assert stored is not None, "the key is in the keychain"
    text = project_text(keys_page)
    assert "PRIVATE KEY" not in text
    for entry, value in keychain.entries.items():
        if "/part-" in entry:
            assert value[:64] not in text, "no part of the private key is in the project file"


def test_a_new_key_never_sent_is_replaced_only_when_confirmed(
        qtbot: QtBot, keys_page: KeysPage, dialogs: FakeDialogs, keychain: MemorySecretStore) -> None:
    make_key(qtbot, keys_page, "atlas-api")
    (first,) = keys_of(keys_page, "atlas-api")

    dialogs.confirm_answers.append(False)
    qtbot.mouseClick(keys_page.make_button, Qt.MouseButton.LeftButton)
    assert "whose CSR was never exported, will be discarded" in dialogs.confirmed[-1]
    assert not keys_page.is_busy()
    assert keys_of(keys_page, "atlas-api") == (first,), "cancelling keeps the one key"

    dialogs.confirm_answers.append(True)
    with qtbot.waitSignal(keys_page.key_generated, timeout=GENERATION_TIMEOUT_MS):
        qtbot.mouseClick(keys_page.make_button, Qt.MouseButton.LeftButton)
    (second,) = keys_of(keys_page, "atlas-api")
    assert second.id != first.id
    assert not any(e.startswith(first.vault_entry) for e in keychain.entries)  # nothing was sent: it went
    assert keys_page.session().project.key_intents == ()


def test_replacing_the_key_in_use_keeps_it_until_the_new_certificate(
        qtbot: QtBot, keys_page: KeysPage, dialogs: FakeDialogs) -> None:
    make_key(qtbot, keys_page, "atlas-api")
    (first,) = keys_of(keys_page, "atlas-api")
    session = keys_page.session()
    session.commit(with_key(session.project, replace(first, state="active")))  # as after its certificate
    keys_page.select_kind("atlas-api")

    dialogs.confirm_answers.append(True)
    with qtbot.waitSignal(keys_page.key_generated, timeout=GENERATION_TIMEOUT_MS):
        qtbot.mouseClick(keys_page.make_button, Qt.MouseButton.LeftButton)
    assert "kept, and stays in use, until the certificate for the new key is imported" in dialogs.confirmed[-1]
    current, replacement = keys_of(keys_page, "atlas-api")
    assert current == replace(first, state="active")
    assert replacement.replaces == first.id
    assert cells(keys_page, "atlas-api")[1] == "Replacement key waiting for its certificate"
    assert "will replace the current key once its certificate is imported" in keys_page.notice.text()


def test_a_new_key_whose_csr_was_sent_is_kept_until_abandoned(
        qtbot: QtBot, keys_page: KeysPage, dialogs: FakeDialogs, keychain: MemorySecretStore) -> None:
    from wizard.actions.keys import record_csr_exported

    make_key(qtbot, keys_page, "dip-mtls")
    (sent,) = keys_of(keys_page, "dip-mtls")
    record_csr_exported(keys_page.session(), sent, "csr")
    keys_page.select_kind("dip-mtls")
    assert keys_page.abandon_button.isVisibleTo(keys_page)

    qtbot.mouseClick(keys_page.make_button, Qt.MouseButton.LeftButton)  # refused before anything is asked
    assert "its certificate may be on its way, so it is kept" in keys_page.page_error.text()
    assert "abandon it first with Abandon new key" in keys_page.page_error.text()
    assert [k.id for k in keys_of(keys_page, "dip-mtls")] == [sent.id]

    dialogs.confirm_answers.append(False)
    qtbot.mouseClick(keys_page.abandon_button, Qt.MouseButton.LeftButton)
    assert fingerprint_text(sent.fingerprint) in dialogs.confirmed[-1]
    assert [k.id for k in keys_of(keys_page, "dip-mtls")] == [sent.id]

    dialogs.confirm_answers.append(True)
    qtbot.mouseClick(keys_page.abandon_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, keys_page)
    assert keys_of(keys_page, "dip-mtls") == ()
    assert not any(e.startswith(sent.vault_entry) for e in keychain.entries)
    assert "Destroyed the new DIP mTLS client certificate key" in keys_page.notice.text()
    assert not keys_page.abandon_button.isVisibleTo(keys_page)


def test_the_ui_keeps_running_while_an_rsa_4096_key_is_made(qtbot: QtBot, keys_page: KeysPage) -> None:
    window = keys_page.onboarding()
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(1))
    keys_page.select_kind("dip-signing")
    keys_page.algorithm.setCurrentIndex(keys_page.algorithm.findData("rsa-4096"))
    timer.start()
    try:
        qtbot.mouseClick(keys_page.make_button, Qt.MouseButton.LeftButton)
        assert keys_page.is_busy()
        assert keys_page.busy_indicator.isVisible()
        assert "RSA 4096-bit" in keys_page.busy_indicator.label.text()
        for button in (keys_page.make_button, keys_page.export_button, keys_page.atlas_button,
                       window.button(QWizard.WizardButton.FinishButton),
                       window.button(QWizard.WizardButton.BackButton),
                       window.button(QWizard.WizardButton.CancelButton)):
            assert not button.isEnabled(), button.text()
        window.close()
        assert window.isVisible(), "the window stays open until the key is safely recorded"
        with qtbot.waitSignal(keys_page.key_generated, timeout=GENERATION_TIMEOUT_MS):
            pass
    finally:
        timer.stop()
    assert len(ticks) >= 3, "the event loop kept turning while the key was made"
    assert not keys_page.busy_indicator.isVisible()
    assert window.button(QWizard.WizardButton.CancelButton).isEnabled()
    assert window.button(QWizard.WizardButton.BackButton).isEnabled()
    assert keys_of(keys_page, "dip-signing")[0].algorithm == "rsa-4096"


@pytest.mark.parametrize("keychain", [MemorySecretStore(fail_on_put=3)])  # as a keychain that fills up part-way
def test_a_keychain_failure_is_shown_inline_and_leaves_nothing_behind(
        qtbot: QtBot, keys_page: KeysPage, keychain: MemorySecretStore) -> None:
    keys_page.select_kind("dip-mtls")
    keys_page.algorithm.setCurrentIndex(keys_page.algorithm.findData("rsa-4096"))  # several parts
    qtbot.mouseClick(keys_page.make_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, keys_page)
    assert "refused to store an entry" in keys_page.page_error.text()
    assert keys_page.page_error.isVisible()
    assert keys_of(keys_page, "dip-mtls") == ()
    assert keychain.entries == {}, "the parts already written were removed"
    assert cells(keys_page, "dip-mtls")[1] == "No key yet"
    assert keys_page.make_button.isEnabled(), "the user can try again"


# ---------------------------------------------------------------- CSRs


def test_export_csr_writes_a_valid_request_with_its_openssl_files(
        qtbot: QtBot, keys_page: KeysPage, dialogs: FakeDialogs, tmp_path: Path) -> None:
    make_key(qtbot, keys_page, "dip-mtls")
    (record,) = keys_of(keys_page, "dip-mtls")
    out = tmp_path / "to-send" / "dip-mtls.csr.pem"
    out.parent.mkdir()
    dialogs.save_paths.append(out)
    with qtbot.waitSignal(keys_page.csr_exported, timeout=GENERATION_TIMEOUT_MS) as blocker:
        qtbot.mouseClick(keys_page.export_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [str(out)]
    assert dialogs.save_suggestions == [Path.home() / "dip-mtls.csr.pem"]

    csr = x509.load_pem_x509_csr(out.read_bytes())
    assert csr.is_signature_valid
    assert csr.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Northwind Networks Ltd"
    assert csr.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "GB"
    assert public_fingerprint(csr.public_key()) == record.fingerprint  # type: ignore[arg-type]
    config = out.with_name("dip-mtls.cnf")
    commands = out.with_name("dip-mtls.openssl.txt")
    assert "O = Northwind Networks Ltd" in config.read_text()
    assert "-config dip-mtls.cnf" in commands.read_text()
    assert "PRIVATE KEY" not in out.read_text() + config.read_text() + commands.read_text()

    assert str(out) in keys_page.notice.text()
    assert "dip-mtls.cnf" in keys_page.notice.text()
    assert cells(keys_page, "dip-mtls")[1] == "CSR exported"
    (exported,) = keys_of(keys_page, "dip-mtls")
    assert exported.csr_exported_at == FIXED_NOW
    assert exported.csr_pem == out.read_text()
    saved = json.loads(project_text(keys_page))["project"]["keys"][0]
    assert saved["csr_pem"].startswith("-----BEGIN CERTIFICATE REQUEST-----")

    # The next export starts in the folder used last; cancelling writes nothing.
    keys_page.select_kind("atlas-api")
    make_key(qtbot, keys_page, "atlas-api")
    dialogs.save_paths.append(None)
    qtbot.mouseClick(keys_page.export_button, Qt.MouseButton.LeftButton)
    assert dialogs.save_suggestions[-1] == out.parent / "atlas-api.csr.pem"
    assert not keys_page.is_busy()
    assert keys_of(keys_page, "atlas-api")[0].csr_exported_at is None


def test_copy_csr_puts_only_the_request_on_the_clipboard(qtbot: QtBot, keys_page: KeysPage) -> None:
    make_key(qtbot, keys_page, "webhook-tls", "ec-p256")
    with qtbot.waitSignal(keys_page.csr_copied, timeout=GENERATION_TIMEOUT_MS):
        qtbot.mouseClick(keys_page.copy_button, Qt.MouseButton.LeftButton)
    text = QGuiApplication.clipboard().text()
    assert text.startswith("-----BEGIN CERTIFICATE REQUEST-----")
    assert "PRIVATE" not in text
    csr = x509.load_pem_x509_csr(text.encode("ascii"))
    assert csr.is_signature_valid
    assert "clipboard" in keys_page.notice.text()
    (record,) = keys_of(keys_page, "webhook-tls")
    assert public_fingerprint(csr.public_key()) == record.fingerprint  # type: ignore[arg-type]
    assert record.csr_pem == text, "a copied CSR counts as handed out"
    qtbot.mouseClick(keys_page.fingerprint_button, Qt.MouseButton.LeftButton)
    copied = QGuiApplication.clipboard().text()
    assert copied == fingerprint_text(record.fingerprint), "as shown on the page: the hash named, groups of four"
    assert copied.removeprefix("SHA-256 ").replace(" ", "").lower() == record.fingerprint, "every digit of it"


def test_a_key_missing_from_the_keychain_is_explained(qtbot: QtBot, keys_page: KeysPage,
                                                      keychain: MemorySecretStore, dialogs: FakeDialogs,
                                                      tmp_path: Path) -> None:
    make_key(qtbot, keys_page, "dip-mtls")
    keychain.entries.clear()  # e.g. deleted in the keychain app
    dialogs.save_paths.append(tmp_path / "dip-mtls.csr.pem")
    qtbot.mouseClick(keys_page.export_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, keys_page)
    assert "not in Test keychain any more" in keys_page.page_error.text()
    assert not (tmp_path / "dip-mtls.csr.pem").exists()


# ---------------------------------------------------------------- no keychain: the opt-in file vault


@pytest.mark.parametrize("keychain_factory", [no_keychain])
def test_without_a_keychain_the_page_explains_and_the_file_vault_works(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], services: Services, dialogs: FakeDialogs,
        tmp_path: Path) -> None:
    window, page = open_keys_page(qtbot, make_wizard, services)
    qtbot.waitUntil(page.file_vault_button.isVisible)
    assert "No OS keychain is available" in page.vault_label.text()
    assert NO_KEYCHAIN.split(".")[0] in page.vault_label.text()
    assert not page.make_button.isEnabled(), "nowhere to keep a key yet"
    assert not page.atlas_button.isEnabled()

    # The rules are shown inline, in the dialog; a rejected passphrase changes nothing.
    dialogs.passphrase_fillers += [passphrase("short"), passphrase(PASSPHRASE, PASSPHRASE + "!")]
    qtbot.mouseClick(page.file_vault_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.file_vault_button, Qt.MouseButton.LeftButton)
    too_short, differ = dialogs.passphrase_dialogs
    assert "at least 12 characters" in too_short.first_message.text()
    assert differ.second_message is not None
    assert "differ" in differ.second_message.text()
    assert not services.vaults.file_vault_exists()

    dialogs.passphrase_fillers.append(passphrase(PASSPHRASE))
    with qtbot.waitSignal(page.vault_changed, timeout=GENERATION_TIMEOUT_MS):
        qtbot.mouseClick(page.file_vault_button, Qt.MouseButton.LeftButton)
    assert services.vaults.file_vault_exists()
    assert "passphrase-protected file vault" in page.vault_label.text()
    assert not page.file_vault_button.isVisible()
    make_key(qtbot, page, "dip-mtls")
    (record,) = keys_of(page, "dip-mtls")
    assert record.vault == "file"
    vault_file = services.vaults.file_path.read_text()
    assert "PRIVATE KEY" not in vault_file
    assert "part-0" not in vault_file, "entries are encrypted, names too"
    window.close()

    # A later run: the record says "file", so exporting asks for the passphrase (once), and a wrong one is refused.
    later = build_services(paths=AppPaths.under(tmp_path / "home"), clock=lambda: FIXED_NOW,
                           vaults=VaultProvider(services.vaults.file_path, keychain=no_keychain))
    again = OnboardingWizard(later, dialogs)
    qtbot.addWidget(again)
    again.open_project(services.paths.projects_dir / "demo")
    again.walk_to(PageId.KEYS)
    again.show()
    page2 = again.currentPage()
    assert isinstance(page2, KeysPage)
    page2.select_kind("dip-mtls")
    out = tmp_path / "dip-mtls.csr.pem"
    dialogs.save_paths += [out, out]
    dialogs.passphrase_fillers += [passphrase("not the passphrase"), passphrase(PASSPHRASE)]
    qtbot.mouseClick(page2.export_button, Qt.MouseButton.LeftButton)
    assert dialogs.passphrase_dialogs[-1].second is None, "an existing vault's passphrase is asked once"
    wait_idle(qtbot, page2)
    assert "does not open the file vault" in page2.page_error.text()
    assert not out.exists()
    with qtbot.waitSignal(page2.csr_exported, timeout=GENERATION_TIMEOUT_MS):
        qtbot.mouseClick(page2.export_button, Qt.MouseButton.LeftButton)
    assert x509.load_pem_x509_csr(out.read_bytes()).is_signature_valid
    assert not page2.page_error.isVisible()
    wait_idle(qtbot, page2)


# ---------------------------------------------------------------- Atlas credentials


def test_atlas_credentials_are_checked_in_the_dialog_and_kept_out_of_the_project(
        qtbot: QtBot, keys_page: KeysPage, dialogs: FakeDialogs, keychain: MemorySecretStore) -> None:
    assert keys_page.atlas_status.text() == "Not saved yet."
    key, secret = "AK-7f3c9e21b0d4", "s3cr3t-Zq8xW2vN5mR1"
    dialogs.atlas_fillers += [atlas("", secret), atlas(key, "has spaces in it"), atlas(key, secret)]
    qtbot.mouseClick(keys_page.atlas_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keys_page.atlas_button, Qt.MouseButton.LeftButton)
    empty, spaced = dialogs.atlas_dialogs
    assert "Paste the API key" in empty.api_key_message.text()
    assert "does not look like an Atlas API secret" in spaced.api_secret_message.text()
    assert "has spaces" not in spaced.api_secret_message.text(), "the secret is never echoed"
    assert empty.api_key.echoMode() == empty.api_key.EchoMode.Password
    empty.show_box.setChecked(True)
    assert empty.api_secret.echoMode() == empty.api_secret.EchoMode.Normal
    assert keys_page.onboarding().session.project.atlas_credentials is None  # type: ignore[union-attr]

    with qtbot.waitSignal(keys_page.atlas_saved, timeout=GENERATION_TIMEOUT_MS):
        qtbot.mouseClick(keys_page.atlas_button, Qt.MouseButton.LeftButton)
    assert "only once" in dialogs.atlas_dialogs[-1].warning.text()
    assert "Test keychain" in dialogs.atlas_dialogs[-1].warning.text()
    assert keys_page.atlas_status.text() == "Saved 27 Nov 2026, in your keychain."
    assert "Replace" in keys_page.atlas_button.text()
    stored = "".join(keychain.entries.values())
    assert stored, "the pair is in the keychain"
    text = project_text(keys_page)
    assert key not in text
    assert secret not in text
    assert json.loads(text)["project"]["atlas_credentials"]["vault"] == "keychain"
