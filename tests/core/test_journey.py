"""The journey plan: steps in order, the next step, owners from role assignments, and warnings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from wizard.core.journey import PlannedStep, journey_findings, plan_journey
from wizard.core.model import Person, Project, with_step_status
from wizard.core.profile import Profile

MakeProject = Callable[..., Project]
MakePerson = Callable[..., Person]
DAY = dt.date(2026, 3, 2)
UIT_STEPS = ["prerequisites", *(f"step-{n}" for n in range(1, 9)), "qualification-checks"]


def done_through(project: Project, *step_ids: str) -> Project:
    for step_id in step_ids:
        project = with_step_status(project, step_id, "done", DAY)
    return project


def by_id(plan: tuple[PlannedStep, ...]) -> dict[str, PlannedStep]:
    return {item.step.id: item for item in plan}


def test_plan_order_per_environment(profile: Profile, make_project: MakeProject) -> None:
    assert [i.step.id for i in plan_journey(profile, make_project("uit"))] == UIT_STEPS
    assert [i.step.id for i in plan_journey(profile, make_project("production"))] == [*UIT_STEPS, "promotion"]


def test_next_step_is_the_first_not_done(profile: Profile, make_project: MakeProject) -> None:
    fresh = plan_journey(profile, make_project())
    assert [i.step.id for i in fresh if i.is_next] == ["prerequisites"]

    project = done_through(make_project(), "prerequisites", "step-1")
    project = with_step_status(project, "step-2", "in-progress", DAY)
    plan = plan_journey(profile, project)
    assert [i.step.id for i in plan if i.is_next] == ["step-2"]
    assert [i.step.id for i in plan if i.done] == ["prerequisites", "step-1"]
    assert by_id(plan)["step-2"].progress.started_on == DAY


def test_next_skips_a_gap_left_by_out_of_order_work(profile: Profile, make_project: MakeProject) -> None:
    project = done_through(make_project(), "prerequisites", "step-2")
    assert [i.step.id for i in plan_journey(profile, project) if i.is_next] == ["step-1"]


def test_nothing_is_next_when_everything_is_done(profile: Profile, make_project: MakeProject) -> None:
    plan = plan_journey(profile, done_through(make_project(), *UIT_STEPS))
    assert all(i.done for i in plan)
    assert not any(i.is_next for i in plan)


def test_owners_and_helpers_come_from_role_assignments(profile: Profile, make_project: MakeProject,
                                                       make_person: MakePerson) -> None:
    pat = make_person("Pat Primary", "primary-user-admin")
    uma = make_person("Uma User", "user-admin")
    cara = make_person("Cara Cert", "certificate-admin", primary=["certificate-admin"])
    mo = make_person("Mo Both", "message-admin", "user-admin")
    dan = make_person("Dan Dns", "dns-admin")
    plan = by_id(plan_journey(profile, make_project(people=[pat, uma, cara, mo, dan])))
    assert plan["step-1"].owners == (pat,)
    # Step 2 belongs to User Admins; the Primary User Admin counts as one.
    assert plan["step-2"].owners == (pat, uma, mo)
    assert plan["step-3"].owners == (cara,)
    assert plan["step-5"].helpers == (dan,)
    # Step 7 has two owner roles; someone holding both is listed once.
    assert plan["step-7"].owners == (mo, pat, uma)
    assert plan["step-6"].helpers == ()  # nobody is the technical lead


def test_waiting_for_lists_required_steps_not_yet_done(profile: Profile, make_project: MakeProject) -> None:
    plan = by_id(plan_journey(profile, make_project()))
    assert plan["prerequisites"].waiting_for == ()
    assert plan["step-3"].waiting_for == ("step-2",)
    plan = by_id(plan_journey(profile, done_through(make_project(), "step-2")))
    assert plan["step-3"].waiting_for == ()


def test_promotion_waits_for_the_qualification_checks_in_production(profile: Profile,
                                                                    make_project: MakeProject) -> None:
    plan = by_id(plan_journey(profile, make_project("production")))
    assert plan["promotion"].waiting_for == ("qualification-checks",)
    assert plan["qualification-checks"].waiting_for == ("step-8",)
    assert "promotion" not in by_id(plan_journey(profile, make_project("uit")))


def test_every_step_without_an_owner_is_flagged(profile: Profile, make_project: MakeProject) -> None:
    found = journey_findings(profile, plan_journey(profile, make_project()))
    assert [f.code for f in found] == ["step-without-owner"] * len(UIT_STEPS)
    assert {f.severity for f in found} == {"warning"}
    assert found[3].message == ("Step 3: Managing your GlobalSign account needs a Certificate Admin, and "
                                "nobody holds that role yet.")
    assert "needs a Message Admin or User Admin" in found[7].message  # step-7 (index 0 is the pre-requisites)


def test_done_steps_without_owner_are_not_flagged(profile: Profile, make_project: MakeProject) -> None:
    project = done_through(make_project(), "prerequisites", "step-1")
    found = journey_findings(profile, plan_journey(profile, project))
    assert not any("Step 1 " in f.message or "Before you start" in f.message for f in found)
    assert len(found) == len(UIT_STEPS) - 2


def test_fully_staffed_plan_has_no_findings(profile: Profile, make_project: MakeProject,
                                            full_team: tuple[Person, ...]) -> None:
    assert journey_findings(profile, plan_journey(profile, make_project(people=full_team))) == ()


@pytest.mark.parametrize("status", ["in-progress", "done"])
def test_progress_out_of_order_is_flagged(profile: Profile, make_project: MakeProject,
                                          full_team: tuple[Person, ...], status: str) -> None:
    project = done_through(make_project(people=full_team), "prerequisites", "step-1")
    project = with_step_status(project, "step-3", status, DAY)
    [finding] = journey_findings(profile, plan_journey(profile, project))
    assert (finding.severity, finding.code) == ("warning", "step-out-of-order")
    assert finding.message.startswith("Step 3 is under way before Step 2: Managing your company's users "
                                      "within DIP is done")


def test_findings_carry_the_step_provenance(profile: Profile, make_project: MakeProject) -> None:
    found = journey_findings(profile, plan_journey(profile, make_project()))
    step_6 = profile.step("step-6")
    assert found[6].message.startswith("Step 6:")
    assert (found[6].source, found[6].confirmed) == (step_6.provenance.source, False)
