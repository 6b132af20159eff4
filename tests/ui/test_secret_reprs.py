"""The secret dialogs, filled and accepted as a user would, show no secret in repr() or str() of the dialog or of
what they hand back (the passphrase, the Atlas credentials object), and keep no secret in any accessible name or
tooltip (what a screen reader or a UI inspector reads). The clipboard is cleared after a copied passphrase's
time-out: test_clipboard.py."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from wizard.ui.secret_dialogs import AtlasCredentialsDialog, FilePasswordDialog, PassphraseDialog

PASSPHRASE = "violet tugboat anchors seventy"
PASSWORD = "Quartz-Lantern-Meadow-9041"
API_KEY = "AtlasKey-3f9c2e71d0b84a56"
API_SECRET = "AtlasSecret-7Hq2Lm9Xv4Rt8Wz1"


def shown_texts(dialog: QWidget) -> list[str]:
    texts = [repr(dialog), str(dialog)]
    for widget in [dialog, *dialog.findChildren(QWidget)]:
        texts += [repr(widget), widget.accessibleName(), widget.accessibleDescription(), widget.toolTip(),
                  widget.whatsThis(), widget.windowTitle()]
    return texts


def test_filled_secret_dialogs_show_no_secret(qtbot: QtBot) -> None:
    passphrase = PassphraseDialog(None, new=True, vault_path="/tmp/secrets.vault")
    qtbot.addWidget(passphrase)
    qtbot.keyClicks(passphrase.first, PASSPHRASE)
    qtbot.keyClicks(passphrase.second, PASSPHRASE)
    passphrase.accept()
    assert passphrase.passphrase == PASSPHRASE

    atlas = AtlasCredentialsDialog(None, vault_name="GNOME Keyring")
    qtbot.addWidget(atlas)
    qtbot.keyClicks(atlas.api_key, API_KEY)
    qtbot.keyClicks(atlas.api_secret, API_SECRET)
    atlas.accept()
    assert atlas.credentials is not None
    assert atlas.credentials.api_secret == API_SECRET

    password = FilePasswordDialog(None, file_name="old.pfx")
    qtbot.addWidget(password)
    qtbot.keyClicks(password.field, PASSWORD)
    password.accept()
    assert password.password == PASSWORD

    texts = [*shown_texts(passphrase), *shown_texts(atlas), *shown_texts(password), repr(atlas.credentials),
             str(atlas.credentials)]
    for secret in (PASSPHRASE, PASSWORD, API_KEY, API_SECRET):
        assert not [t for t in texts if secret in t]
    # The check reads what the fields hold, so it would see a secret put where it reads.
    atlas.api_secret.setToolTip(API_SECRET)
    assert any(API_SECRET in t for t in shown_texts(atlas))
