"""Drive the wizard as a user would: a new project through organisation, people and journey; then reopen it."""

from __future__ import annotations

import json
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from wizard.app import Services
from wizard.core.flow import PageId
from wizard.core.store import PROJECT_FILE
from wizard.ui.pages.journey import JourneyPage
from wizard.ui.pages.organisation import OrganisationPage
from wizard.ui.pages.people import PeoplePage
from wizard.ui.pages.welcome import WelcomePage
from wizard.ui.person_dialog import PersonDialog
from wizard.ui.wizard import OnboardingWizard

from .conftest import FakeDialogs


def fill_person(name: str, email: str, *roles: str, primary: tuple[str, ...] = (),
                phone: str = "") -> Callable[[PersonDialog], None]:
    def fill(dialog: PersonDialog) -> None:
        dialog.name.setText(name)
        dialog.email.setText(email)
        dialog.phone.setText(phone)
        for role in roles:
            dialog.role_boxes[role].setChecked(True)
        for role in primary:
            dialog.primary_boxes[role].setChecked(True)
    return fill


def click_next(qtbot: QtBot, window: QWizard) -> None:
    qtbot.mouseClick(window.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def create_through_gui(qtbot: QtBot, window: OnboardingWizard) -> OrganisationPage:
    window.show()
    qtbot.waitExposed(window)
    welcome = window.currentPage()
    assert isinstance(welcome, WelcomePage)
    assert welcome.new_choice.isChecked(), "with no recent projects, 'new' is the default"
    click_next(qtbot, window)
    org = window.currentPage()
    assert isinstance(org, OrganisationPage)
    assert not window.button(QWizard.WizardButton.NextButton).isEnabled(), "mandatory fields are empty"
    qtbot.keyClicks(org.name, "Acme Energy Ltd")
    qtbot.keyClicks(org.company_number, "1234567")
    qtbot.keyClicks(org.domain, "Acme-Energy.example.")
    org.mpids.setItem(0, 0, org.mpids.item(0, 0).__class__("abcd"))
    org.mpids.setItem(0, 1, org.mpids.item(0, 0).__class__("LDSO, umso"))
    assert window.button(QWizard.WizardButton.NextButton).isEnabled()
    return org


def test_new_project_is_saved_and_reopened_where_the_user_left(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], dialogs: FakeDialogs, services: Services) -> None:
    window = make_wizard()
    create_through_gui(qtbot, window)
    click_next(qtbot, window)
    people = window.currentPage()
    assert isinstance(people, PeoplePage)
    assert window.session is not None
    folder = window.session.folder
    saved = json.loads((folder / PROJECT_FILE).read_text())["project"]
    assert saved["organisation"]["domain"] == "acme-energy.example"
    assert saved["organisation"]["company_number"] == "01234567"
    assert saved["mpids"] == [{"mpid": "ABCD", "role_codes": ["LDSO", "UMSO"]}]
    assert folder.parent == services.paths.projects_dir

    assert "Nobody is the Primary User Admin yet" in people.findings.text()
    dialogs.person_fillers += [
        fill_person("Ann Lee", "ann@acme-energy.example", "primary-user-admin"),
        fill_person("Cat Jones", "cat@acme-energy.example", "certificate-admin", "message-admin",
                    primary=("certificate-admin",), phone="+44 20 7946 0000"),
    ]
    qtbot.mouseClick(people.add_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(people.add_button, Qt.MouseButton.LeftButton)
    assert people.table.rowCount() == 2
    assert people.table.item(1, 1).text() == "Primary Certificate Admin, Message Admin"
    assert "Nobody is the Primary User Admin yet" not in people.findings.text(), "findings update live"
    assert "Only 1 of 2 Certificate Admins" in people.findings.text()

    click_next(qtbot, window)
    journey = window.currentPage()
    assert isinstance(journey, JourneyPage)
    assert "Next: Before you start" in journey.next_label.text()
    assert "Ann Lee" in journey.next_label.text()
    journey.table.setCurrentCell(0, 0)
    journey.status.setFocus()
    qtbot.keyClick(journey.status, Qt.Key.Key_End)  # keyboard: choose the last status, "Done"
    assert journey.table.item(0, 4).text() == "Done"
    assert "Next: Step 1" in journey.next_label.text()
    on_disk = json.loads((folder / PROJECT_FILE).read_text())["project"]["progress"]
    assert on_disk == [{"step_id": "prerequisites", "status": "done", "started_on": "2026-11-27",
                        "done_on": "2026-11-27", "note": ""}]
    window.close()

    reopened = make_wizard()
    assert reopened.resume_last() is None
    reopened.show()
    assert reopened.currentId() == PageId.JOURNEY
    assert reopened.session is not None
    assert reopened.session.folder == folder
    reopened.back()
    assert reopened.currentId() == PageId.PEOPLE, "Back works after resuming, as if clicked through"
    people_again = reopened.currentPage()
    assert isinstance(people_again, PeoplePage)
    assert people_again.table.rowCount() == 2
    reopened.back()
    org_again = reopened.currentPage()
    assert isinstance(org_again, OrganisationPage)
    assert org_again.name.text() == "Acme Energy Ltd"
    assert not org_again.env_buttons["uit"].isEnabled(), "an existing project's environment is fixed"


def test_reopens_on_the_page_the_user_was_on(qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard]) -> None:
    window = make_wizard()
    create_through_gui(qtbot, window)
    click_next(qtbot, window)
    assert window.currentId() == PageId.PEOPLE
    window.close()
    again = make_wizard()
    again.resume_last()
    assert again.currentId() == PageId.PEOPLE


def test_welcome_explains_a_last_project_that_cannot_be_reopened(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard]) -> None:
    window = make_wizard()
    create_through_gui(qtbot, window)
    click_next(qtbot, window)
    assert window.session is not None
    project_file = window.session.folder / PROJECT_FILE
    window.close()
    project_file.write_text("{ this is not json")
    again = make_wizard()
    problem = again.resume_last()
    assert problem is not None
    assert "damaged" in problem
    again.show_welcome_problem(problem)
    again.show()
    assert again.currentId() == PageId.WELCOME
    welcome = again.currentPage()
    assert isinstance(welcome, WelcomePage)
    assert "damaged" in welcome.page_error.text()
    assert not welcome.page_error.isHidden()
    assert project_file.read_text() == "{ this is not json", "a damaged file is never overwritten"


def test_invalid_organisation_details_are_explained_beside_the_field(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard]) -> None:
    window = make_wizard()
    window.show()
    click_next(qtbot, window)
    org = window.currentPage()
    assert isinstance(org, OrganisationPage)
    domain_message = org._validators[3].message
    qtbot.keyClicks(org.domain, "https://acme.example/")
    assert domain_message.isHidden(), "no complaint while the user is still typing the first time"
    org.domain.editingFinished.emit()  # the user leaves the field
    assert not domain_message.isHidden()
    assert "without https://" in domain_message.text()
    assert org.domain.accessibleDescription() == domain_message.text()
    org.domain.setText("acme.example")
    assert domain_message.isHidden(), "once shown, the message follows the text live"
    qtbot.keyClicks(org.name, "Acme")
    qtbot.keyClicks(org.company_number, "12")
    org.company_number.setText("not a number!")
    click_next(qtbot, window)
    assert window.currentId() == PageId.ORGANISATION, "Next is refused while a field is wrong"
    assert "Please correct" in org.page_error.text()
    assert window.session is None, "nothing is saved from a page with errors"


def test_a_broken_recent_project_is_not_chosen_and_can_be_forgotten(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard]) -> None:
    window = make_wizard()
    create_through_gui(qtbot, window)
    click_next(qtbot, window)
    assert window.session is not None
    folder = window.session.folder
    window.close()
    (folder / PROJECT_FILE).write_text("not json")
    again = make_wizard()
    again.show()
    welcome = again.currentPage()
    assert isinstance(welcome, WelcomePage)
    assert "cannot be opened" in welcome.recent.item(0).text()
    assert welcome.new_choice.isChecked(), "a project that cannot be opened is never the default choice"
    welcome.recent.setCurrentRow(0)
    qtbot.mouseClick(welcome.forget_button, Qt.MouseButton.LeftButton)
    assert welcome.recent.count() == 0
    assert str(folder) not in again.settings.recent_projects
    assert (folder / PROJECT_FILE).read_text() == "not json", "forgetting never touches the folder"
