"""Every input on every page has a name a screen reader can speak, and buttons read as plain words."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTableWidget,
    QWidget,
    QWizard,
)
from pytestqt.qtbot import QtBot

from tests.pki import SupplierCA
from wizard.app import Services
from wizard.core.flow import PageId
from wizard.demo import create_demo_project
from wizard.ui.pages.certificates import CertificatesPage
from wizard.ui.pages.keys import KeysPage
from wizard.ui.pages.packages import PackagesPage
from wizard.ui.person_dialog import PersonDialog
from wizard.ui.secret_dialogs import AtlasCredentialsDialog, FilePasswordDialog, PassphraseDialog
from wizard.ui.wizard import OnboardingWizard
from wizard.ui.workers import pending_count

from .certificates import import_with_core, issue_for, project_with_keys
from .conftest import MemorySecretStore

QT_INTERNALS = {"QTableCornerButton"}
INPUTS = (QLineEdit, QComboBox, QAbstractButton, QListWidget, QTableWidget, QPlainTextEdit)


def unnamed_inputs(root: QWidget) -> list[str]:
    """Inputs with no accessible name, no text of their own and no label whose buddy they are."""
    buddies = {id(label.buddy()) for label in root.findChildren(QLabel) if label.buddy() is not None}
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or widget.parent() is None:
            continue
        # Qt's own internals (the table corner button, scroll-area plumbing) are not ours to name.
        if widget.objectName().startswith("qt_") or widget.metaObject().className() in QT_INTERNALS:
            continue
        text = widget.text() if isinstance(widget, QAbstractButton) else ""
        if widget.accessibleName() or text.strip() or id(widget) in buddies:
            continue
        if isinstance(widget, QAbstractButton) and not widget.isVisibleTo(root):
            continue
        missing.append(f"{type(widget).__name__} {widget.objectName()!r} in {type(widget.parent()).__name__}")
    return missing


def test_every_input_on_every_page_is_named(qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard],
                                            services: Services) -> None:
    folder = services.paths.projects_dir / "demo"
    session = create_demo_project(folder, services.profile, services.clock)
    window = make_wizard()
    window.show()
    checked = []
    for page_id in PageId:
        if page_id != PageId.WELCOME:
            if window.session is None:
                window.open_project(folder)
            window.walk_to(page_id)
        page = window.currentPage()
        assert unnamed_inputs(page) == [], f"on {page.title()}"
        checked.append(page.title())
    assert checked[-8:] == ["Keys and CSRs", "Certificates", "Packages", "Domain verification",
                            "DIP IDs and message channels", "Renewals and reminders", "Promotion to Production",
                            "Audit trail"]
    qtbot.waitUntil(lambda: pending_count() == 0)  # the keychain lookup has answered
    keys = window.page(PageId.KEYS)
    assert isinstance(keys, KeysPage)
    assert unnamed_inputs(keys) == [], "after the keychain lookup"
    dialog = PersonDialog(window, services.profile, session.project, session.project.people[0])
    assert unnamed_inputs(dialog) == []
    for secret_dialog in (PassphraseDialog(window, new=True, vault_path="vault"),
                          PassphraseDialog(window, new=False, vault_path="vault"),
                          AtlasCredentialsDialog(window, vault_name="Test keychain"),
                          FilePasswordDialog(window, file_name="ours.pfx")):
        assert unnamed_inputs(secret_dialog) == [], type(secret_dialog).__name__
    assert len(checked) == len(PageId)


def test_the_keys_page_is_usable_from_the_keyboard(qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard],
                                                   services: Services) -> None:
    folder = services.paths.projects_dir / "demo"
    create_demo_project(folder, services.profile, services.clock)
    window = make_wizard()
    window.open_project(folder)
    window.walk_to(PageId.KEYS)
    window.show()
    page = window.currentPage()
    assert isinstance(page, KeysPage)
    qtbot.waitUntil(page.make_button.isEnabled)
    assert page.focusWidget() is page.table, "focus starts in the list of certificates"
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.selected_kind() == services.profile.certificate_kinds[1], "arrow keys choose a certificate"
    # Every control can be reached with Tab, and every button has an Alt shortcut.
    for widget in (page.table, page.algorithm, page.make_button, page.export_button, page.copy_button,
                   page.atlas_button, page.file_vault_button):
        assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus, widget.accessibleName() or widget.objectName()
    for button in (page.make_button, page.export_button, page.copy_button, page.atlas_button,
                   page.file_vault_button):
        assert "&" in button.text(), button.text()
    assert page.algorithm_label.buddy() is page.algorithm
    qtbot.waitUntil(lambda: pending_count() == 0)


def test_buttons_read_as_words_and_page_changes_are_announced(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], services: Services) -> None:
    window = make_wizard()
    for button, word in ((QWizard.WizardButton.BackButton, "Back"), (QWizard.WizardButton.NextButton, "Next"),
                         (QWizard.WizardButton.FinishButton, "Close")):
        assert window.button(button).text().replace("&", "") == word
    window.show()
    assert window.windowTitle().startswith("Welcome")
    qtbot.mouseClick(window.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert window.windowTitle().startswith("Your organisation")
    org = window.currentPage()
    assert org.focusWidget() is org.name, "focus moves to the page's first field"


def test_window_size_is_remembered(qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard]) -> None:
    window = make_wizard()
    window.show()
    window.resize(700, 520)  # fits the 800x600 offscreen screen that restoreGeometry clamps to
    window.close()
    again = make_wizard()
    assert (again.width(), again.height()) == (700, 520)


def test_the_certificates_and_packages_pages_are_named_and_usable_from_the_keyboard(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], services: Services, keychain: MemorySecretStore,
        demo_ca: SupplierCA) -> None:
    # A certificate inside its lead time: the pages with a table, details, checks and the expiry reminder.
    session = project_with_keys(services, keychain, "dip-mtls")
    (key,) = session.project.keys_for("dip-mtls")
    import_with_core(session, issue_for(demo_ca, services, keychain, key, days_left=20), demo_ca.chain)
    window = make_wizard()
    window.open_project(session.folder)
    window.walk_to(PageId.CERTIFICATES)
    window.show()
    certificates = window.currentPage()
    assert isinstance(certificates, CertificatesPage)
    qtbot.waitUntil(lambda: pending_count() == 0)
    assert certificates.expiry_banner.isVisible()
    assert certificates.focusWidget() is certificates.choose_button, "focus starts on Choose file"
    certificates.select_kind("dip-mtls")
    assert unnamed_inputs(certificates) == []
    for button in (certificates.choose_button, certificates.paste_button, certificates.bring_button,
                   certificates.keys_button, certificates.expiry_banner.hide_button):
        assert "&" in button.text(), button.text()
        assert button.focusPolicy() & Qt.FocusPolicy.TabFocus, button.text()
    assert certificates.table.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert certificates.drop_zone.accessibleName()

    window.next()
    packages = window.currentPage()
    assert isinstance(packages, PackagesPage)
    first = packages.destination_buttons["dip-portal"]  # the profile's first destination
    assert packages.focusWidget() is first, "focus starts on the destination"
    qtbot.keyClick(first, Qt.Key.Key_Space)
    assert packages.destination() is not None, "the space bar chooses a destination"
    assert packages.save_button.isEnabled()
    qtbot.mouseClick(packages.generate_button, Qt.MouseButton.LeftButton)
    assert unnamed_inputs(packages) == []
    for button in (packages.generate_button, packages.copy_button, packages.save_button, packages.show_box):
        assert "&" in button.text(), button.text()
    assert packages.kind_label.buddy() is packages.kind
    assert FilePasswordDialog(window, file_name="x.pfx").findChildren(QLineEdit)[0].accessibleName()
    assert unnamed_inputs(FilePasswordDialog(window, file_name="x.pfx")) == []
    qtbot.waitUntil(lambda: pending_count() == 0)


def mnemonic(text: str) -> str | None:
    """The Alt+letter a widget text gives ("&Next" → "n"); None without one ("&&" is a literal ampersand)."""
    cleaned = text.replace("&&", "")
    at = cleaned.find("&")
    return cleaned[at + 1].lower() if 0 <= at < len(cleaned) - 1 else None


def shortcut_clashes(root: QWidget) -> dict[str, list[str]]:
    """Alt+letter shortcuts that more than one visible control in `root` answers to."""
    seen: dict[str, list[str]] = {}
    controls: list[tuple[str, QWidget]] = [(b.text(), b) for b in root.findChildren(QAbstractButton)]
    controls += [(label.text(), label) for label in root.findChildren(QLabel) if label.buddy() is not None]
    controls += [(box.title(), box) for box in root.findChildren(QGroupBox)]
    for text, widget in controls:
        key = mnemonic(text)
        if key and widget.isVisibleTo(root) and widget.window() is root:
            seen.setdefault(key, []).append(text.replace("&", ""))
    return {k: v for k, v in seen.items() if len(v) > 1}


def test_no_two_controls_on_a_page_share_an_alt_shortcut(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], services: Services, keychain: MemorySecretStore,
        demo_ca: SupplierCA) -> None:
    # A certificate due for renewal, so the expiry banner (with its Hide button) is on every page after Welcome.
    session = project_with_keys(services, keychain, "dip-mtls")
    (key,) = session.project.keys_for("dip-mtls")
    import_with_core(session, issue_for(demo_ca, services, keychain, key, days_left=20), demo_ca.chain)
    folder = session.folder
    window = make_wizard()
    window.show()
    for page_id in PageId:
        if page_id != PageId.WELCOME:
            if window.session is None:
                window.open_project(folder)
            window.walk_to(page_id)
        qtbot.waitUntil(lambda: pending_count() == 0)
        page = window.currentPage()
        if page_id != PageId.WELCOME:
            assert page.expiry_banner.isVisible(), f"the banner on {page.title()}"  # type: ignore[attr-defined]
        assert window.button(QWizard.WizardButton.HelpButton).isVisible()
        assert shortcut_clashes(window) == {}, f"on {page.title()}"
    session = window.session
    assert session is not None
    dialogs: list[QWidget] = [
        PersonDialog(window, services.profile, session.project, session.project.people[0]),
        PassphraseDialog(window, new=True, vault_path="vault"), AtlasCredentialsDialog(window, vault_name="Keychain"),
        FilePasswordDialog(window, file_name="ours.pfx"), window.show_help("guide.html#keys")]
    for dialog in dialogs:
        dialog.show()
        assert shortcut_clashes(dialog) == {}, type(dialog).__name__
        dialog.close()
    assert mnemonic("Open a han&doff bundle…") == "d"
    assert mnemonic("Fish && chips") is None
