"""UI fixtures: the real wizard over temp folders, with dialogs answered by the test instead of a person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from wizard.app import AppPaths, Services, build_services
from wizard.core.model import Person, Project
from wizard.core.profile import Profile
from wizard.ui.dialogs import Dialogs
from wizard.ui.person_dialog import PersonDialog
from wizard.ui.wizard import OnboardingWizard

FIXED_NOW = dt.datetime(2026, 11, 27, 9, 30, tzinfo=dt.UTC)

PersonFiller = Callable[[PersonDialog], None]


class FakeDialogs(Dialogs):
    """Answers every dialog from queued test answers; fails loudly if a dialog nobody expected opens."""

    def __init__(self) -> None:
        self.confirm_answers: list[bool] = []
        self.person_fillers: list[PersonFiller] = []
        self.folders: list[Path | None] = []
        self.confirmed: list[str] = []
        self.person_dialogs: list[PersonDialog] = []

    def confirm(self, parent: QWidget, title: str, text: str, *, action: str) -> bool:
        self.confirmed.append(text)
        return self.confirm_answers.pop(0)

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        raise AssertionError(f"unexpected error dialog: {text}")

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


@pytest.fixture
def services(tmp_path: Path) -> Services:
    return build_services(paths=AppPaths.under(tmp_path / "home"), clock=lambda: FIXED_NOW)


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
