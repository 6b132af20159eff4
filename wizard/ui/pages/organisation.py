"""Organisation: the company being onboarded, its domain, environment and MPIDs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wizard.core.errors import InvalidInput, WizardError
from wizard.core.organisation import build_mpids, build_organisation
from wizard.core.validation import clean_text, normalise_company_number, normalise_domain
from wizard.ui.help_links import help_link
from wizard.ui.pages.base import BasePage
from wizard.ui.widgets import FieldMessage, GentleValidator, add_field_row

INTRO = ("Tell us about the company joining the DIP. These details must match what you give the DIP portal "
         "when you first sign in. You can change them later.")


class OrganisationPage(BasePage):
    def __init__(self) -> None:
        super().__init__("Your organisation", "The company, the domain it manages, and the DIP environment.",
                         INTRO)
        self._validators: list[GentleValidator] = []
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name = self._field(form, "Registered company na&me:", "As registered at Companies House",
                                lambda t: clean_text("name", t, label="registered company name"))
        self.company_number = self._field(form, "Company n&umber:", "8 characters, e.g. 01234567 or SC123456",
                                          normalise_company_number)
        self.description = self._field(form, "D&escription:", "What your company does, in a sentence",
                                       lambda t: clean_text("description", t, label="company description",
                                                            required=False, limit=1000))
        self.domain = self._field(form, "&Domain:", "A domain your organisation manages, e.g. example.co.uk",
                                  normalise_domain,
                                  help_text="The domain is verified with a DNS record during onboarding and ties your "
                                            "certificates to your organisation. Enter it without https://.")
        self.dcp = QCheckBox("We act as a DIP Connection &Provider (DCP), connecting other companies to the DIP")
        form.addRow("", self.dcp)
        self.body.addLayout(form)

        self.env_box = QWidget()
        self.env_layout = env_layout = QVBoxLayout(self.env_box)
        env_layout.setContentsMargins(0, 0, 0, 0)
        env_label = QLabel("<b>Which DIP environment is this project for?</b>")
        env_layout.addWidget(env_label)
        self.env_group = QButtonGroup(self)
        self.env_buttons: dict[str, QRadioButton] = {}
        self.env_note = QLabel()
        self.env_note.setWordWrap(True)
        self.body.addWidget(self.env_box)

        mpid_label = self.link_label(f"<b>{help_link('glossary.html#mpid', 'MPIDs')}</b> — your Market Participant "
                                     "IDs and their DIP role codes (e.g. LDSO), separated by commas. You need them "
                                     f"to create your {help_link('glossary.html#dip-id', 'DIP IDs')}.")
        self.body.addWidget(mpid_label)
        self.mpids = QTableWidget(0, 2)
        self.mpids.setHorizontalHeaderLabels(["MPID", "DIP role codes"])
        self.mpids.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.mpids.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.mpids.setAccessibleName("MPIDs and their DIP role codes")
        self.mpids.setMinimumHeight(110)
        self.mpids.setMaximumHeight(170)
        self.mpids.verticalHeader().setVisible(False)
        self.mpids.setTabKeyNavigation(False)
        mpid_label.setBuddy(self.mpids)
        self.body.addWidget(self.mpids)
        row = QHBoxLayout()
        self.add_mpid = QPushButton("&Add MPID")
        self.remove_mpid = QPushButton("&Remove MPID")
        row.addWidget(self.add_mpid)
        row.addWidget(self.remove_mpid)
        row.addStretch(1)
        self.body.addLayout(row)
        self.mpid_message = FieldMessage()
        self.body.addWidget(self.mpid_message)
        self.saved_in = QLabel()
        self.saved_in.setWordWrap(True)
        self.body.addWidget(self.saved_in)
        self.body.addStretch(1)
        self.finish_layout()

        self.add_mpid.clicked.connect(self._on_add_mpid)
        self.remove_mpid.clicked.connect(self._on_remove_mpid)
        for edit in (self.name, self.company_number, self.domain):
            edit.textChanged.connect(self.completeChanged)

    def _field(self, form: QFormLayout, label: str, placeholder: str, check: Callable[[str], object],
               help_text: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        message = add_field_row(form, label, edit, hint=help_text)
        self._validators.append(GentleValidator(edit, message, check))
        return edit

    def first_field(self) -> QWidget:
        return self.name

    def initializePage(self) -> None:
        wizard = self.onboarding()
        profile = wizard.services.profile
        if not self.env_buttons:
            layout = self.env_layout
            for env in profile.environments:
                button = QRadioButton(env.name)
                button.setProperty("env_id", env.id)
                button.setAccessibleDescription(env.summary)
                self.env_group.addButton(button)
                self.env_buttons[env.id] = button
                layout.addWidget(button)
                # The summary wraps in a label of its own; a radio button's text never wraps.
                summary = QLabel(env.summary)
                summary.setWordWrap(True)
                summary.setContentsMargins(24, 0, 0, 4)
                layout.addWidget(summary)
            layout.addWidget(self.env_note)
        for validator in self._validators:
            validator.reset()
        self.clear_error()
        self.mpid_message.show_message("")
        session = wizard.session
        self.mpids.setRowCount(0)
        if session is None:
            for edit in (self.name, self.company_number, self.description, self.domain):
                edit.clear()
            self.dcp.setChecked(False)
            self.env_buttons[profile.environments[0].id].setChecked(True)
            for button in self.env_buttons.values():
                button.setEnabled(True)
            self.env_note.setText("")
            self.saved_in.setText("Nothing is saved until you press Next.")
            self._on_add_mpid()
            return
        project = session.project
        org = project.organisation
        self.name.setText(org.name)
        self.company_number.setText(org.company_number)
        self.description.setText(org.description)
        self.domain.setText(org.domain)
        self.dcp.setChecked(org.is_dcp)
        self.env_buttons[project.environment].setChecked(True)
        # A project is for one environment: people and DIP IDs do not carry over, so another environment is
        # another project.
        for button in self.env_buttons.values():
            button.setEnabled(False)
        self.env_note.setText("A project is for one environment. To work on another, start a new project "
                              "from the Welcome page.")
        for m in project.mpids:
            self._append_mpid(m.mpid, ", ".join(m.role_codes))
        if not project.mpids:
            self._on_add_mpid()
        self.saved_in.setText(f"Saved in {session.folder}")

    def isComplete(self) -> bool:
        return all(e.text().strip() for e in (self.name, self.company_number, self.domain))

    def validatePage(self) -> bool:
        self.clear_error()
        if not all(v.run() for v in self._validators):
            self.show_error("Please correct the fields marked above.")
            return False
        try:
            organisation = build_organisation(name=self.name.text(), company_number=self.company_number.text(),
                                              domain=self.domain.text(), description=self.description.text(),
                                              is_dcp=self.dcp.isChecked())
            mpids = build_mpids(self._mpid_rows())
        except InvalidInput as exc:
            if exc.field in ("mpids", "mpid"):
                self.mpid_message.show_message(str(exc))
            else:
                self.show_error(str(exc))
            return False
        self.mpid_message.show_message("")
        wizard = self.onboarding()
        checked = self.env_group.checkedButton()
        # initializePage always checks one; the fallback only guards against a future layout change.
        environment = (str(checked.property("env_id")) if checked is not None
                       else wizard.services.profile.environments[0].id)
        try:
            if wizard.session is None:
                wizard.create_project(organisation, environment, mpids)
            else:
                wizard.commit(replace(wizard.session.project, organisation=organisation, mpids=mpids))
        except WizardError as exc:
            self.show_error(str(exc))
            return False
        return True

    def _mpid_rows(self) -> list[tuple[str, list[str]]]:
        rows = []
        for r in range(self.mpids.rowCount()):
            mpid = self.mpids.item(r, 0)
            codes = self.mpids.item(r, 1)
            rows.append((mpid.text() if mpid else "", (codes.text() if codes else "").split(",")))
        return rows

    def _append_mpid(self, mpid: str, codes: str) -> None:
        row = self.mpids.rowCount()
        self.mpids.insertRow(row)
        self.mpids.setItem(row, 0, QTableWidgetItem(mpid))
        self.mpids.setItem(row, 1, QTableWidgetItem(codes))

    def _on_add_mpid(self) -> None:
        self._append_mpid("", "")
        self.mpids.setCurrentCell(self.mpids.rowCount() - 1, 0)

    def _on_remove_mpid(self) -> None:
        row = self.mpids.currentRow()
        if row >= 0:
            self.mpids.removeRow(row)
