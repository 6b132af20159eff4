"""An open project: the folder, its current state, the profile and clock it is checked against.

The CLI and the GUI both change projects only through a session, so every change is validated by the same
core functions and saved the same way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from wizard.core import audit
from wizard.core.audit_events import changes
from wizard.core.errors import ProjectDamaged, ProjectError, WizardError
from wizard.core.findings import Finding, most_serious_first
from wizard.core.journey import PlannedStep, journey_findings, plan_journey
from wizard.core.model import MarketParticipant, Organisation, Project
from wizard.core.organisation import check_organisation
from wizard.core.profile import Profile
from wizard.core.roles import check_staffing
from wizard.core.store import create_project, open_project, project_file, save_project

Clock = Callable[[], dt.datetime]


def unknown_references(profile: Profile, project: Project) -> str | None:
    """The first id in the project that the profile does not define, described for a message; else None."""
    envs = {e.id for e in profile.environments}
    roles = set(profile.role_ids())
    with_primary = {r.id for r in profile.roles if r.primary is not None}
    steps = {s.id for s in profile.steps}
    kinds = {k.id for k in profile.certificate_kinds}
    if project.environment not in envs:
        return f'names the environment "{project.environment}"'
    for p in project.people:
        for r in p.roles:
            if r not in roles:
                return f'gives {p.name} the role "{r}"'
        for r in p.primary_roles:
            if r not in with_primary or r not in p.roles:
                return f'makes {p.name} the primary holder of "{r}"'
    for s in project.progress:
        if s.step_id not in steps:
            return f'records progress for the step "{s.step_id}"'
    for k in project.keys:
        if k.kind not in kinds:
            return f'has a key for the certificate kind "{k.kind}"'
    key_ids = {k.id for k in project.keys}
    for c in project.certificates:
        if c.kind not in kinds or c.key_id not in key_ids:
            return f'has a certificate ("{c.subject}") for a key or kind it does not hold'
    dip_ids = {d.id for d in project.dip_ids}
    for ch in project.channels:
        if ch.dip_id not in dip_ids:
            return f'has the channel {ch.channel} for the DIP ID "{ch.dip_id}", which it does not hold'
    return None


class ProjectSession:
    """Holds one project folder open; `commit` validates nothing itself, callers pass checked values."""

    def __init__(self, folder: Path, project: Project, profile: Profile, clock: Clock, revision: int) -> None:
        self.folder = folder
        self.project = project
        self.profile = profile
        self.clock = clock
        self.revision = revision

    def __repr__(self) -> str:
        return f"ProjectSession(folder={str(self.folder)!r}, environment={self.project.environment!r})"

    @classmethod
    def open(cls, folder: Path, profile: Profile, clock: Clock) -> ProjectSession:
        project, revision = open_project(folder)
        if project.profile_id != profile.id:
            raise ProjectError(f"This project was made with the DIP profile \"{project.profile_id}\", but the wizard "
                               f"has \"{profile.id}\" loaded. Load that profile to open it.")
        problem = unknown_references(profile, project)
        if problem:
            raise ProjectDamaged(f"The project file {project_file(folder)} {problem}, which the loaded DIP profile "
                                 f"({profile.name} {profile.version}) does not know. The file may have been edited "
                                 "by hand or made with another profile. It has not been changed.")
        return cls(folder, project, profile, clock, revision)

    @classmethod
    def create(cls, folder: Path, profile: Profile, clock: Clock, *, organisation: Organisation,
               environment: str, mpids: tuple[MarketParticipant, ...] = ()) -> ProjectSession:
        from wizard.core.lifecycle import folder_home, new_identity

        profile.environment(environment)
        now = clock()
        with contextlib.suppress(OSError):  # create_project explains a folder that cannot be made
            folder.mkdir(parents=True, exist_ok=True)
        home = folder_home(folder) if folder.is_dir() else None
        project = Project(profile_id=profile.id, environment=environment, organisation=organisation,
                          created_at=now, updated_at=now, mpids=mpids, identity=new_identity(), home=home)
        create_project(folder, project)
        audit.record(folder, "project created", {"organisation": organisation.name, "environment": environment,
                                                 "profile": f"{profile.id} {profile.version}"}, now=now)
        return cls(folder, project, profile, clock, revision=1)

    def commit(self, project: Project) -> Project:
        """Save a changed project (atomically) and make it current; the old state stays on any failure."""
        if project == self.project:
            return project
        before = self.project
        self.project = save_project(self.folder, project, self.clock(), expected_revision=self.revision)
        self.revision += 1
        # Every saved change goes into the audit trail, whichever command or page made it.
        try:
            audit.record_many(self.folder, changes(before, self.project), now=self.clock())
        except WizardError as exc:
            raise audit.AuditError(f"Your change was saved, but it could not be added to the audit trail: {exc}") \
                from exc
        return self.project

    def record(self, event: str, details: dict[str, object] | None = None) -> None:
        """Log something done outside the project file (a package exported, a DNS check) to the audit trail."""
        audit.record(self.folder, event, details, now=self.clock())

    def today(self) -> dt.date:
        return self.clock().date()

    def plan(self) -> tuple[PlannedStep, ...]:
        return plan_journey(self.profile, self.project)

    def staffing(self) -> tuple[Finding, ...]:
        return check_staffing(self.profile, self.project)

    def findings(self) -> tuple[Finding, ...]:
        """Everything worth telling the user about the project, most serious first."""
        found = (*check_staffing(self.profile, self.project), *check_organisation(self.profile, self.project),
                 *journey_findings(self.profile, self.plan()))
        return most_serious_first(found)
