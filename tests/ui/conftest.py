"""UI fixtures: the real wizard over temp folders, with dialogs answered by the test instead of a person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tests.pki import SupplierCA, make_ca
from wizard.app import AppPaths, Services, build_services
from wizard.core.atlas import AtlasCredentials
from wizard.core.bundle_read import VerifiedBundle
from wizard.core.memory_keychain import MemoryKeychain
from wizard.core.model import Person, Project
from wizard.core.profile import Profile
from wizard.core.vault import NO_KEYCHAIN, KeychainUnavailable, SecretStore, VaultProvider
from wizard.ui.bundle_dialog import BundleDialog
from wizard.ui.dialogs import Dialogs
from wizard.ui.person_dialog import PersonDialog
from wizard.ui.secret_dialogs import AtlasCredentialsDialog, FilePasswordDialog, PassphraseDialog
from wizard.ui.wizard import OnboardingWizard

FIXED_NOW = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)

PersonFiller = Callable[[PersonDialog], None]
PassphraseFiller = Callable[[PassphraseDialog], None]
AtlasFiller = Callable[[AtlasCredentialsDialog], None]
FilePasswordFiller = Callable[[FilePasswordDialog], None]


MemorySecretStore = MemoryKeychain  # the name the UI tests know it by


def no_keychain() -> SecretStore:
    """A keychain factory for a machine without one, as `open_keychain` behaves there."""
    raise KeychainUnavailable(NO_KEYCHAIN)


class FakeDialogs(Dialogs):
    """Answers every dialog from queued test answers; fails loudly if a dialog nobody expected opens."""

    def __init__(self) -> None:
        self.confirm_answers: list[bool] = []
        self.person_fillers: list[PersonFiller] = []
        self.folders: list[Path | None] = []
        self.confirmed: list[str] = []
        self.person_dialogs: list[PersonDialog] = []
        self.save_paths: list[Path | None] = []
        self.save_suggestions: list[Path] = []
        self.passphrase_fillers: list[PassphraseFiller] = []
        self.passphrase_dialogs: list[PassphraseDialog] = []
        self.atlas_fillers: list[AtlasFiller] = []
        self.atlas_dialogs: list[AtlasCredentialsDialog] = []
        self.open_answers: list[list[Path]] = []
        self.open_titles: list[str] = []
        self.file_password_fillers: list[FilePasswordFiller] = []
        self.file_password_dialogs: list[FilePasswordDialog] = []
        self.bundle_answers: list[bool] = []
        self.bundle_dialogs: list[BundleDialog] = []
        self.informed: list[str] = []

    def confirm(self, parent: QWidget, title: str, text: str, *, action: str) -> bool:
        self.confirmed.append(text)
        return self.confirm_answers.pop(0)

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        raise AssertionError(f"unexpected error dialog: {text}")

    def inform(self, parent: QWidget | None, title: str, text: str) -> None:
        self.informed.append(text)

    def choose_folder(self, parent: QWidget, title: str, start: Path) -> Path | None:
        return self.folders.pop(0)

    def edit_person(self, parent: QWidget, profile: Profile, project: Project, person: Person | None) -> Person | None:
        # The real dialog is built and filled as a user would, then accepted without a modal event loop.
        dialog = PersonDialog(parent, profile, project, person)
        self.person_dialogs.append(dialog)
        self.person_fillers.pop(0)(dialog)
        dialog.accept()
        return dialog.person if dialog.result() == PersonDialog.DialogCode.Accepted else None

    def crash(self, parent: QWidget | None, report: str, saved_to: Path | None) -> None:
        raise AssertionError(f"unexpected crash dialog: {report}")

    def open_files(self, parent: QWidget, title: str, start: Path, file_filter: str) -> list[Path]:
        self.open_titles.append(title)
        return self.open_answers.pop(0)

    def ask_file_password(self, parent: QWidget, *, file_name: str) -> str | None:
        dialog = FilePasswordDialog(parent, file_name=file_name)
        self.file_password_dialogs.append(dialog)
        self.file_password_fillers.pop(0)(dialog)
        dialog.accept()
        return dialog.password if dialog.result() == FilePasswordDialog.DialogCode.Accepted else None

    def save_file(self, parent: QWidget, title: str, suggested: Path, file_filter: str) -> Path | None:
        self.save_suggestions.append(suggested)
        return self.save_paths.pop(0)

    def ask_passphrase(self, parent: QWidget, *, new: bool, vault_path: Path) -> str | None:
        # As with people: the real dialog, filled as a user would, accepted without a modal event loop.
        dialog = PassphraseDialog(parent, new=new, vault_path=str(vault_path))
        self.passphrase_dialogs.append(dialog)
        self.passphrase_fillers.pop(0)(dialog)
        dialog.accept()
        return dialog.passphrase if dialog.result() == PassphraseDialog.DialogCode.Accepted else None

    def view_bundle(self, parent: QWidget, bundle: VerifiedBundle, file_name: str) -> bool:
        # The real dialog is built (so tests can read what it shows) and answered without a modal event loop.
        self.bundle_dialogs.append(BundleDialog(parent, bundle, file_name))
        return self.bundle_answers.pop(0)

    def atlas_credentials(self, parent: QWidget, *, vault_name: str) -> AtlasCredentials | None:
        dialog = AtlasCredentialsDialog(parent, vault_name=vault_name)
        self.atlas_dialogs.append(dialog)
        self.atlas_fillers.pop(0)(dialog)
        dialog.accept()
        return dialog.credentials if dialog.result() == AtlasCredentialsDialog.DialogCode.Accepted else None


@pytest.fixture
def keychain() -> MemoryKeychain:
    return MemoryKeychain()


@pytest.fixture
def keychain_factory(keychain: MemoryKeychain) -> Callable[[], SecretStore]:
    """What the vault provider calls to open the keychain. For a machine without one, a test parametrizes this
    name with `no_keychain`."""
    return lambda: keychain


@pytest.fixture
def services(tmp_path: Path, keychain_factory: Callable[[], SecretStore]) -> Services:
    paths = AppPaths.under(tmp_path / "home")
    vaults = VaultProvider(paths.data_dir / "vault" / "secrets.vault", keychain=keychain_factory)
    return build_services(paths=paths, clock=lambda: FIXED_NOW, vaults=vaults)


@pytest.fixture
def dialogs() -> FakeDialogs:
    return FakeDialogs()


@pytest.fixture
def make_wizard(qtbot: QtBot, services: Services, dialogs: FakeDialogs) -> Callable[[], OnboardingWizard]:
    def make() -> OnboardingWizard:
        window = OnboardingWizard(services, dialogs)
        qtbot.addWidget(window)
        return window

    return make


@pytest.fixture(scope="session")
def demo_ca() -> SupplierCA:
    """A supplier's two-level CA (tests/pki.py) that issues certificates for the keys of the demo project the UI
    tests work on."""
    return make_ca("Northwind Demo Test", FIXED_NOW)


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Show `window` and wait until it is the active window, so keyboard shortcuts reach it (waitActive can return
    before the offscreen platform has made it active)."""
    from PySide6.QtWidgets import QApplication

    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
