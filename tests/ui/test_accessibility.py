"""Every input on every page has a name a screen reader can speak, and buttons read as plain words."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QTableWidget,
    QWidget,
    QWizard,
)
from pytestqt.qtbot import QtBot

from wizard.app import Services
from wizard.core.flow import PageId
from wizard.demo import create_demo_project
from wizard.ui.pages.keys import KeysPage
from wizard.ui.person_dialog import PersonDialog
from wizard.ui.secret_dialogs import AtlasCredentialsDialog, PassphraseDialog
from wizard.ui.wizard import OnboardingWizard
from wizard.ui.workers import pending_count

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
    assert checked[-1] == "Keys and CSRs"
    keys = window.currentPage()
    assert isinstance(keys, KeysPage)
    qtbot.waitUntil(lambda: pending_count() == 0)  # the keychain lookup has answered
    assert unnamed_inputs(keys) == [], "after the keychain lookup"
    dialog = PersonDialog(window, services.profile, session.project, session.project.people[0])
    assert unnamed_inputs(dialog) == []
    for secret_dialog in (PassphraseDialog(window, new=True, vault_path="vault"),
                          PassphraseDialog(window, new=False, vault_path="vault"),
                          AtlasCredentialsDialog(window, vault_name="Test keychain")):
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
