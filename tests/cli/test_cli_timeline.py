"""`status` says how long onboarding takes (5–7 working days, 3–4 for GlobalSign's verification) and when it should
be done, in working days without weekends and bank holidays of England and Wales (issue 16, item 3)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import Outcome
from wizard.core.workdays import add_working_days, bank_holidays

GUIDANCE_PAGE = "https://mhhs-prod-webapp.azurewebsites.net/dip/dip-guidance-documents"
Cli = Callable[..., Outcome]


def _expected_window() -> tuple[dt.date, dt.date]:
    today = dt.datetime.now(dt.UTC).date()
    days_off = bank_holidays("GB", "ENG", range(today.year, today.year + 2))
    return add_working_days(today, 5, days_off), add_working_days(today, 7, days_off)


def test_status_text_gives_the_working_days_and_the_planned_finish(cli: Cli, uit_project: Path) -> None:
    out = cli("status", uit_project).out
    lines = out.splitlines()
    at = lines.index("Timeline:")
    earliest, latest = _expected_window()
    assert lines[at + 1] == ("  The whole onboarding is expected to take 5–7 working days, including 3–4 working "
                             "days for Step 3: Managing your GlobalSign account (not confirmed by public guidance).")
    assert lines[at + 2] == (f"  If you start today: expect to finish between {earliest:%a %d %b %Y} and "
                             f"{latest:%a %d %b %Y}.")
    assert lines[at + 3] == "  Working days: weekends and bank holidays in England and Wales are not counted."


def test_status_json_gives_the_timeline_with_its_source(cli: Cli, uit_project: Path) -> None:
    done = cli("status", uit_project, "--json")
    assert done.code == 0, done.err
    data = json.loads(done.out)
    timeline = data["timeline"]
    earliest, latest = _expected_window()
    assert timeline["working_days"] == {"fewest": 5, "most": 7}
    assert timeline["wait"] == {"step": "step-3", "working_days": {"fewest": 3, "most": 4}, "expected_done": None}
    assert timeline["expected_finish"] == {"earliest": earliest.isoformat(), "latest": latest.isoformat()}
    assert (timeline["started"], timeline["late"], timeline["finished_on"]) == (False, False, None)
    assert (timeline["holidays"], timeline["source"], timeline["confirmed"]) == (
        "England and Wales", GUIDANCE_PAGE, False)
    assert timeline["text"][0].startswith("The whole onboarding is expected to take 5–7 working days")
    [step_3] = [s for s in data["journey"] if s["id"] == "step-3"]
    assert step_3["expected"] == "3–4 working days (up to 72 hours)"
