"""The journey plan as the home page: each step opens the page that helps with it, in the right place."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QWizard
from pytestqt.qtbot import QtBot

from wizard.app import Services
from wizard.core.flow import PageId, page_for_step
from wizard.demo import create_demo_project
from wizard.ui.pages.journey import JourneyPage
from wizard.ui.wizard import OnboardingWizard


def row_of(page: JourneyPage, step_id: str) -> int:
    return next(i for i, item in enumerate(page._plan) if item.step.id == step_id)


def test_each_step_opens_the_page_that_helps_with_it(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], services: Services) -> None:
    folder = services.paths.projects_dir / "demo"
    create_demo_project(folder, services.profile, services.clock)
    window = make_wizard()
    window.open_project(folder)
    window.walk_to(PageId.JOURNEY)
    window.show()
    journey = window.currentPage()
    assert isinstance(journey, JourneyPage)

    journey.table.setCurrentCell(row_of(journey, "step-6"), 0)
    assert journey.open_button.isEnabled()
    qtbot.mouseClick(journey.open_button, Qt.MouseButton.LeftButton)
    assert window.currentId() == PageId.KEYS, "the certificate step opens Keys and CSRs"
    window.back()
    assert window.currentId() == PageId.JOURNEY, "Back returns to the plan"

    journey.table.setCurrentCell(row_of(journey, "step-2"), 0)
    journey.open_button.setFocus()
    qtbot.keyClick(journey.open_button, Qt.Key.Key_Space)
    assert window.currentId() == PageId.PEOPLE, "an earlier page opens too, from the keyboard"
    qtbot.mouseClick(window.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert window.currentId() == PageId.JOURNEY

    for step_id, page_id in (("step-5", PageId.DOMAIN), ("step-8", PageId.DIP_IDS), ("step-4", PageId.KEYS)):
        journey.table.setCurrentCell(row_of(journey, step_id), 0)
        qtbot.mouseClick(journey.open_button, Qt.MouseButton.LeftButton)
        assert window.currentId() == page_id, step_id
        window.revisit(PageId.JOURNEY)
        journey = window.currentPage()
        assert isinstance(journey, JourneyPage)


def test_steps_open_the_page_the_profile_names(services: Services) -> None:
    profile = services.profile
    assert page_for_step(profile, "step-8") == PageId.DIP_IDS, "the channels are step 8's main work"
    assert page_for_step(profile, "step-1") == PageId.ORGANISATION
    assert page_for_step(profile, "step-6") == PageId.KEYS, "a certificate step without a page of its own"


def test_the_plan_says_how_long_onboarding_takes_in_working_days(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], services: Services) -> None:
    """Issue 16, item 3: 5–7 working days for the whole onboarding, 3–4 for GlobalSign's verification, laid on the
    calendar from the demo's first step (done Wednesday 18 November 2026; the clock says Friday 27 November)."""
    folder = services.paths.projects_dir / "demo"
    create_demo_project(folder, services.profile, services.clock)
    window = make_wizard()
    window.open_project(folder)
    window.walk_to(PageId.JOURNEY)
    window.show()
    journey = window.currentPage()
    assert isinstance(journey, JourneyPage)
    qtbot.waitUntil(lambda: "Started" in journey.timeline_label.text())  # the first plan loads the calendars
    text = journey.timeline_label.text()
    assert "expected to take 5–7 working days, including 3–4 working days for Step 3" in text
    assert "Started Wed 18 Nov 2026: expect to finish between Wed 25 Nov 2026 and Fri 27 Nov 2026." in text
    assert "bank holidays in England and Wales are not counted" in text
    row = row_of(journey, "step-3")
    assert journey.table.item(row, 3).text() == "3–4 working days (up to 72 hours)"

    journey.table.setCurrentCell(row, 0)
    journey.status.setCurrentIndex(journey.status.findData("in-progress"))
    journey.status.activated.emit(journey.status.currentIndex())
    # Friday 27 November + 3 and + 4 working days.
    assert journey.table.item(row, 5).text() == "Started 27 Nov 2026\nexpected 02 Dec–03 Dec 2026"
    assert "Step 3 is under way: expect it to be done between Wed 02 Dec 2026 and Thu 03 Dec 2026." in (
        journey.timeline_label.text())
    assert "Expected time: 3–4 working days (up to 72 hours)." in journey.details.text()


def test_the_plan_says_where_to_get_help(
        make_wizard: Callable[[], OnboardingWizard], services: Services) -> None:
    """Issue 16, item 4: the Elexon Support Portal and the MHHS Qualification e-mail address, with working links."""
    folder = services.paths.projects_dir / "demo"
    create_demo_project(folder, services.profile, services.clock)
    window = make_wizard()
    window.open_project(folder)
    window.walk_to(PageId.JOURNEY)
    journey = window.currentPage()
    assert isinstance(journey, JourneyPage)
    label = journey.help_label
    assert label.openExternalLinks()
    text = label.text()
    assert text.startswith("<b>Where to get help:</b> ")
    assert ("<a href='https://mhhs-prod-webapp.azurewebsites.net/dip/dip-guidance-documents'>Elexon Support "
            "Portal</a>, for any question or problem with DIP onboarding, at any step") in text
    assert "(the link is the MHHS DIP guidance page, which names the portal;" in text
    assert ("MHHS Qualification team, for questions about LDSO qualification: <a "
            "href='mailto:MHHSQualification@elexon.co.uk'>MHHSQualification@elexon.co.uk</a>") in text


def test_the_first_plan_draws_the_page_before_loading_the_bank_holidays(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], services: Services,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Dates the UK table does not hold import the holidays package's calendars (~150 ms): the page is drawn first
    (saying the dates are being worked out), then they are loaded and the dates drawn."""
    import wizard.ui.pages.journey as page_module

    loaded = {"yet": False}
    threads: list[bool] = []
    real = page_module.journey_timeline

    def timeline(*args: Any) -> Any:
        threads.append(threading.current_thread() is threading.main_thread())
        result = real(*args)
        loaded["yet"] = True
        return result

    monkeypatch.setattr(page_module, "timeline_at_hand", lambda *_: loaded["yet"])
    monkeypatch.setattr(page_module, "journey_timeline", timeline)
    folder = services.paths.projects_dir / "demo"
    create_demo_project(folder, services.profile, services.clock)
    window = make_wizard()
    window.open_project(folder)
    window.walk_to(PageId.JOURNEY)
    journey = window.currentPage()
    assert isinstance(journey, JourneyPage)
    assert journey.timeline_label.text() == "Working out the planned dates…"
    assert threads == [], "the calendars were loaded before the page was drawn"
    qtbot.wait(50)
    assert threads == [], "the calendars were loaded for a page not shown (as when a resume walks past it)"
    window.show()
    qtbot.waitUntil(lambda: "Started Wed 18 Nov 2026" in journey.timeline_label.text())
    assert threads[0] is True  # on the GUI thread, after the paint: see JourneyPage._show_timeline


def test_the_details_show_the_official_guidance_link_whole_at_the_default_size(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], services: Services) -> None:
    """Issue 17, item 4: the table's empty rows no longer push the "Official guidance" link out of sight."""
    folder = services.paths.projects_dir / "demo"
    create_demo_project(folder, services.profile, services.clock)
    window = make_wizard()
    window.show()
    window.open_project(folder)
    window.walk_to(PageId.JOURNEY)
    journey = window.currentPage()
    assert isinstance(journey, JourneyPage)
    qtbot.waitUntil(lambda: "Working out" not in journey.timeline_label.text())
    page_rect = journey.rect()
    for row in range(journey.table.rowCount()):
        journey.table.setCurrentCell(row, 0)
        QApplication.processEvents()
        link = journey.guidance
        if not link.isVisible():
            continue
        assert "Official guidance: <a href=" in link.text()
        assert ">https://" not in link.text(), "the link shows a title, not the address"
        assert link.height() >= link.heightForWidth(link.width()), f"row {row}: the link is cut off"
        shown = link.geometry().translated(link.parentWidget().mapTo(journey, QPoint(0, 0)))
        assert page_rect.contains(shown), f"row {row}: the link is outside the page"
        assert "Official guidance" not in journey.details.text(), "not again in the scrolling details"
    area = journey.details.parentWidget().parentWidget()
    assert isinstance(area, QScrollArea)
    table = journey.table
    rows = sum(table.rowHeight(row) for row in range(table.rowCount()))
    assert table.height() <= table.horizontalHeader().height() + rows + 2 * table.frameWidth(), \
        "no empty space under the plan: it goes to the details"
