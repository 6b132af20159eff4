"""The journey plan: the profile's fixed-order steps for the project's environment, with owners and status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Container
from dataclasses import dataclass

from wizard.core.findings import Finding
from wizard.core.model import Person, Project, StepProgress
from wizard.core.profile import Profile, Step, Timeline
from wizard.core.roles import holders_counting
from wizard.core.workdays import add_working_days, bank_holidays, calendars_loaded


@dataclass(frozen=True, slots=True)
class PlannedStep:
    step: Step
    progress: StepProgress
    owners: tuple[Person, ...]
    helpers: tuple[Person, ...]
    waiting_for: tuple[str, ...]
    is_next: bool

    @property
    def done(self) -> bool:
        return self.progress.status == "done"


def _people_for(profile: Profile, project: Project, role_ids: tuple[str, ...]) -> tuple[Person, ...]:
    found: dict[str, Person] = {}
    for role_id in role_ids:
        for p in holders_counting(profile, project, profile.role(role_id)):
            found.setdefault(p.id, p)
    return tuple(found.values())


def plan_journey(profile: Profile, project: Project) -> tuple[PlannedStep, ...]:
    """Steps of the project's environment in order; the first step not done is marked as next."""
    steps = profile.steps_for(project.environment)
    in_plan = {s.id for s in steps}
    done = {s.id for s in steps if project.step_progress(s.id).status == "done"}
    next_id = next((s.id for s in steps if s.id not in done), None)
    plan = []
    for s in steps:
        waiting = tuple(r for r in s.requires_steps if r in in_plan and r not in done)
        owners = _people_for(profile, project, s.owner_roles)
        plan.append(PlannedStep(
            step=s,
            progress=project.step_progress(s.id),
            owners=owners,
            # Someone who owns the step is not also listed as helping with it.
            helpers=tuple(p for p in _people_for(profile, project, s.helper_roles) if p not in owners),
            waiting_for=waiting,
            is_next=s.id == next_id,
        ))
    return tuple(plan)


def journey_findings(profile: Profile, plan: tuple[PlannedStep, ...]) -> tuple[Finding, ...]:
    """Warnings about the plan: steps nobody can do, and steps marked done out of order."""
    found: list[Finding] = []
    for item in plan:
        s = item.step
        if not item.owners and not item.done:
            roles = " or ".join(profile.role(r).name for r in s.owner_roles)
            found.append(Finding("warning", "step-without-owner",
                                 f"{s.heading} needs a {roles}, and nobody holds that role yet.",
                                 s.provenance.source, s.provenance.confirmed))
        if item.progress.status != "not-started" and item.waiting_for:
            first = profile.step(item.waiting_for[0])
            found.append(Finding("warning", "step-out-of-order",
                                 f"{s.label} is under way before {first.heading} is done; the DIP "
                                 "steps must be followed in order.", s.provenance.source, s.provenance.confirmed))
    return tuple(found)


@dataclass(frozen=True, slots=True)
class DateWindow:
    """The first and the last day something is expected to be done on."""

    earliest: dt.date
    latest: dt.date


@dataclass(frozen=True, slots=True)
class JourneyTimeline:
    """The profile's expected working days, laid on the calendar from when the project started (or today).

    `finish` is when the whole onboarding should be done (None once every step is); `wait` is when the profile's
    longest wait (its `wait_step`) should be over, while that step is under way. Working days skip weekends and the
    profile's bank holidays.
    """

    timeline: Timeline
    wait_step: Step
    start: dt.date
    started: bool
    today: dt.date
    finish: DateWindow | None
    finished_on: dt.date | None
    wait: DateWindow | None

    @property
    def late(self) -> bool:
        """True when the whole onboarding is not done and the latest expected day has passed."""
        return self.finish is not None and self.today > self.finish.latest


def _window(start: dt.date, fewest: int, most: int, days_off: Container[dt.date]) -> DateWindow:
    return DateWindow(add_working_days(start, fewest, days_off), add_working_days(start, most, days_off))


def _first_day(plan: tuple[PlannedStep, ...]) -> dt.date | None:
    days = [d for item in plan for d in (item.progress.started_on, item.progress.done_on) if d is not None]
    return min(days, default=None)


def plan_timeline(profile: Profile, plan: tuple[PlannedStep, ...], today: dt.date,
                  days_off: Container[dt.date]) -> JourneyTimeline | None:
    """Lay the profile's timeline on the calendar: pure, with the days off given (see `journey_timeline`).

    The onboarding starts on the first day any step was started or done, or today if none was; None when the
    profile has no timeline.
    """
    timeline = profile.timeline
    if timeline is None:
        return None
    first = _first_day(plan)
    start = first or today
    every_step_done = bool(plan) and all(item.done for item in plan)
    finished_on = max((item.progress.done_on for item in plan if item.progress.done_on), default=None)
    wait_item = next((item for item in plan if item.step.id == timeline.wait_step), None)
    wait = None
    if wait_item is not None and not wait_item.done and wait_item.progress.started_on is not None:
        wait = _window(wait_item.progress.started_on, timeline.wait_working_days.fewest,
                       timeline.wait_working_days.most, days_off)
    return JourneyTimeline(
        timeline=timeline,
        wait_step=profile.step(timeline.wait_step),
        start=start,
        started=first is not None,
        today=today,
        finish=None if every_step_done else _window(start, timeline.working_days.fewest,
                                                    timeline.working_days.most, days_off),
        finished_on=finished_on if every_step_done else None,
        wait=wait,
    )


def journey_timeline(profile: Profile, plan: tuple[PlannedStep, ...], today: dt.date) -> JourneyTimeline | None:
    """`plan_timeline` with the profile's bank holidays, read from the offline `holidays` package.

    Raises WizardError when the package does not know the profile's holiday calendar.
    """
    timeline = profile.timeline
    if timeline is None:
        return None
    days_off = bank_holidays(timeline.holidays_country, timeline.holidays_subdivision, _years(plan, today))
    return plan_timeline(profile, plan, today, days_off)


def timeline_at_hand(profile: Profile, plan: tuple[PlannedStep, ...], today: dt.date) -> bool:
    """Whether `journey_timeline` answers at once (no bank holiday calendars to import first)."""
    timeline = profile.timeline
    return timeline is None or calendars_loaded(timeline.holidays_country, timeline.holidays_subdivision,
                                                _years(plan, today))


def _years(plan: tuple[PlannedStep, ...], today: dt.date) -> range:
    days = [today, *(d for item in plan for d in (item.progress.started_on, item.progress.done_on) if d)]
    # A window of at most a few weeks never reaches past the year after the last day it starts from.
    return range(min(days).year, max(days).year + 2)


def expected_time(step: Step, timeline: Timeline | None) -> str | None:
    """How long a step takes, in words: the profile's working days for its longest wait (with the step's own
    duration beside them), else the step's duration; None when the profile says nothing."""
    own = step.duration.text if step.duration else None
    if timeline is not None and step.id == timeline.wait_step:
        return timeline.wait_working_days.text + (f" ({own})" if own else "")
    return own


def _day(day: dt.date) -> str:
    return f"{day:%a %d %b %Y}"


def timeline_lines(jt: JourneyTimeline) -> tuple[str, ...]:
    """The timeline in plain sentences, as the journey page and `status` both show it."""
    t = jt.timeline
    unconfirmed = "" if t.provenance.confirmed else " (not confirmed by public guidance)"
    lines = [f"The whole onboarding is expected to take {t.working_days.text}, including "
             f"{t.wait_working_days.text} for {jt.wait_step.heading}{unconfirmed}."]
    if jt.finish is None:
        if jt.finished_on is not None:
            lines.append(f"Every step was done by {_day(jt.finished_on)}.")
    else:
        begun = f"Started {_day(jt.start)}" if jt.started else "If you start today"
        window = (f"{_day(jt.finish.earliest)}" if jt.finish.earliest == jt.finish.latest else
                  f"between {_day(jt.finish.earliest)} and {_day(jt.finish.latest)}")
        late = " The last of those days has passed: check what is holding the steps up." if jt.late else ""
        lines.append(f"{begun}: expect to finish {window}.{late}")
    if jt.wait is not None:
        lines.append(f"{jt.wait_step.label} is under way: expect it to be done between {_day(jt.wait.earliest)} "
                     f"and {_day(jt.wait.latest)}.")
    lines.append(f"Working days: weekends and bank holidays in {t.holidays_name} are not counted.")
    return tuple(lines)
