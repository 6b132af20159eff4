"""ProjectSession: one open project, saved through the store, checked against one profile."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from wizard.core.errors import ProjectChanged, ProjectDamaged, ProjectError, UnknownId
from wizard.core.model import MarketParticipant, Organisation, Person, with_person
from wizard.core.profile import Profile
from wizard.core.session import ProjectSession
from wizard.core.store import load_project, project_file


class FakeClock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=1)
        return self.now


ORG = Organisation("Acme Energy Ltd", "01234567", "acme.example")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def session(tmp_path: Path, profile: Profile, clock: FakeClock) -> ProjectSession:
    return ProjectSession.create(tmp_path / "acme", profile, clock, organisation=ORG, environment="uit")


def test_create_then_open(session: ProjectSession, profile: Profile, clock: FakeClock) -> None:
    reopened = ProjectSession.open(session.folder, profile, clock)
    assert reopened.project == session.project
    assert reopened.project.created_at == reopened.project.updated_at
    assert repr(reopened) == f"ProjectSession(folder={str(session.folder)!r}, environment='uit')"


def test_create_refuses_unknown_environment(tmp_path: Path, profile: Profile, clock: FakeClock) -> None:
    with pytest.raises(UnknownId):
        ProjectSession.create(tmp_path / "x", profile, clock, organisation=ORG, environment="staging")
    assert not (tmp_path / "x").exists()


def test_commit_saves_and_stamps_time(session: ProjectSession, full_team: tuple[Person, ...]) -> None:
    before = session.project.updated_at
    saved = session.commit(with_person(session.project, full_team[0]))
    assert saved.updated_at > before
    assert load_project(session.folder) == saved == session.project


def test_commit_of_an_unchanged_project_writes_nothing(session: ProjectSession) -> None:
    raw = project_file(session.folder).read_bytes()
    assert session.commit(session.project) is session.project
    assert project_file(session.folder).read_bytes() == raw


def test_open_refuses_a_project_made_with_another_profile(session: ProjectSession, profile: Profile,
                                                          clock: FakeClock) -> None:
    other = dataclasses.replace(profile, id="dip-other")
    with pytest.raises(ProjectError, match='made with the DIP profile "dip-mhhs", but the wizard has "dip-other"'):
        ProjectSession.open(session.folder, other, clock)


def test_open_refuses_an_environment_the_profile_does_not_know(session: ProjectSession, profile: Profile,
                                                               clock: FakeClock) -> None:
    path = project_file(session.folder)
    doc = json.loads(path.read_text())
    doc["project"]["environment"] = "staging"
    path.write_text(json.dumps(doc))
    raw = path.read_bytes()
    with pytest.raises(ProjectDamaged, match='names the environment "staging", which the loaded DIP profile'):
        ProjectSession.open(session.folder, profile, clock)
    assert path.read_bytes() == raw


@pytest.mark.parametrize(("change", "expected"), [
    (lambda d: d["project"]["people"].append({"id": "p-x", "name": "Wiz", "email": "w@acme.example",
                                             "roles": ["wizard"]}), 'gives Wiz the role "wizard"'),
    (lambda d: d["project"]["people"].append({"id": "p-y", "name": "Pri", "email": "p@acme.example",
                                             "roles": ["user-admin"], "primary_roles": ["certificate-admin"]}),
     'makes Pri the primary holder of "certificate-admin"'),
    (lambda d: d["project"]["progress"].append({"step_id": "step-99", "status": "done"}),
     'records progress for the step "step-99"'),
])
def test_open_refuses_ids_the_profile_does_not_know(session: ProjectSession, profile: Profile, clock: FakeClock,
                                                    change: Callable[[dict[str, Any]], None], expected: str) -> None:
    """A hand-edited file, or one made with another profile, is explained, not opened half-working."""
    path = project_file(session.folder)
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc))
    raw = path.read_bytes()
    with pytest.raises(ProjectDamaged, match=expected):
        ProjectSession.open(session.folder, profile, clock)
    assert path.read_bytes() == raw


def test_a_change_saved_elsewhere_is_not_silently_undone(session: ProjectSession, profile: Profile,
                                                         clock: FakeClock) -> None:
    """Two sessions on one project: the second to save is refused, and the first one's change survives."""
    from dataclasses import replace as dc_replace

    other = ProjectSession.open(session.folder, profile, clock)
    other.commit(dc_replace(other.project, mpids=(MarketParticipant("AAAA"),)))
    with pytest.raises(ProjectChanged, match="was changed elsewhere"):
        session.commit(dc_replace(session.project, mpids=(MarketParticipant("BBBB"),)))
    assert ProjectSession.open(session.folder, profile, clock).project.mpids == (MarketParticipant("AAAA"),)


def test_findings_combine_staffing_organisation_and_journey(session: ProjectSession) -> None:
    found = session.findings()
    codes = {f.code for f in found}
    assert {"role-missing", "no-mpids", "step-without-owner"} <= codes
    order = ["error", "warning", "info"]
    assert [f.severity for f in found] == sorted((f.severity for f in found), key=order.index)
    assert session.staffing() == tuple(f for f in found if f.code in {"role-missing", "primary-missing"})
    assert session.today() == dt.date(2026, 3, 2)
    assert session.plan()[0].step.id == "prerequisites"
