"""Dialogs that take a secret: the file vault passphrase, the GlobalSign Atlas API key and secret, and the
password of a PFX or key file being brought in.

They validate through core (`check_passphrase`, `check_credentials`) and show its message under the field, never
echoing the secret back. They store nothing themselves: the caller sends the result straight to a vault.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from wizard.core.atlas import AtlasCredentials, check_credentials
from wizard.core.errors import InvalidInput
from wizard.core.vault import MIN_PASSPHRASE, check_passphrase
from wizard.ui.tones import tone
from wizard.ui.widgets import FieldMessage, add_field_row


def _secret_field(form: QFormLayout, label: str, accessible: str) -> tuple[QLineEdit, FieldMessage]:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit, add_field_row(form, label, edit, accessible=accessible)


def _fit(dialog: QDialog, width: int) -> None:
    # Wrapped labels need a width before their height is known; fix the width, then fit the height. Called again
    # when a message appears, so that it never overlaps the fields.
    dialog.setMinimumWidth(width)
    height = dialog.heightForWidth(width) if dialog.hasHeightForWidth() else dialog.sizeHint().height()
    dialog.resize(width, max(height, dialog.height() if dialog.isVisible() else 0))


class _FittedDialog(QDialog):
    """Wrapped text only knows its height once shown, so the dialog fits its height again then."""

    fit_width = 560

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        _fit(self, max(self.width(), self.fit_width))


class PassphraseDialog(_FittedDialog):
    """Asks for the file vault passphrase: a new one twice (with the rules shown), an existing one once.

    After `accept()` the passphrase is in `self.passphrase`.
    """

    def __init__(self, parent: QWidget | None, *, new: bool, vault_path: str) -> None:
        super().__init__(parent)
        self.new = new
        self.passphrase: str | None = None
        self.setWindowTitle("Choose a passphrase for the file vault" if new else "Open your file vault")
        layout = QVBoxLayout(self)
        if new:
            text = (f"Your private keys will be kept in one encrypted file, {vault_path}, protected by a passphrase "
                    f"you choose now. Use at least {MIN_PASSPHRASE} characters; several unrelated words work well. "
                    "The passphrase is never stored: if it is forgotten, the keys in the file cannot be used and "
                    "new ones must be made. Keep it somewhere safe, such as your organisation's password manager.")
        else:
            text = (f"The private keys you chose to keep in a file are in {vault_path}. Type the passphrase that "
                    "protects it.")
        intro = QLabel(text)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.first, self.first_message = _secret_field(form, "&Passphrase:", "Passphrase")
        self.second: QLineEdit | None = None
        self.second_message: FieldMessage | None = None
        if new:
            self.second, self.second_message = _secret_field(form, "Type it &again:", "Passphrase again")
        layout.addLayout(form)
        self.show_box = QCheckBox("&Show what I type")
        self.show_box.toggled.connect(self._on_show_toggled)
        layout.addWidget(self.show_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create file vault" if new else "Open")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        _fit(self, 560)

    def _on_show_toggled(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        for edit in (self.first, self.second):
            if edit is not None:
                edit.setEchoMode(mode)

    def accept(self) -> None:
        self.first_message.show_message("")
        if self.second_message is not None:
            self.second_message.show_message("")
        text = self.first.text()
        if self.new:
            try:
                check_passphrase(text)
            except InvalidInput as exc:
                self._complain(self.first, self.first_message, str(exc))
                return
            assert self.second is not None
            assert self.second_message is not None
            if self.second.text() != text:
                self._complain(self.second, self.second_message, "The two passphrases differ. Type the same "
                                                                 "passphrase in both boxes.")
                return
        elif not text:
            self._complain(self.first, self.first_message, "Type the passphrase of your file vault.")
            return
        self.passphrase = text
        super().accept()

    def _complain(self, edit: QLineEdit, message: FieldMessage, text: str) -> None:
        message.show_message(text)
        edit.setAccessibleDescription(text)
        edit.setFocus()
        _fit(self, self.width())


class AtlasCredentialsDialog(_FittedDialog):
    """The Atlas API key and secret, pasted into two hidden fields; after `accept()` they are in `credentials`."""

    def __init__(self, parent: QWidget | None, *, vault_name: str) -> None:
        super().__init__(parent)
        self.credentials: AtlasCredentials | None = None
        self.setWindowTitle("GlobalSign Atlas API key and secret")
        layout = QVBoxLayout(self)
        intro = QLabel("In GlobalSign Atlas, create an API credential, then paste its API key and API secret here. "
                       "The DIP asks for both when you set up its certificates.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.warning = QLabel(f"<b>Atlas shows the API secret only once.</b> Paste it now, before you close the "
                              f"Atlas page. It goes straight into {vault_name} and is never written to project "
                              "files, logs or handoff bundles. If it is lost, create a new credential in Atlas.")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {tone('warning')};")
        layout.addWidget(self.warning)
        form = QFormLayout()
        self.api_key, self.api_key_message = _secret_field(form, "API &key:", "Atlas API key")
        self.api_secret, self.api_secret_message = _secret_field(form, "API &secret:", "Atlas API secret")
        layout.addLayout(form)
        self.show_box = QCheckBox("S&how the key and secret")
        self.show_box.toggled.connect(self._on_show_toggled)
        layout.addWidget(self.show_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.fit_width = 600
        _fit(self, 600)

    def _on_show_toggled(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.api_key.setEchoMode(mode)
        self.api_secret.setEchoMode(mode)

    def accept(self) -> None:
        fields = {"api_key": (self.api_key, self.api_key_message),
                  "api_secret": (self.api_secret, self.api_secret_message)}
        for _edit, message in fields.values():
            message.show_message("")
        try:
            self.credentials = check_credentials(self.api_key.text(), self.api_secret.text())
        except InvalidInput as exc:
            edit, message = fields.get(exc.field, fields["api_secret"])
            message.show_message(str(exc))
            edit.setAccessibleDescription(str(exc))
            edit.setFocus()
            _fit(self, self.width())
            return
        super().accept()


class FilePasswordDialog(_FittedDialog):
    """The password of a PFX or encrypted key file brought from elsewhere; after `accept()` it is in `password`.

    Whether it is right is only known when the file is opened (in the background); a wrong one is explained then.
    """

    def __init__(self, parent: QWidget | None, *, file_name: str) -> None:
        super().__init__(parent)
        self.password: str | None = None
        self.setWindowTitle("Password of the file")
        layout = QVBoxLayout(self)
        self.intro = QLabel(f"Type the password that protects {file_name}. It is used once, to open the file, and "
                            "is not stored anywhere.")
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        form = QFormLayout()
        self.field, self.message = _secret_field(form, "&Password:", "Password of the file")
        layout.addLayout(form)
        self.show_box = QCheckBox("&Show what I type")
        self.show_box.toggled.connect(self._on_show_toggled)
        layout.addWidget(self.show_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Open the file")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        _fit(self, 520)

    def _on_show_toggled(self, shown: bool) -> None:
        self.field.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)

    def accept(self) -> None:
        self.password = self.field.text()
        super().accept()
