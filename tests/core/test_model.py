"""The project model: immutable records changed only through pure functions."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from wizard.core.errors import UnknownId
from wizard.core.model import (
    Person,
    Project,
    StepProgress,
    with_person,
    with_person_moved,
    with_step_status,
    without_person,
)

MON, TUE, WED = dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 4)


@pytest.fixture
def trio(make_project: Callable[..., Project], make_person: Callable[..., Person]) -> Project:
    return make_project(people=[make_person("Ann A", "user-admin"), make_person("Bob B", "certificate-admin"),
                                make_person("Cy C", "message-admin")])


def names(project: Project) -> list[str]:
    return [p.name for p in project.people]


def test_records_are_frozen(trio: Project) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        trio.people[0].name = "Someone else"  # type: ignore[misc]


def test_with_person_appends_a_new_person_at_the_end(trio: Project, make_person: Callable[..., Person]) -> None:
    updated = with_person(trio, make_person("Di D", "dns-admin"))
    assert names(updated) == ["Ann A", "Bob B", "Cy C", "Di D"]
    assert names(trio) == ["Ann A", "Bob B", "Cy C"]  # the original is untouched


def test_with_person_replaces_the_same_id_in_place(trio: Project) -> None:
    changed = dataclasses.replace(trio.people[1], name="Bob Renamed", roles=("certificate-admin", "user-admin"))
    updated = with_person(trio, changed)
    assert names(updated) == ["Ann A", "Bob Renamed", "Cy C"]
    assert updated.person(changed.id).roles == ("certificate-admin", "user-admin")


def test_without_person(trio: Project) -> None:
    assert names(without_person(trio, trio.people[0].id)) == ["Bob B", "Cy C"]
    with pytest.raises(UnknownId, match='No person with id "p-nobody"'):
        without_person(trio, "p-nobody")


@pytest.mark.parametrize(("who", "delta", "expected"), [
    (2, -1, ["Ann A", "Cy C", "Bob B"]),
    (2, -2, ["Cy C", "Ann A", "Bob B"]),
    (2, -99, ["Cy C", "Ann A", "Bob B"]),  # clamped at the top
    (0, 1, ["Bob B", "Ann A", "Cy C"]),
    (0, 99, ["Bob B", "Cy C", "Ann A"]),  # clamped at the bottom
    (1, 0, ["Ann A", "Bob B", "Cy C"]),
])
def test_with_person_moved(trio: Project, who: int, delta: int, expected: list[str]) -> None:
    assert names(with_person_moved(trio, trio.people[who].id, delta)) == expected


def test_moving_an_unknown_person_is_refused(trio: Project) -> None:
    with pytest.raises(UnknownId):
        with_person_moved(trio, "p-nobody", 1)


def test_project_lookups(trio: Project) -> None:
    assert trio.person(trio.people[2].id).name == "Cy C"
    with pytest.raises(UnknownId):
        trio.person("p-nobody")
    assert [p.name for p in trio.holders("certificate-admin")] == ["Bob B"]
    assert trio.holders("dns-admin") == ()
    assert trio.step_progress("step-1") == StepProgress("step-1", "not-started", None, None, "")


def test_step_status_stamps_dates_the_first_time_they_apply(trio: Project) -> None:
    started = with_step_status(trio, "step-1", "in-progress", MON)
    assert started.step_progress("step-1") == StepProgress("step-1", "in-progress", MON, None)

    # Still in progress next day: the start date is kept.
    again = with_step_status(started, "step-1", "in-progress", TUE)
    assert again.step_progress("step-1").started_on == MON

    done = with_step_status(again, "step-1", "done", TUE)
    assert done.step_progress("step-1") == StepProgress("step-1", "done", MON, TUE)

    # Marking done again later keeps the first done date.
    assert with_step_status(done, "step-1", "done", WED).step_progress("step-1").done_on == TUE

    reopened = with_step_status(done, "step-1", "in-progress", WED)
    assert reopened.step_progress("step-1") == StepProgress("step-1", "in-progress", MON, None)

    reset = with_step_status(done, "step-1", "not-started", WED)
    assert reset.step_progress("step-1") == StepProgress("step-1", "not-started", None, None)


def test_done_straight_away_stamps_both_dates(trio: Project) -> None:
    done = with_step_status(trio, "prerequisites", "done", MON)
    assert done.step_progress("prerequisites") == StepProgress("prerequisites", "done", MON, MON)


def test_step_status_keeps_one_entry_per_step_and_leaves_others_alone(trio: Project) -> None:
    p = with_step_status(trio, "step-1", "done", MON)
    p = with_step_status(p, "step-2", "in-progress", TUE)
    p = with_step_status(p, "step-1", "in-progress", WED)
    assert sorted(s.step_id for s in p.progress) == ["step-1", "step-2"]
    assert p.step_progress("step-2") == StepProgress("step-2", "in-progress", TUE, None)
    assert trio.progress == ()


def test_unknown_step_status_is_refused(trio: Project) -> None:
    with pytest.raises(UnknownId, match=r'"finished" is not a step status\. Use one of: not-started, in-progress'):
        with_step_status(trio, "step-1", "finished", MON)
