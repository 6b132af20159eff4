"""People and roles page: add, edit, reorder, remove with confirmation and undo; dialog errors inline."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from wizard.app import Services
from wizard.core.flow import PageId
from wizard.demo import create_demo_project
from wizard.ui.pages.people import PeoplePage
from wizard.ui.person_dialog import PersonDialog
from wizard.ui.wizard import OnboardingWizard

from .conftest import FakeDialogs
from .test_walkthrough import fill_person


@pytest.fixture
def people_page(qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard],
                services: Services) -> Iterator[PeoplePage]:
    folder = services.paths.projects_dir / "demo"
    create_demo_project(folder, services.profile, services.clock)
    window = make_wizard()
    window.open_project(folder)
    window.walk_to(PageId.PEOPLE)
    window.show()
    page = window.currentPage()
    assert isinstance(page, PeoplePage)
    yield page  # the generator keeps `window` alive for the whole test
    window.close()


def names(page: PeoplePage) -> list[str]:
    return [page.table.item(r, 0).text() for r in range(page.table.rowCount())]


def saved_names(page: PeoplePage) -> list[str]:
    from wizard.core.store import load_project

    session = page.onboarding().session
    assert session is not None
    return [p.name for p in load_project(session.folder).people]


def test_remove_asks_first_and_can_be_undone(people_page: PeoplePage, dialogs: FakeDialogs, qtbot: QtBot) -> None:
    before = names(people_page)
    people_page.table.selectRow(2)
    dialogs.confirm_answers.append(False)
    qtbot.mouseClick(people_page.remove_button, Qt.MouseButton.LeftButton)
    assert names(people_page) == before, "cancelling the confirmation removes nobody"
    assert "Grace Lin" in dialogs.confirmed[0]

    dialogs.confirm_answers.append(True)
    qtbot.mouseClick(people_page.remove_button, Qt.MouseButton.LeftButton)
    assert "Grace Lin" not in names(people_page)
    assert saved_names(people_page) == [n for n in before if n != "Grace Lin"]
    assert not people_page.undo_button.isHidden()

    qtbot.mouseClick(people_page.undo_button, Qt.MouseButton.LeftButton)
    assert names(people_page) == before, "undo puts the person back in the same place"
    assert saved_names(people_page) == before
    assert people_page.undo_button.isHidden()


def test_delete_key_removes_the_selected_person(people_page: PeoplePage, dialogs: FakeDialogs,
                                               qtbot: QtBot) -> None:
    people_page.table.setFocus()
    people_page.table.selectRow(4)
    dialogs.confirm_answers.append(True)
    qtbot.keyClick(people_page.table, Qt.Key.Key_Delete)
    assert "Ewan Fraser" not in names(people_page)


def test_moving_people_changes_the_creation_order_and_the_findings(people_page: PeoplePage, qtbot: QtBot) -> None:
    assert "Plan a" not in people_page.findings.text()
    people_page.table.selectRow(3)  # Sam Patel, a User Admin
    for _ in range(2):
        qtbot.mouseClick(people_page.up_button, Qt.MouseButton.LeftButton)
    assert names(people_page)[1] == "Sam Patel"
    assert saved_names(people_page)[1] == "Sam Patel"
    text = people_page.findings.text()
    assert "Plan a Certificate Admin before Sam Patel" in text
    assert "Move Tom Okafor up the list" in text
    assert "Plan a Message Admin before Sam Patel" in text
    assert "Move Grace Lin up the list" in text
    qtbot.mouseClick(people_page.up_button, Qt.MouseButton.LeftButton)
    assert names(people_page)[0] == "Sam Patel"
    assert not people_page.up_button.isEnabled(), "the first person cannot move up"


def test_editing_keeps_the_person_and_their_place(people_page: PeoplePage, dialogs: FakeDialogs,
                                                 qtbot: QtBot) -> None:
    people_page.table.selectRow(2)

    def add_role(dialog: PersonDialog) -> None:
        assert dialog.name.text() == "Grace Lin", "the dialog opens with the person's details"
        dialog.role_boxes["certificate-admin"].setChecked(True)

    dialogs.person_fillers.append(add_role)
    qtbot.mouseClick(people_page.edit_button, Qt.MouseButton.LeftButton)
    assert names(people_page)[2] == "Grace Lin"
    assert "Certificate Admin" in people_page.table.item(2, 1).text()
    assert "Only 1 of 2 Certificate Admins" not in people_page.findings.text()


def test_person_dialog_shows_problems_beside_the_fields(people_page: PeoplePage, dialogs: FakeDialogs,
                                                       qtbot: QtBot) -> None:
    before = names(people_page)
    dialogs.person_fillers.append(fill_person("Zed", "not-an-email", "user-admin"))
    qtbot.mouseClick(people_page.add_button, Qt.MouseButton.LeftButton)
    dialog = dialogs.person_dialogs[-1]
    assert dialog.person is None
    assert dialog.result() != PersonDialog.DialogCode.Accepted
    assert "not a valid e-mail address" in dialog.messages["email"].text()
    assert names(people_page) == before

    dialogs.person_fillers.append(fill_person("Zed", "zed@northwind-networks.example", "certificate-admin",
                                              primary=("certificate-admin",)))
    qtbot.mouseClick(people_page.add_button, Qt.MouseButton.LeftButton)
    dialog = dialogs.person_dialogs[-1]
    assert "needs a direct phone number" in dialog.messages["phone"].text()

    dialogs.person_fillers.append(fill_person("Zed", "zed@northwind-networks.example"))
    qtbot.mouseClick(people_page.add_button, Qt.MouseButton.LeftButton)
    assert "Choose at least one role" in dialogs.person_dialogs[-1].messages["roles"].text()

    dialogs.person_fillers.append(fill_person("Copy", "grace.lin@northwind-networks.example", "user-admin"))
    qtbot.mouseClick(people_page.add_button, Qt.MouseButton.LeftButton)
    assert "already uses" in dialogs.person_dialogs[-1].messages["email"].text()
    assert names(people_page) == before


def test_primary_box_follows_its_role(people_page: PeoplePage, services: Services) -> None:
    session = people_page.onboarding().session
    assert session is not None
    dialog = PersonDialog(people_page, services.profile, session.project)
    primary = dialog.primary_boxes["certificate-admin"]
    assert not primary.isEnabled()
    dialog.role_boxes["certificate-admin"].setChecked(True)
    assert primary.isEnabled()
