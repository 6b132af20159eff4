"""People and roles: who will hold each DIP role, in the order their accounts will be created."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wizard.core.errors import WizardError
from wizard.core.model import PORTAL_STATUS_WORDS, Person, Project, with_person, with_person_moved, without_person
from wizard.core.people import role_labels
from wizard.ui.pages.base import BasePage
from wizard.ui.widgets import FindingsPanel, row_table

INTRO = ("Add each person once and tick every role they will hold; one person may hold several roles. Keep the "
         "list in the order their DIP accounts will be created. The checks on the right update as you go.")


class PeoplePage(BasePage):
    def __init__(self) -> None:
        super().__init__("People and roles", "Who in your organisation will hold each DIP role.", INTRO)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        self.order_note = QLabel()
        self.order_note.setWordWrap(True)
        left.addWidget(self.order_note)
        self.table = row_table(["Name", "Roles", "E-mail", "Phone", "DIP account"])
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        # Row heights depend on column widths, which are only final once the table is laid out.
        header.sectionResized.connect(lambda *_: self.table.resizeRowsToContents())
        self.table.setAccessibleName("People, in the order their DIP accounts will be created")
        left.addWidget(self.table, 1)
        self.empty_hint = QLabel("Nobody is planned yet. Press <b>Add person…</b> to add the first person, for "
                                 "example your Primary User Admin.")
        self.empty_hint.setWordWrap(True)
        left.addWidget(self.empty_hint)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add person…")
        self.edit_button = QPushButton("&Edit…")
        self.remove_button = QPushButton("&Remove")
        self.up_button = QPushButton("Move &up")
        self.down_button = QPushButton("Move &down")
        self.up_button.setAccessibleDescription("Create this person's DIP account earlier")
        self.down_button.setAccessibleDescription("Create this person's DIP account later")
        for b in (self.add_button, self.edit_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        left.addLayout(buttons)
        undo_row = QHBoxLayout()
        self.undo_label = QLabel()
        self.undo_button = QPushButton("U&ndo")
        self.undo_button.hide()
        undo_row.addWidget(self.undo_label)
        undo_row.addWidget(self.undo_button)
        undo_row.addStretch(1)
        left.addLayout(undo_row)
        columns.addLayout(left, 5)

        self.findings = FindingsPanel("Checks", "Every staffing rule is met.")
        self.findings.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.findings)
        scroll.setMinimumWidth(280)
        columns.addWidget(scroll, 2)
        self.body.addLayout(columns, 1)
        self.finish_layout()
        self._removed: tuple[int, Person] | None = None

        self.add_button.clicked.connect(self._on_add)
        self.edit_button.clicked.connect(self._on_edit)
        self.remove_button.clicked.connect(self._on_remove)
        self.up_button.clicked.connect(lambda: self._on_move(-1))
        self.down_button.clicked.connect(lambda: self._on_move(1))
        self.undo_button.clicked.connect(self._on_undo)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemActivated.connect(lambda _item: self._on_edit())
        QShortcut(QKeySequence.StandardKey.Delete, self.table, self._on_remove)

    def first_field(self) -> QWidget:
        return self.table

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Columns get their final widths only after the first layout pass; wrap the rows again then.
        QTimer.singleShot(0, self.table, self.table.resizeRowsToContents)

    def initializePage(self) -> None:
        self._removed = None
        self.undo_button.hide()
        self.undo_label.clear()
        self.clear_error()
        self._refresh()

    def _refresh(self, select: str | None = None) -> None:
        session = self.onboarding().session
        assert session is not None
        profile = session.profile
        people = session.project.people
        self.table.setRowCount(len(people))
        for row, p in enumerate(people):
            cells = [p.name, ", ".join(role_labels(profile, p)), p.email, p.phone or "—",
                     PORTAL_STATUS_WORDS.get(p.portal_status, p.portal_status)]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, p.id)
                self.table.setItem(row, col, item)
            if p.id == select:
                self.table.selectRow(row)
        self.table.resizeRowsToContents()
        self.findings.set_findings(session.staffing())
        self.empty_hint.setVisible(not people)
        first = [r.name for r in profile.roles if r.create_first]
        self.order_note.setText(f"The DIP asks for {' and '.join('a ' + n for n in first)} to be created before "
                                "any other users, so put them near the top." if first else "")
        self._update_buttons()

    def _selected(self) -> Person | None:
        session = self.onboarding().session
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if session is None or not rows:
            return None
        cell = self.table.item(rows[0].row(), 0)
        return session.project.person(str(cell.data(Qt.ItemDataRole.UserRole))) if cell else None

    def _update_buttons(self) -> None:
        selected = self._selected()
        row = self.table.currentRow()
        for b in (self.edit_button, self.remove_button):
            b.setEnabled(selected is not None)
        self.up_button.setEnabled(selected is not None and row > 0)
        self.down_button.setEnabled(selected is not None and row < self.table.rowCount() - 1)

    def _commit(self, project: Project, select: str | None) -> bool:
        try:
            self.onboarding().commit(project)
        except WizardError as exc:
            self.show_error(str(exc))
            return False
        self.clear_error()
        self._refresh(select)
        return True

    def _on_add(self) -> None:
        session = self.onboarding().session
        assert session is not None
        person = self.onboarding().dialogs.edit_person(self, session.profile, session.project, None)
        if person is not None:
            self._commit(with_person(session.project, person), person.id)

    def _on_edit(self) -> None:
        session = self.onboarding().session
        person = self._selected()
        if session is None or person is None:
            return
        edited = self.onboarding().dialogs.edit_person(self, session.profile, session.project, person)
        if edited is not None:
            self._commit(with_person(session.project, edited), edited.id)

    def _on_remove(self) -> None:
        session = self.onboarding().session
        person = self._selected()
        if session is None or person is None:
            return
        if not self.onboarding().dialogs.confirm(self, "Remove person",
                                                  f"Remove {person.name} from the plan? You can undo this.",
                                                  action="Remove"):
            return
        index = [p.id for p in session.project.people].index(person.id)
        if self._commit(without_person(session.project, person.id), None):
            self._removed = (index, person)
            self.undo_label.setText(f"Removed {person.name}.")
            self.undo_button.show()

    def _on_undo(self) -> None:
        session = self.onboarding().session
        if session is None or self._removed is None:
            return
        index, person = self._removed
        restored = with_person(session.project, person)
        restored = with_person_moved(restored, person.id, index - (len(restored.people) - 1))
        if self._commit(restored, person.id):
            self._removed = None
            self.undo_label.clear()
            self.undo_button.hide()

    def _on_move(self, delta: int) -> None:
        session = self.onboarding().session
        person = self._selected()
        if session is None or person is None:
            return
        self._commit(with_person_moved(session.project, person.id, delta), person.id)
