"""Promotion to Production: from a UIT project, make the Production one (the UIT project is left as it is); in a
project with a checklist (a promoted one), tick off what has been done or confirmed."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QWidget

from wizard.core.errors import WizardError
from wizard.core.flow import PageId
from wizard.core.promotion import PRODUCTION, open_items, promote, tick_by_user
from wizard.ui.pages.base import BasePage
from wizard.ui.widgets import result_label

INTRO = ("When your Code Body (the body that runs the industry code you qualify under: the DIP guidance names "
         "BSCCo and RECCo) has qualified you, you move from the UIT test environment to the live DIP "
         "(Production). The wizard makes a separate Production project from this one: your organisation, MPIDs "
         "and people are carried over, with a checklist of what must be redone (such as creating users again) and "
         "what you must confirm (such as DIP IDs and webhooks). This project is not changed.")


class PromotionPage(BasePage):
    def __init__(self) -> None:
        super().__init__("Promotion to Production", "Move to the live DIP with a checklist.", INTRO)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setAccessibleName("Where this project stands")
        self.body.addWidget(self.state)
        row = QHBoxLayout()
        self.promote_button = QPushButton("&Make the Production project")
        self.open_button = QPushButton("&Open the Production project")
        self.open_button.hide()
        row.addWidget(self.promote_button)
        row.addWidget(self.open_button)
        row.addStretch(1)
        self.body.addLayout(row)
        self.checklist = QListWidget()
        self.checklist.setAccessibleName("Checklist: tick each item once it is done")
        self.checklist.setWordWrap(True)
        self.body.addWidget(self.checklist, 1)
        self.result = result_label("What the last action did")
        self.body.addWidget(self.result)
        self._stretch = self.body.count()
        self.body.addStretch(0)  # keeps the text at the top while there is no checklist to fill the page
        self.finish_layout()
        self._production: Path | None = None
        self._filling = False
        self.promote_button.clicked.connect(self._on_promote)
        self.open_button.clicked.connect(self._on_open)
        self.checklist.itemChanged.connect(self._on_ticked)

    def first_field(self) -> QWidget:
        return self.promote_button if self.promote_button.isVisible() else self.checklist

    def initializePage(self) -> None:
        self.clear_error()
        self.result.hide()
        self.open_button.hide()
        self._refresh()

    def _refresh(self) -> None:
        project = self.session().project
        production = project.environment == PRODUCTION
        self.promote_button.setVisible(not production)
        if production:
            where = f" from {html.escape(project.promoted_from)}" if project.promoted_from else ""
            left = len(open_items(project))
            self.state.setText(f"This is the <b>Production</b> project{where}. {left} of {len(project.checklist)} "
                               "checklist items still to do." if project.checklist else
                               "This is the <b>Production</b> project; it has no checklist.")
        else:
            self.state.setText("This is the <b>UIT</b> project. Make the Production project once your qualification "
                               "is confirmed.")
        self._filling = True
        self.checklist.clear()
        for item in project.checklist:
            entry = QListWidgetItem(item.text)
            entry.setData(Qt.ItemDataRole.UserRole, item.id)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Checked if item.done else Qt.CheckState.Unchecked)
            self.checklist.addItem(entry)
        self._filling = False
        self.checklist.setVisible(bool(project.checklist))
        # With no checklist the empty space goes below the button instead of between the lines of text.
        self.body.setStretch(self._stretch, 0 if project.checklist else 1)

    def _say(self, text: str) -> None:
        self.result.setText(text)
        self.result.show()

    def _on_promote(self) -> None:
        wizard = self.onboarding()
        session = self.session()
        out = wizard._new_project_folder(session.project.organisation, PRODUCTION)
        if not wizard.dialogs.confirm(self, "Make the Production project", f"Make the Production project in {out}? "
                                      "This UIT project stays as it is.", action="Make it"):
            return
        try:
            # Certificates carry over only where the profile says reuse, and then the command line (which can
            # reach every vault) should be used; here they are listed on the checklist instead.
            made = promote(session, out)
        except WizardError as exc:
            self.show_error(str(exc))
            return
        self._production = made.folder
        self.open_button.show()
        self._say(f"Made the Production project in {html.escape(str(made.folder))}, with "
                  f"{len(open_items(made.project))} checklist items. Open it to work through them.")

    def _on_open(self) -> None:
        if self._production is None:
            return
        wizard = self.onboarding()
        try:
            wizard.open_project(self._production)
        except WizardError as exc:
            self.show_error(str(exc))
            return
        wizard.revisit(PageId.PROMOTION)

    def _on_ticked(self, entry: QListWidgetItem) -> None:
        if self._filling:
            return
        session = self.session()
        done = entry.checkState() == Qt.CheckState.Checked
        try:
            self.onboarding().commit(tick_by_user(session.project, str(entry.data(Qt.ItemDataRole.UserRole)),
                                                  session.clock(), done))
        except WizardError as exc:
            self.show_error(str(exc))
            self._refresh()
            return
        self._refresh()
