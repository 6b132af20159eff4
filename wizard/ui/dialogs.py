"""The one place that opens modal dialogs, so tests can replace it and never hang on a message box.

The window is built with a `Dialogs` before its first paint, and no dialog opens before it: each method imports the
Qt classes it needs (touching `Qt`'s enums alone costs ~15 ms; bench/README.md, startup_ratio).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QWidget

if TYPE_CHECKING:
    from wizard.core.atlas import AtlasCredentials
    from wizard.core.bundle_read import VerifiedBundle
    from wizard.core.model import Person, Project
    from wizard.core.profile import Profile


class Dialogs:
    """Real, native dialogs. Tests pass an object with the same methods that answers without showing."""

    def confirm(self, parent: QWidget, title: str, text: str, *, action: str) -> bool:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
        yes = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)
        box.exec()
        return box.clickedButton() is yes

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(parent, title, text)

    def inform(self, parent: QWidget | None, title: str, text: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(parent, title, text)

    def choose_folder(self, parent: QWidget, title: str, start: Path) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        chosen = QFileDialog.getExistingDirectory(parent, title, str(start))
        return Path(chosen) if chosen else None

    def open_files(self, parent: QWidget, title: str, start: Path, file_filter: str) -> list[Path]:
        """Ask for one or more existing files, starting in `start`; an empty list if cancelled."""
        from PySide6.QtWidgets import QFileDialog

        chosen, _filter = QFileDialog.getOpenFileNames(parent, title, str(start), file_filter)
        return [Path(name) for name in chosen]

    def save_file(self, parent: QWidget, title: str, suggested: Path, file_filter: str) -> Path | None:
        """Ask where to save a file, starting at `suggested` (folder and name); None if cancelled."""
        from PySide6.QtWidgets import QFileDialog

        chosen, _filter = QFileDialog.getSaveFileName(parent, title, str(suggested), file_filter)
        return Path(chosen) if chosen else None

    def ask_passphrase(self, parent: QWidget, *, new: bool, vault_path: Path) -> str | None:
        """The file vault passphrase: a new one typed twice and checked, or the existing one; None if cancelled."""
        from wizard.ui.secret_dialogs import PassphraseDialog

        dialog = PassphraseDialog(parent, new=new, vault_path=str(vault_path))
        return dialog.passphrase if dialog.exec() else None

    def ask_file_password(self, parent: QWidget, *, file_name: str) -> str | None:
        """The password of a PFX or key file someone already has; None if cancelled. Never stored."""
        from wizard.ui.secret_dialogs import FilePasswordDialog

        dialog = FilePasswordDialog(parent, file_name=file_name)
        return dialog.password if dialog.exec() else None

    def atlas_credentials(self, parent: QWidget, *, vault_name: str) -> AtlasCredentials | None:
        """The GlobalSign Atlas API key and secret, checked; None if cancelled."""
        from wizard.ui.secret_dialogs import AtlasCredentialsDialog

        dialog = AtlasCredentialsDialog(parent, vault_name=vault_name)
        return dialog.credentials if dialog.exec() else None

    def edit_person(self, parent: QWidget, profile: Profile, project: Project, person: Person | None) -> Person | None:
        """Add (person=None) or edit a person; returns the checked person, or None if cancelled."""
        from wizard.ui.person_dialog import PersonDialog

        dialog = PersonDialog(parent, profile, project, person)
        return dialog.person if dialog.exec() else None

    def view_bundle(self, parent: QWidget, bundle: VerifiedBundle, file_name: str) -> bool:
        """Show a verified handoff bundle (fingerprint, instructions, files); True if the user asks to import it."""
        from wizard.ui.bundle_dialog import BundleDialog

        return bool(BundleDialog(parent, bundle, file_name).exec())

    def crash(self, parent: QWidget | None, report: str, saved_to: Path | None) -> None:
        CrashDialog(parent, report, saved_to).exec()


class CrashDialog(QDialog):
    """Says something went wrong, in plain words, with redacted details the user can copy into a report."""

    def __init__(self, parent: QWidget | None, report: str, saved_to: Path | None) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QGuiApplication
        from PySide6.QtWidgets import QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout

        super().__init__(parent)
        self.setWindowTitle("Something went wrong")
        layout = QVBoxLayout(self)
        where = f" A copy was saved to {saved_to}." if saved_to else ""
        intro = QLabel("The wizard hit a problem it did not expect. Every change you saw saved before this is "
                       "kept: the wizard saves each change as a whole or not at all. Please send the details below "
                       "to your support contact; they contain no keys, passwords or certificate contents."
                       f"{where}")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        details = QPlainTextEdit(report)
        details.setReadOnly(True)
        details.setAccessibleName("Crash details")
        layout.addWidget(details)
        buttons = QDialogButtonBox()
        copy = QPushButton("Copy details")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(report))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(640, 360)
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
