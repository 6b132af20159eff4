"""Welcome: what the wizard is for, and a choice of a new project, a recent one, or a folder.

The page is the wizard's first frame. What needs the DIP profile or the projects' files (the first step's checks,
the recent projects' names) is filled in right after that frame is painted (`OnboardingWizard.after_first_frame`),
into room the layout already has, so the window appears sooner and nothing on it moves (bench/README.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

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
from wizard.ui.pages.base import BasePage

if TYPE_CHECKING:
    import datetime as dt

    from wizard.core.profile import Profile

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
        # "Before you start": the first step's checks, from the profile, filled in after the first frame. Its text
        # always starts with a tag, so the label's default AutoText shows it as rich text without asking for
        # Qt.TextFormat (the `Qt` namespace's enums cost ~14 ms and 1.25 MiB, which the welcome page can do without).
        self.needs = QLabel()
        self.needs.setWordWrap(True)
        self.open_button = QPushButton("&Open a project folder…")
        self.open_button.setAccessibleDescription("Choose a folder that holds a project, for example one a "
                                                  "colleague shared with you")
        self._opened = False
        self._recent_folders: list[str] = []  # the folder of each row of `recent`
        self._fill_due = False                # initializePage asked for a fill that has not run yet
        self.profile_problem = ""             # why the DIP profile could not be loaded, if it could not

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
        if not wizard.settings.recent_projects:
            self._show_recent([])  # nothing to read: the choices are complete in the first frame
        # Last: choosing the default option clears messages, and this one must stay.
        if wizard.startup_problem:
            self.show_error(wizard.startup_problem)
            wizard.startup_problem = ""
        if self._fill_due:
            return
        self._fill_due = True
        if wizard.services.profile_source.made:
            self.fill()  # the profile is loaded already (a project was opened): nothing to wait for
        else:
            wizard.after_first_frame(self.fill)

    def fill(self) -> None:
        """Fill in what needs the profile and the projects' files: the first step's checks and the recent
        projects. A broken profile is said here, and then nothing can be started or opened."""
        if not self._fill_due:
            return
        self._fill_due = False
        wizard = self.onboarding()
        kept = self.page_error.text() if not self.page_error.isHidden() else ""
        try:
            profile = wizard.services.profile
        except WizardError as exc:
            self._refuse_for_profile(str(exc))
            return
        import html

        self.profile_problem = ""
        self.new_choice.setEnabled(True)
        self.open_button.setEnabled(True)
        first = profile.steps[0]
        needs = "".join(f"<li>{html.escape(c)}</li>" for c in first.preconditions)
        self.needs.setText(f"<b>{html.escape(first.title)}, check that:</b><ul style='margin-left:-20px'>"
                           f"{needs}</ul>" if needs else "")
        self._fill_recent()
        if kept:
            self.show_error(kept)
        # The wizard gave focus to the first choice before the recent projects were known; follow the choice made.
        if wizard.currentPage() is self and self.focusWidget() in (self.new_choice, self.recent_choice):
            self.first_field().setFocus()

    def _refuse_for_profile(self, problem: str) -> None:
        self.profile_problem = (f"The DIP profile could not be loaded, so no project can be started or opened. "
                                f"{problem}")
        for widget in (self.new_choice, self.recent_choice, self.recent, self.open_button, self.forget_button):
            widget.setEnabled(False)
        self.show_error(self.profile_problem)
        self.completeChanged.emit()

    def _fill_recent(self) -> None:
        wizard = self.onboarding()
        profile = wizard.services.profile
        today = wizard.services.clock().date()
        self._show_recent([(folder, *_describe(Path(folder), profile, today))
                           for folder in wizard.settings.recent_projects])

    def _show_recent(self, rows: list[tuple[str, str, bool]]) -> None:
        """Rows of (folder, text, can be opened)."""
        self.recent.clear()
        self._recent_folders = [folder for folder, _text, _usable in rows]
        first_usable = -1
        for _folder, text, usable in rows:
            self.recent.addItem(QListWidgetItem(text))
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
        row = self.recent.currentRow()
        if row < 0:
            return
        self.onboarding().forget_project(Path(self._recent_folders[row]))
        self._fill_recent()
        self.completeChanged.emit()

    def choose_open_project(self) -> None:
        """Used when the wizard has already opened a project (resume, or a folder): Next just goes on."""
        self._opened = True

    def isComplete(self) -> bool:
        if self.profile_problem:
            return False
        if self._opened or self.new_choice.isChecked():
            return True
        return self.recent_choice.isChecked() and self.recent.currentItem() is not None

    def validatePage(self) -> bool:
        self.fill()  # Next before the first frame (only a script can be that quick) finds the page complete
        if self.profile_problem:
            return False
        wizard = self.onboarding()
        if self._opened:
            return wizard.session is not None
        if self.new_choice.isChecked():
            wizard.close_project()
            return True
        row = self.recent.currentRow()
        if row < 0:
            return False
        folder = Path(self._recent_folders[row])
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


def _describe(folder: Path, profile: Profile, today: dt.date) -> tuple[str, bool]:
    """A recent project's row in the list (its name and folder, then its next step and nearest expiry, read from
    the project file alone: never migrated, no keychain), and whether it can be opened."""
    from wizard.core.recent import describe_recent

    recent = describe_recent(folder, profile, today)
    first, second = recent.lines()
    return (f"{first}\n    {second}" if second else first), recent.usable
