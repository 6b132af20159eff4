"""Packages page: destination first, then the certificate, the password and where to save; files written off the
UI thread, opened again with the password (here with cryptography, as a user's system would), the password
refused inline when empty and cleared once the file is ready."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from tests.pki import SupplierCA
from wizard.actions.keys import generate_key
from wizard.app import AppPaths, Services, build_services
from wizard.core.flow import PageId
from wizard.core.keys import load_private_key, public_fingerprint
from wizard.core.passwords import strength_bits
from wizard.core.session import ProjectSession
from wizard.core.vault import VaultProvider
from wizard.ui import clipboard
from wizard.ui.pages.keys import KeysPage
from wizard.ui.pages.packages import PackagesPage, key_file_for
from wizard.ui.secret_dialogs import PassphraseDialog
from wizard.ui.wizard import OnboardingWizard
from wizard.ui.workers import pending_count

from .certificates import import_with_core, issue_for, project_with_keys
from .conftest import FIXED_NOW, FakeDialogs, MemorySecretStore, no_keychain

TIMEOUT_MS = 30_000
PASSWORD = "correct horse battery staple"


@pytest.fixture
def certified(services: Services, keychain: MemorySecretStore, demo_ca: SupplierCA) -> ProjectSession:
    """The demo project with an mTLS key whose certificate (with its chain) has been imported, and a signing key
    still waiting for its certificate."""
    session = project_with_keys(services, keychain, "dip-mtls", "dip-signing")
    (key,) = session.project.keys_for("dip-mtls")
    import_with_core(session, issue_for(demo_ca, services, keychain, key), demo_ca.chain)
    return session


def open_packages(make_wizard: Callable[[], OnboardingWizard],
                  session: ProjectSession) -> tuple[OnboardingWizard, PackagesPage]:
    window = make_wizard()
    window.open_project(session.folder)
    window.walk_to(PageId.PACKAGES)
    window.show()
    page = window.currentPage()
    assert isinstance(page, PackagesPage)
    return window, page


@pytest.fixture
def page(qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard],
         certified: ProjectSession) -> Iterator[PackagesPage]:
    window, packages = open_packages(make_wizard, certified)
    qtbot.waitUntil(lambda: pending_count() == 0)  # the keychain was looked for
    yield packages  # the generator keeps `window` alive for the whole test
    qtbot.waitUntil(lambda: pending_count() == 0)
    window.close()


def type_password(page: PackagesPage, text: str, again: str | None = None) -> None:
    page.password.setText(text)
    page.again.setText(text if again is None else again)


def save(qtbot: QtBot, page: PackagesPage, dialogs: FakeDialogs, out: Path) -> list[str]:
    dialogs.save_paths.append(out)
    with qtbot.waitSignal(page.package_written, timeout=TIMEOUT_MS) as blocker:
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
        assert page.is_busy(), "the file is written in the background"
    return list(blocker.args[0])


def test_the_page_asks_destination_first_and_offers_only_imported_certificates(
        page: PackagesPage, services: Services) -> None:
    window = page.onboarding()
    assert window.currentId() == PageId.PACKAGES
    assert window.button(QWizard.WizardButton.NextButton).isVisible(), "the tracking pages follow"
    # One button per destination in the profile, in its order; each says which file it takes and where that
    # claim comes from (the Azure page's "triple DES", for example), and marks a guess as a guess.
    profile = services.profile
    assert list(page.destination_buttons) == [d.id for d in profile.package_destinations]
    assert page.destination_buttons["linux-pem"].text() == "A Linux web server such as nginx (PEM files)"
    assert page.destination_buttons["chain-only"].text() == "Just the certificate and chain (no key)"
    page.choose_destination("azure-app-service")
    about = page.destination_about.text()
    assert "Compatibility" in about
    assert "https://learn.microsoft.com/en-us/azure/app-service/configure-ssl-certificate" in about
    assert "triple DES" in about
    page.choose_destination("dip-portal")
    assert "Not yet confirmed: The page asks for a PFX" in page.destination_about.text()
    page.destination_group.setExclusive(False)
    page.destination_buttons["dip-portal"].setChecked(False)
    page.destination_group.setExclusive(True)
    assert page.focusWidget() is page.destination_buttons["dip-portal"]
    assert page.destination() is None
    assert not page.save_button.isEnabled(), "nothing is saved before the destination is chosen"
    assert [page.kind.itemData(i) for i in range(page.kind.count())] == ["dip-mtls"], "only imported ones"
    assert "Issued to northwind-networks.example" in page.kind_note.text()
    page.choose_destination("modern")
    assert page.save_button.isEnabled()


@pytest.mark.parametrize(("profile", "mac"), [("modern", "sha256"), ("compat", "sha1")])
def test_pfx_files_are_written_and_open_with_their_password(
        qtbot: QtBot, page: PackagesPage, dialogs: FakeDialogs, certified: ProjectSession, demo_ca: SupplierCA,
        tmp_path: Path, profile: str, mac: str) -> None:
    page.choose_destination(profile)
    type_password(page, PASSWORD)
    out = tmp_path / f"dip-mtls-{profile}.pfx"
    assert save(qtbot, page, dialogs, out) == [str(out)]
    assert dialogs.save_suggestions == [Path.home() / f"dip-mtls-{profile}.pfx"]

    loaded = pkcs12.load_pkcs12(out.read_bytes(), PASSWORD.encode())
    assert loaded.key is not None
    assert loaded.cert is not None
    (key,) = certified.project.keys_for("dip-mtls")
    assert public_fingerprint(loaded.key.public_key()) == key.fingerprint  # type: ignore[arg-type]
    (record,) = certified.project.certificates
    assert loaded.cert.certificate == x509.load_pem_x509_certificate(record.pem.encode())
    assert [c.certificate for c in loaded.additional_certs] == list(demo_ca.chain)
    assert loaded.cert.friendly_name == b"Northwind Networks Ltd DIP mTLS client certificate"
    with pytest.raises(ValueError, match="Invalid password"):
        pkcs12.load_pkcs12(out.read_bytes(), b"not the password")
    # The MAC algorithm says which profile was written: SHA-256 for Modern, SHA-1 for Compatibility.
    assert _mac_algorithm(out.read_bytes()) == mac

    result = page.result.text()
    assert "The file is ready:" in result
    assert str(out) in result
    assert "The password must travel separately" in result
    assert page.password.text() == "", "the password is not kept on screen"
    assert page.again.text() == ""
    assert PASSWORD not in (certified.folder / "project.json").read_text()


def _mac_algorithm(pfx: bytes) -> str:
    """The digest of the PFX's MAC, read from its DER (MacData → DigestInfo → AlgorithmIdentifier)."""
    sha256 = bytes.fromhex("0609608648016503040201")
    sha1 = bytes.fromhex("06052b0e03021a")
    tail = pfx[-80:]  # MacData is last
    if sha256 in tail:
        return "sha256"
    if sha1 in tail:
        return "sha1"
    return "unknown"


def test_the_linux_route_writes_the_chain_and_an_encrypted_key(
        qtbot: QtBot, page: PackagesPage, dialogs: FakeDialogs, certified: ProjectSession, demo_ca: SupplierCA,
        tmp_path: Path) -> None:
    page.choose_destination("pem")
    assert page.password_box.isEnabled()
    type_password(page, PASSWORD)
    out = tmp_path / "dip-mtls-chain.pem"
    written = save(qtbot, page, dialogs, out)
    key_out = tmp_path / "dip-mtls-key.pem"
    assert written == [str(out), str(key_out)]
    chain = x509.load_pem_x509_certificates(out.read_bytes())
    (record,) = certified.project.certificates
    assert chain == [x509.load_pem_x509_certificate(record.pem.encode()), *demo_ca.chain]
    assert b"PRIVATE KEY" not in out.read_bytes()
    key_text = key_out.read_bytes()
    assert key_text.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    key = serialization.load_pem_private_key(key_text, PASSWORD.encode())
    assert public_fingerprint(key.public_key()) == certified.project.keys_for("dip-mtls")[0].fingerprint  # type: ignore[arg-type]
    assert "The files are ready" in page.result.text()
    assert str(key_out) in page.result.text()

    # A key file already there is replaced only when confirmed.
    dialogs.save_paths.append(out)
    dialogs.confirm_answers.append(False)
    type_password(page, PASSWORD)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert "dip-mtls-key.pem, which already exists" in dialogs.confirmed[-1]
    assert not page.is_busy()


def test_the_chain_alone_needs_no_password(qtbot: QtBot, page: PackagesPage, dialogs: FakeDialogs,
                                           keychain: MemorySecretStore, tmp_path: Path) -> None:
    page.choose_destination("chain")
    assert not page.password_box.isEnabled()
    assert "No password needed" in page.password_about.text()
    keychain.entries.clear()  # the key is not needed, so not even read
    out = tmp_path / "chain.pem"
    assert save(qtbot, page, dialogs, out) == [str(out)]
    assert len(x509.load_pem_x509_certificates(out.read_bytes())) == 3
    assert "It holds no key, so it can be sent as it is" in page.result.text()


@pytest.mark.parametrize(("typed", "again", "words", "field"), [
    ("", "", "The password is empty", "password"),
    ("short", "short", "at least 8 characters", "password"),
    (PASSWORD, PASSWORD + "!", "The two passwords differ", "again"),
])
def test_a_bad_password_is_refused_inline_and_nothing_is_written(
        qtbot: QtBot, page: PackagesPage, dialogs: FakeDialogs, tmp_path: Path, typed: str, again: str, words: str,
        field: str) -> None:
    page.choose_destination("modern")
    type_password(page, typed, again)
    out = tmp_path / "out"
    out.mkdir()
    dialogs.save_paths.append(out / "dip-mtls-modern.pfx")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    message = page.password_message if field == "password" else page.again_message
    assert words in message.text()
    assert message.isVisible()
    assert dialogs.save_suggestions == [], "not even asked where to save"
    assert not page.is_busy()
    assert list(out.iterdir()) == []
    page.password.setText(typed + "x")
    assert not message.isVisible(), "the message goes once the user types"


def test_a_generated_passphrase_is_strong_shown_once_and_copied(
        qtbot: QtBot, page: PackagesPage, dialogs: FakeDialogs, tmp_path: Path) -> None:
    page.choose_destination("compat")
    page.password.setText("abc")
    assert page.strength.text().startswith("Strength: weak")
    qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    generated = page.password.text()
    assert generated == page.again.text()
    assert strength_bits(generated) >= 100
    assert "very strong" in page.strength.text()
    assert generated in page.generated.text()
    assert page.generated.isVisible()
    assert "shown only now" in page.generated.text()
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == generated
    out = tmp_path / "compat.pfx"
    save(qtbot, page, dialogs, out)
    assert pkcs12.load_pkcs12(out.read_bytes(), generated.encode()).key is not None
    assert not page.generated.isVisible()
    assert generated not in page.generated.text()
    assert page.password.text() == ""

    # Editing a generated passphrase: it is no longer what was shown, so it is not shown any more.
    qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    page.password.setText(page.password.text() + "x")
    assert not page.generated.isVisible()


def test_a_key_missing_from_the_keychain_is_explained_and_nothing_is_left(
        qtbot: QtBot, page: PackagesPage, dialogs: FakeDialogs, keychain: MemorySecretStore, tmp_path: Path) -> None:
    keychain.entries.clear()
    page.choose_destination("modern")
    type_password(page, PASSWORD)
    dialogs.save_paths.append(tmp_path / "x.pfx")
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.is_busy() and pending_count() == 0, timeout=TIMEOUT_MS)
    assert "not in Test keychain any more" in page.page_error.text()
    assert not (tmp_path / "x.pfx").exists()
    assert page.password.text() == PASSWORD, "kept for another try"


def test_without_certificates_there_is_nothing_to_package(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], services: Services,
        keychain: MemorySecretStore) -> None:
    window, page = open_packages(make_wizard, project_with_keys(services, keychain, "dip-mtls"))
    page.choose_destination("modern")
    assert page.kind.count() == 0
    assert "No certificate has been imported yet" in page.kind_note.text()
    assert not page.save_button.isEnabled()
    qtbot.waitUntil(lambda: pending_count() == 0)
    window.close()


def test_key_file_names() -> None:
    assert key_file_for(Path("/x/dip-mtls-chain.pem")) == Path("/x/dip-mtls-key.pem")
    assert key_file_for(Path("/x/server.pem")) == Path("/x/server-key.pem")
    assert key_file_for(Path("/x/server.crt")) == Path("/x/server-key.pem")


@pytest.mark.parametrize("keychain_factory", [no_keychain])
def test_the_file_vault_opened_on_the_keys_page_is_not_asked_for_again(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], services: Services, dialogs: FakeDialogs,
        demo_ca: SupplierCA, tmp_path: Path) -> None:
    # A key kept in the file vault, with its certificate: made in an earlier run.
    session = project_with_keys(services, MemorySecretStore())  # no keys yet
    vaults = services.vaults
    vault = vaults.file(PASSPHRASE_FILE)
    kind = services.profile.certificate_kind("dip-mtls")
    record = generate_key(session, kind, kind.default_algorithm, vault, replace_key=False).record
    assert record.vault == "file"
    cert = demo_ca.issue(load_private_key(vault, record).public_key(),
                         common_name="northwind-networks.example", not_before=FIXED_NOW,
                         not_after=FIXED_NOW.replace(year=2027))
    import_with_core(session, cert, demo_ca.chain)

    later = build_services(paths=AppPaths.under(tmp_path / "home"), clock=lambda: FIXED_NOW,
                           vaults=VaultProvider(vaults.file_path, keychain=no_keychain))
    window = OnboardingWizard(later, dialogs)
    qtbot.addWidget(window)
    window.open_project(session.folder)
    window.walk_to(PageId.KEYS)
    window.show()
    keys = window.currentPage()
    assert isinstance(keys, KeysPage)
    qtbot.waitUntil(keys.file_vault_button.isVisible)
    dialogs.passphrase_fillers.append(_passphrase(PASSPHRASE_FILE))
    with qtbot.waitSignal(keys.vault_changed, timeout=TIMEOUT_MS):
        qtbot.mouseClick(keys.file_vault_button, Qt.MouseButton.LeftButton)
    window.walk_to(PageId.PACKAGES)
    page = window.currentPage()
    assert isinstance(page, PackagesPage)
    page.choose_destination("modern")
    type_password(page, PASSWORD)
    out = tmp_path / "from-file-vault.pfx"
    save(qtbot, page, dialogs, out)
    assert len(dialogs.passphrase_dialogs) == 1, "the passphrase was asked once in this run"
    assert pkcs12.load_pkcs12(out.read_bytes(), PASSWORD.encode()).key is not None
    qtbot.waitUntil(lambda: pending_count() == 0)


PASSPHRASE_FILE = "correct horse battery staple vault"


def _passphrase(text: str) -> Callable[[PassphraseDialog], None]:
    def fill(dialog: PassphraseDialog) -> None:
        dialog.first.setText(text)
    return fill


def test_saving_over_a_file_the_save_dialog_confirmed_replaces_it(
        qtbot: QtBot, page: PackagesPage, dialogs: FakeDialogs, tmp_path: Path) -> None:
    out = tmp_path / "dip-mtls-modern.pfx"
    out.write_bytes(b"an old package")
    page.choose_destination("modern")
    type_password(page, PASSWORD)
    save(qtbot, page, dialogs, out)  # the native save dialog asks before replacing; the page then may
    assert pkcs12.load_pkcs12(out.read_bytes(), PASSWORD.encode()).key is not None

    # The wizard's own files are never a target, whatever the dialog said.
    project_file = page.onboarding().session.folder / "project.json"  # type: ignore[union-attr]
    before = project_file.read_bytes()
    type_password(page, PASSWORD)
    dialogs.save_paths.append(project_file)
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=TIMEOUT_MS)
    assert "one of the wizard's own files" in page.page_error.text()
    assert project_file.read_bytes() == before


def test_the_generated_passphrase_leaves_the_clipboard_after_the_timeout(
        qtbot: QtBot, page: PackagesPage, monkeypatch: pytest.MonkeyPatch) -> None:
    assert clipboard.CLEAR_SECRET_AFTER_S == 45.0
    monkeypatch.setattr(clipboard, "CLEAR_SECRET_AFTER_S", 0.2)
    page.choose_destination("compat")
    qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    generated = page.password.text()
    qtbot.mouseClick(page.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == generated
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() == "", timeout=5000)
