"""The journey plan: the profile's fixed-order steps for the project's environment, with owners and status."""

from __future__ import annotations

from dataclasses import dataclass

from wizard.core.findings import Finding
from wizard.core.model import Person, Project, StepProgress
from wizard.core.profile import Profile, Step
from wizard.core.roles import holders_counting


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
