"""Add or edit one person: contact details, the roles they hold, and whether they are a primary holder."""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from wizard.core.errors import InvalidInput
from wizard.core.model import PORTAL_STATUS_WORDS, Person, Project
from wizard.core.people import build_person
from wizard.core.profile import Profile
from wizard.ui.widgets import FieldMessage, add_field_row


class PersonDialog(QDialog):
    """Validates through `build_person`; the checked person is in `self.person` after `accept()`."""

    def __init__(self, parent: QWidget | None, profile: Profile, project: Project,
                 person: Person | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.project = project
        self.original = person
        self.person: Person | None = None
        self.setWindowTitle("Edit person" if person else "Add a person")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.messages: dict[str, FieldMessage] = {}
        self.name = self._line(form, "name", "Full &name:", "e.g. Priya Shah")
        self.email = self._line(form, "email", "Work &e-mail:", "e.g. priya.shah@example.co.uk")
        self.phone = self._line(form, "phone", "Direct &phone:", "e.g. +44 20 7946 0000 (needed for a primary role)")
        self.job_title = self._line(form, "job_title", "&Job title:", "e.g. Head of Settlement")
        self.status = QComboBox()
        for key, text in PORTAL_STATUS_WORDS.items():
            self.status.addItem(text, key)
        status_label = QLabel("DIP &account:")
        status_label.setBuddy(self.status)
        form.addRow(status_label, self.status)
        layout.addLayout(form)

        roles_box = QGroupBox("Roles this person will hold (tick all that apply)")
        roles_layout = QVBoxLayout(roles_box)
        self.role_boxes: dict[str, QCheckBox] = {}
        self.primary_boxes: dict[str, QCheckBox] = {}
        for role in profile.roles:
            kind = "DIP portal role" if role.portal_role else "not a DIP portal role"
            box = QCheckBox(f"{role.name} ({kind})")
            box.setToolTip(role.summary)
            box.setAccessibleDescription(role.summary)
            roles_layout.addWidget(box)
            text = role.summary
            if not role.provenance.confirmed and role.provenance.note:
                text += f" (Not confirmed by public guidance: {role.provenance.note})"
            summary = QLabel(text)
            summary.setWordWrap(True)
            small = summary.font()
            small.setPointSizeF(small.pointSizeF() * 0.92)
            summary.setFont(small)
            summary.setContentsMargins(24, 0, 0, 4)
            roles_layout.addWidget(summary)
            self.role_boxes[role.id] = box
            if role.primary is not None:
                primary = QCheckBox(f"This person is the {role.primary.title}")
                primary.setToolTip(role.primary.summary)
                primary.setAccessibleDescription(role.primary.summary)
                primary.setStyleSheet("margin-left: 24px;")
                roles_layout.addWidget(primary)
                self.primary_boxes[role.id] = primary
                box.toggled.connect(primary.setEnabled)
                primary.setEnabled(False)
        self.messages["roles"] = FieldMessage()
        self.messages["primary"] = FieldMessage()
        roles_layout.addWidget(self.messages["roles"])
        roles_layout.addWidget(self.messages["primary"])
        layout.addWidget(roles_box)
        self.external = QCheckBox("This person is not an emplo&yee of our organisation (e.g. a contractor or "
                                  "a DCP's staff)")
        layout.addWidget(self.external)
        self.form_error = FieldMessage()
        layout.addWidget(self.form_error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if person is not None:
            self._fill(person)
        # Wrapped labels need a width before their height is known; fix the width, then fit the height.
        self.setMinimumWidth(680)
        self._refit()

    def _refit(self) -> None:
        """Wrapped labels need a width before their height is known: keep the width, grow to fit the text."""
        width = max(self.width(), 680)
        needed = self.heightForWidth(width) if self.hasHeightForWidth() else self.sizeHint().height()
        self.resize(width, max(needed, self.sizeHint().height()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._refit()

    def _line(self, form: QFormLayout, field: str, label: str, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        self.messages[field] = add_field_row(form, label, edit)
        return edit

    def _fill(self, person: Person) -> None:
        self.name.setText(person.name)
        self.email.setText(person.email)
        self.phone.setText(person.phone)
        self.job_title.setText(person.job_title)
        self.status.setCurrentIndex(max(0, self.status.findData(person.portal_status)))
        for role_id, box in self.role_boxes.items():
            box.setChecked(role_id in person.roles)
        for role_id, box in self.primary_boxes.items():
            box.setChecked(role_id in person.primary_roles)
        self.external.setChecked(person.external)

    def accept(self) -> None:
        for message in (*self.messages.values(), self.form_error):
            message.show_message("")
        roles = [r for r, box in self.role_boxes.items() if box.isChecked()]
        primaries = [r for r, box in self.primary_boxes.items() if box.isChecked() and r in roles]
        try:
            self.person = build_person(
                self.profile, self.project, name=self.name.text(), email=self.email.text(),
                phone=self.phone.text(), job_title=self.job_title.text(), roles=roles, primary_roles=primaries,
                external=self.external.isChecked(), portal_status=str(self.status.currentData()),
                person_id=self.original.id if self.original else None)
        except InvalidInput as exc:
            target = self.messages.get(exc.field, self.form_error)
            target.show_message(str(exc))
            self._refit()
            edit = {"name": self.name, "email": self.email, "phone": self.phone,
                    "job_title": self.job_title}.get(exc.field)
            if edit is not None:
                edit.setFocus()
                edit.setAccessibleDescription(str(exc))
            return
        super().accept()
