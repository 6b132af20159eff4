"""An unnumbered step (Before you start, promotion) is named once on the journey plan, never "Before you start —
Before you start"; a numbered one as "Step 3: its title"."""

from __future__ import annotations

from collections.abc import Callable

from wizard.app import Services
from wizard.core.flow import PageId
from wizard.core.model import with_step_status
from wizard.demo import create_demo_project
from wizard.ui.pages.journey import JourneyPage
from wizard.ui.wizard import OnboardingWizard


def test_the_next_step_and_its_details_name_it_once(
        make_wizard: Callable[[], OnboardingWizard], services: Services) -> None:
    folder = services.paths.projects_dir / "demo"
    create_demo_project(folder, services.profile, services.clock)
    window = make_wizard()
    window.open_project(folder)
    session = window.session
    assert session is not None
    window.commit(with_step_status(session.project, "prerequisites", "not-started", session.today()))
    window.walk_to(PageId.JOURNEY)
    journey = window.currentPage()
    assert isinstance(journey, JourneyPage)
    assert "<b>Next: Before you start.</b>" in journey.next_label.text()
    row = next(i for i, item in enumerate(journey._plan) if item.step.id == "prerequisites")
    journey.table.setCurrentCell(row, 0)
    assert journey.details.text().startswith("<b>Before you start</b><br>")
    row = next(i for i, item in enumerate(journey._plan) if item.step.id == "step-3")
    journey.table.setCurrentCell(row, 0)
    assert journey.details.text().startswith(f"<b>Step 3: {journey._plan[row].step.title}</b><br>")
