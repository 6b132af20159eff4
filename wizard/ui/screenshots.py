"""Render every page of the demo journey to PNG files, for the README and for people to look at."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from wizard.app import Services
from wizard.core.flow import PageId
from wizard.core.model import Person, Project
from wizard.core.profile import Profile
from wizard.demo import create_demo_project
from wizard.ui.dialogs import Dialogs
from wizard.ui.person_dialog import PersonDialog
from wizard.ui.wizard import OnboardingWizard


class _NoDialogs(Dialogs):
    """Screenshots run unattended: no dialog may wait for a click."""

    def edit_person(self, parent: QWidget, profile: Profile, project: Project, person: Person | None) -> None:
        return None


def _grab(widget: QWidget, path: Path) -> Path:
    QApplication.processEvents()
    widget.grab().save(str(path))
    return path


def take_screenshots(services: Services, out_dir: Path) -> list[Path]:
    """Welcome, organisation, people (and the person dialog), journey: one PNG each, in journey order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    folder = services.paths.projects_dir / "northwind-networks-uit"
    session = create_demo_project(folder, services.profile, services.clock)
    window = OnboardingWizard(services, _NoDialogs())
    window.resize(1040, 760)
    window.open_project(folder)  # also lists it under recent projects on the welcome page
    window.show()
    written = [_grab(window, out_dir / "01-welcome.png")]
    for page, name in ((PageId.ORGANISATION, "02-organisation"), (PageId.PEOPLE, "03-people"),
                       (PageId.JOURNEY, "05-journey")):
        window.walk_to(page)
        written.append(_grab(window, out_dir / f"{name}.png"))
        if page == PageId.PEOPLE:
            dialog = PersonDialog(window, services.profile, session.project, session.project.people[1])
            dialog.show()
            written.append(_grab(dialog, out_dir / "04-person.png"))
            dialog.close()
    window.close()
    return sorted(written)
