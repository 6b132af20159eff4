"""How long onboarding takes (issue 16, item 3): the profile's 5–7 working days, 3–4 of them for GlobalSign's
verification, laid on the calendar in working days (weekends and bank holidays of England and Wales skipped)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from wizard.core.errors import ProfileError
from wizard.core.journey import (
    expected_time,
    journey_timeline,
    plan_journey,
    plan_timeline,
    timeline_lines,
)
from wizard.core.model import Project, with_step_status
from wizard.core.profile import DayRange, Profile, parse_profile

D = dt.date
HELP = Path(__file__).resolve().parents[2] / "resources" / "help"
GUIDANCE_PAGE = "https://mhhs-prod-webapp.azurewebsites.net/dip/dip-guidance-documents"
DAYS_OFF = frozenset({D(2026, 12, 25), D(2026, 12, 28), D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29)})
MakeProject = Callable[..., Project]


def test_the_profile_holds_the_guidance_figures_with_their_source(profile: Profile) -> None:
    t = profile.timeline
    assert t is not None
    assert (t.working_days, t.wait_working_days, t.wait_step) == (DayRange(5, 7), DayRange(3, 4), "step-3")
    assert (t.holidays_country, t.holidays_subdivision, t.holidays_name) == ("GB", "ENG", "England and Wales")
    assert t.provenance.source == GUIDANCE_PAGE
    # The research brief does not record the figures, so they are shown as not yet checked.
    assert t.provenance.confirmed is False
    assert "5–7 working days" in (t.provenance.note or "")
    assert t.working_days.text == "5–7 working days"
    assert DayRange(1, 1).text == "1 working day"


def test_not_started_plans_from_today_across_christmas(profile: Profile, make_project: MakeProject) -> None:
    today = D(2026, 12, 24)
    jt = plan_timeline(profile, plan_journey(profile, make_project()), today, DAYS_OFF)
    assert jt is not None
    assert (jt.start, jt.started, jt.wait, jt.late) == (today, False, None, False)
    assert jt.finish is not None
    # 29, 30, 31 December, (New Year's Day), 4, 5 January ... 6, 7 January.
    assert (jt.finish.earliest, jt.finish.latest) == (D(2027, 1, 5), D(2027, 1, 7))
    assert timeline_lines(jt) == (
        "The whole onboarding is expected to take 5–7 working days, including 3–4 working days for Step 3: "
        "Managing your GlobalSign account (not confirmed by public guidance).",
        "If you start today: expect to finish between Tue 05 Jan 2027 and Thu 07 Jan 2027.",
        "Working days: weekends and bank holidays in England and Wales are not counted.",
    )


def test_a_started_project_plans_from_its_first_step_and_the_wait_across_easter(
        profile: Profile, make_project: MakeProject) -> None:
    project = with_step_status(make_project(), "prerequisites", "done", D(2027, 3, 22))
    project = with_step_status(project, "step-3", "in-progress", D(2027, 3, 25))
    jt = plan_timeline(profile, plan_journey(profile, project), D(2027, 3, 25), DAYS_OFF)
    assert jt is not None
    assert jt.finish is not None
    assert jt.wait is not None
    assert (jt.start, jt.started) == (D(2027, 3, 22), True)
    # Monday 22 March + 5 and + 7 working days, Good Friday and Easter Monday skipped.
    assert (jt.finish.earliest, jt.finish.latest) == (D(2027, 3, 31), D(2027, 4, 2))
    # GlobalSign's verification from Thursday 25 March: 3–4 working days.
    assert (jt.wait.earliest, jt.wait.latest) == (D(2027, 4, 1), D(2027, 4, 2))
    lines = timeline_lines(jt)
    assert lines[1] == "Started Mon 22 Mar 2027: expect to finish between Wed 31 Mar 2027 and Fri 02 Apr 2027."
    assert lines[2] == "Step 3 is under way: expect it to be done between Thu 01 Apr 2027 and Fri 02 Apr 2027."


def test_a_plan_past_its_last_day_says_so(profile: Profile, make_project: MakeProject) -> None:
    project = with_step_status(make_project(), "prerequisites", "in-progress", D(2026, 3, 2))
    jt = plan_timeline(profile, plan_journey(profile, project), D(2026, 3, 12), frozenset())
    assert jt is not None
    assert jt.late
    assert "The last of those days has passed" in timeline_lines(jt)[1]


def test_a_finished_journey_gives_the_day_it_was_done(profile: Profile, make_project: MakeProject) -> None:
    project = make_project()
    for item in plan_journey(profile, project):
        last = item.step.id == "step-8"
        project = with_step_status(project, item.step.id, "done", D(2026, 3, 10) if last else D(2026, 3, 2))
    jt = plan_timeline(profile, plan_journey(profile, project), D(2026, 4, 1), frozenset())
    assert jt is not None
    assert (jt.finish, jt.finished_on, jt.late) == (None, D(2026, 3, 10), False)
    assert timeline_lines(jt)[1] == "Every step was done by Tue 10 Mar 2026."


def test_the_plan_reads_the_bank_holidays_of_england_and_wales(profile: Profile, make_project: MakeProject) -> None:
    jt = journey_timeline(profile, plan_journey(profile, make_project()), D(2026, 12, 24))
    assert jt is not None
    assert jt.finish is not None
    assert (jt.finish.earliest, jt.finish.latest) == (D(2027, 1, 5), D(2027, 1, 7))


def test_expected_time_is_in_working_days_for_the_wait(profile: Profile) -> None:
    assert expected_time(profile.step("step-3"), profile.timeline) == "3–4 working days (up to 72 hours)"
    assert expected_time(profile.step("step-5"), profile.timeline) == "up to 1 hour for the DNS record to be confirmed"
    assert expected_time(profile.step("step-1"), profile.timeline) is None
    assert expected_time(profile.step("step-3"), None) == "up to 72 hours"


@pytest.mark.parametrize(("change", "key", "problem"), [
    ({"working_days": [7, 5]}, "timeline.working_days", "must be one number of working days, or the fewest"),
    ({"working_days": [5, 6, 7]}, "timeline.working_days", "must be one number of working days, or the fewest"),
    ({"working_days": [0, 7]}, "timeline.working_days", "expected a non-empty list of whole numbers of 1"),
    ({"wait_working_days": [3, 9]}, "timeline.wait_working_days", "longer than the whole onboarding"),
    ({"wait_step": "step-99"}, "timeline.wait_step", '"step-99" is not a step defined in this profile'),
    ({"holidays_country": "England"}, "timeline.holidays_country", "does not match the required form"),
    ({"holidays_subdivision": "England"}, "timeline.holidays_subdivision", "must be a subdivision code"),
    ({"days": 5}, "timeline.days", "is not a key this version of the wizard understands"),
    ({"confirmed": False, "note": None}, "timeline.note", "is missing"),
])
def test_a_broken_timeline_names_the_key_and_the_problem(profile_data: dict[str, Any], change: dict[str, Any],
                                                         key: str, problem: str) -> None:
    for name, value in change.items():
        if value is None:
            del profile_data["timeline"][name]
        else:
            profile_data["timeline"][name] = value
    with pytest.raises(ProfileError) as info:
        parse_profile(profile_data, file="variant.toml")
    assert info.value.key == key
    assert problem in info.value.problem


def test_a_profile_without_a_timeline_is_refused(profile_data: dict[str, Any]) -> None:
    del profile_data["timeline"]
    with pytest.raises(ProfileError) as info:
        parse_profile(profile_data, file="variant.toml")
    assert info.value.key == "timeline"


def test_the_help_gives_the_profile_figures(profile: Profile) -> None:
    t = profile.timeline
    assert t is not None
    guide = " ".join((HELP / "guide.html").read_text(encoding="utf-8").split())
    total, wait = t.working_days, t.wait_working_days
    assert f"{total.fewest}–{total.most} working days, {wait.fewest}–{wait.most} of them for GlobalSign" in guide
    assert f"bank holidays of {t.holidays_name}" in guide
