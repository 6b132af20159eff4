"""What the Welcome page says of a recent project: its organisation and environment, its next step and its nearest
expiry (a current certificate's, or the verified domain's). Read cheaply from the project file alone — no
migration written, no keychain or vault touched, no certificate parsed — and Qt-free, so it is tested headless.
A project that cannot be read is described as such, and stays in the list to be forgotten or fixed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from wizard.core.errors import WizardError
from wizard.core.profile import Profile


@dataclass(frozen=True, slots=True)
class RecentProject:
    folder: Path
    shown: str          # the folder as the user knows it (~/… where it can be)
    usable: bool        # it can be opened
    title: str          # "Northwind Networks Ltd — UIT (User Integration Testing)", or why it cannot be read
    next_step: str      # "Next: Step 2: …", "Every step is done", or ""
    expiry: str         # "Nearest expiry: … on 17 Dec 2026 (in 20 days)", or ""

    def lines(self) -> tuple[str, str]:
        """The list row: the title and folder, then the next step and nearest expiry."""
        second = " · ".join(t for t in (self.next_step, self.expiry) if t)
        return f"{self.title}  ({self.shown})", second


def _shown(folder: Path) -> str:
    try:
        return "~/" + str(folder.relative_to(Path.home()))
    except ValueError:
        return str(folder)


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _in(days: int) -> str:
    if days < 0:
        return "expired"
    if days == 0:
        return "today"
    return "in 1 day" if days == 1 else f"in {days} days"


def describe_recent(folder: Path, profile: Profile, today: dt.date) -> RecentProject:
    from wizard.core.domain_expiry import domain_expiry
    from wizard.core.journey import plan_journey
    from wizard.core.store import load_project

    shown = _shown(folder)
    try:
        project = load_project(folder, persist=False)
        env = profile.environment(project.environment).name
    except (WizardError, OSError):
        return RecentProject(folder, shown, False, f"{folder.name} — cannot be opened (moved or damaged)", "", "")
    title = f"{project.organisation.name} — {env}"
    try:
        plan = plan_journey(profile, project)
        upcoming = next((p for p in plan if p.is_next), None)
        next_step = f"Next: {upcoming.step.heading}" if upcoming is not None else "Every step is done"
    except WizardError:
        next_step = ""
    ends: list[tuple[dt.date, str]] = []
    for kind in profile.certificate_kinds:
        current = project.current_certificate(kind.id)
        if current is not None:
            ends.append((current[1].not_after.date(), kind.name))
    try:
        domain = domain_expiry(profile, project, today)
    except WizardError:
        domain = None
    if domain is not None:
        ends.append((domain.expires_on, f"the verification of {domain.domain}"))
    expiry = ""
    if ends:
        day, what = min(ends)
        expiry = f"Nearest expiry: {what} on {_day(day)} ({_in((day - today).days)})"
    return RecentProject(folder, shown, True, title, next_step, expiry)
