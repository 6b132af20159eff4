"""Welcome: what the wizard is for, and a choice of a new project, a recent one, or a folder."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QWidget,
)

from wizard.core.errors import WizardError
from wizard.core.profile import Profile
from wizard.core.store import load_project
from wizard.ui.pages.base import BasePage

INTRO = (
    "This wizard guides your organisation onto Elexon's <b>Data Integration Platform (DIP)</b>. It keeps track "
    "of who holds which DIP role, the onboarding steps and who does each one, and it saves as you go, so you "
    "can stop at any point and carry on another day."
)


class WelcomePage(BasePage):
    def __init__(self) -> None:
        super().__init__("Welcome", "Start a new onboarding project, or carry on with one you have already begun.",
                         INTRO)
        self.new_choice = QRadioButton("&Start a new onboarding project")
        self.recent_choice = QRadioButton("Carry on with a &recent project:")
        self.choices = QButtonGroup(self)
        self.choices.addButton(self.new_choice)
        self.choices.addButton(self.recent_choice)
        self.recent = QListWidget()
        self.recent.setAccessibleName("Recent projects")
        self.recent.setMaximumHeight(170)
        self.needs = QLabel()
        self.needs.setWordWrap(True)
        self.needs.setTextFormat(Qt.TextFormat.RichText)
        self.open_button = QPushButton("&Open a project folder…")
        self.open_button.setAccessibleDescription("Choose a folder that holds a project, for example one a "
                                                  "colleague shared with you")
        self._opened = False

        self.body.addSpacing(8)
        self.body.addWidget(self.new_choice)
        self.body.addWidget(self.recent_choice)
        self.body.addWidget(self.recent)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        self.forget_button = QPushButton("&Forget the selected project")
        self.forget_button.setAccessibleDescription("Remove it from this list; the project folder itself is "
                                                    "not touched")
        row.addWidget(self.forget_button)
        row.addStretch(1)
        self.body.addLayout(row)
        self.body.addSpacing(12)
        self.body.addWidget(self.needs)
        self.body.addStretch(1)
        self.finish_layout()

        self.new_choice.toggled.connect(self._on_choice_changed)
        self.recent_choice.toggled.connect(self._on_choice_changed)
        self.recent.currentItemChanged.connect(self._on_recent_selected)
        self.recent.itemActivated.connect(lambda _item: self.onboarding().next())
        self.open_button.clicked.connect(self._on_open_folder)
        self.forget_button.clicked.connect(self._on_forget)

    def first_field(self) -> QWidget:
        return self.recent_choice if self.recent_choice.isChecked() else self.new_choice

    def initializePage(self) -> None:
        self._opened = False
        self.clear_error()
        wizard = self.onboarding()
        first = wizard.services.profile.steps[0]
        needs = "".join(f"<li>{html.escape(c)}</li>" for c in first.preconditions)
        self.needs.setText(f"<b>{html.escape(first.title)}, check that:</b><ul style='margin-left:-20px'>"
                           f"{needs}</ul>" if needs else "")
        self._fill_recent()
        # Last: choosing the default option above clears messages, and this one must stay.
        if wizard.startup_problem:
            self.show_error(wizard.startup_problem)
            wizard.startup_problem = ""

    def _fill_recent(self) -> None:
        wizard = self.onboarding()
        self.recent.clear()
        first_usable = -1
        for folder in wizard.settings.recent_projects:
            text, usable = _describe(Path(folder), wizard.services.profile)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, folder)
            self.recent.addItem(item)
            if usable and first_usable < 0:
                first_usable = self.recent.count() - 1
        has_recent = self.recent.count() > 0
        self.recent_choice.setEnabled(has_recent)
        self.recent.setEnabled(has_recent)
        self.forget_button.setEnabled(has_recent)
        # A project that cannot be opened is listed (so it can be forgotten) but never chosen for the user.
        if first_usable >= 0:
            self.recent.setCurrentRow(first_usable)
            self.recent_choice.setChecked(True)
        else:
            self.new_choice.setChecked(True)

    def _on_forget(self) -> None:
        if self.recent.currentRow() < 0:
            return
        folder = Path(self.recent.currentItem().data(Qt.ItemDataRole.UserRole))
        self.onboarding().forget_project(folder)
        self._fill_recent()
        self.completeChanged.emit()

    def choose_open_project(self) -> None:
        """Used when the wizard has already opened a project (resume, or a folder): Next just goes on."""
        self._opened = True

    def isComplete(self) -> bool:
        if self._opened or self.new_choice.isChecked():
            return True
        return self.recent_choice.isChecked() and self.recent.currentItem() is not None

    def validatePage(self) -> bool:
        wizard = self.onboarding()
        if self._opened:
            return wizard.session is not None
        if self.new_choice.isChecked():
            wizard.close_project()
            return True
        item = self.recent.currentItem()
        folder = Path(item.data(Qt.ItemDataRole.UserRole))
        try:
            wizard.open_project(folder)
        except WizardError as exc:
            self.show_error(str(exc))
            return False
        return True

    def _on_choice_changed(self) -> None:
        self.recent.setEnabled(self.recent_choice.isChecked())
        self.clear_error()
        self.completeChanged.emit()

    def _on_recent_selected(self) -> None:
        if self.recent.currentItem() is not None:
            self.recent_choice.setChecked(True)
        self.completeChanged.emit()

    def _on_open_folder(self) -> None:
        wizard = self.onboarding()
        folder = wizard.dialogs.choose_folder(self, "Open an onboarding project folder",
                                              wizard.services.paths.projects_dir)
        if folder is None:
            return
        try:
            wizard.open_project(folder)
        except WizardError as exc:
            self.show_error(str(exc))
            return
        self._opened = True
        wizard.next()


def _describe(folder: Path, profile: Profile) -> tuple[str, bool]:
    """A recent project's line in the list, and whether it can be opened. Only reads: never migrates."""
    try:
        shown = "~/" + str(folder.relative_to(Path.home()))
    except ValueError:
        shown = str(folder)
    try:
        project = load_project(folder, persist=False)
        env = profile.environment(project.environment).name
    except WizardError:
        return f"{folder.name} — cannot be opened (moved or damaged)  ({shown})", False
    return f"{project.organisation.name} — {env}  ({shown})", True
