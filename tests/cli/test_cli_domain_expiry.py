"""The verified domain's expiry at the command line, typed as a user would (a separate process, the real clock):
`domain verified DIR --on YYYY-MM-DD`, then `status`, `reminders` (and the .ics) and the audit trail."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import icalendar
from test_cli_keys import Cli, one_line, project_bytes

from wizard.app import default_profile_path
from wizard.core.domain_expiry import validity_end
from wizard.core.profile import load_profile

Typed = Cli


def expiry_of(verified: dt.date) -> dt.date:
    validity = load_profile(default_profile_path()).domain_verification.validity
    assert validity is not None
    return validity_end(validity, verified)


def test_the_verified_date_is_recorded_and_its_expiry_shown_everywhere(typed: Typed, uit_project: Path,
                                                                       tmp_path: Path) -> None:
    status = typed("status", uit_project)
    assert "Domain verification: no verified date recorded yet" in status.out
    assert f"dip-onboarding domain verified {uit_project} --on YYYY-MM-DD" in status.out  # the real folder

    today = dt.date.today()
    verified = today - dt.timedelta(days=30)
    expires = expiry_of(verified)
    days = (expires - today).days
    done = typed("domain", "verified", uit_project, "--on", verified.isoformat())
    assert done.code == 0, done.err
    assert done.out.startswith(f"Recorded that acme.example was verified on {verified:%d %b %Y}. The verification "
                               f"can be used until {expires:%d %b %Y} ({days} days from today).")
    assert "Renew the domain in the GlobalSign Atlas portal" in done.out
    assert "not confirmed by public guidance" in done.out

    status = typed("status", uit_project)
    assert (f"Domain verification: acme.example verified on {verified:%d %b %Y}, can be used until "
            f"{expires:%d %b %Y} ({days} days)") in status.out
    data = json.loads(typed("status", uit_project, "--json").out)["domain_verification"]
    assert data == {"domain": "acme.example", "verified_on": verified.isoformat(), "expires_on": expires.isoformat(),
                    "days_left": days, "status": "ok" if days > 60 else "soon", "confirmed": False}

    done = typed("reminders", uit_project)
    assert done.code == 0, done.err
    assert f"{expires - dt.timedelta(days=60):%d %b %Y}  Renew the domain verification of acme.example: 60 days " \
           "left" in done.out
    out = tmp_path / "reminders.ics"
    done = typed("reminders", uit_project, "--ics", out)  # no certificates yet: the domain is reason enough
    assert done.code == 0, done.err
    events = list(icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT"))
    expiry = next(e for e in events if str(e["UID"]).startswith("domain-acme.example-uit-expiry@"))
    assert expiry.decoded("DTSTART") == expires
    assert list(expiry.walk("VALARM"))
    json_reminders = json.loads(typed("reminders", uit_project, "--json").out)["reminders"]
    assert {r["renews"] for r in json_reminders} == {"domain"}

    audit = typed("audit", uit_project)
    assert f"domain verified: domain=acme.example, verified_on={verified.isoformat()}" in audit.out


def test_a_date_in_the_future_or_not_year_month_day_is_refused_in_one_line(typed: Typed, uit_project: Path) -> None:
    before = project_bytes(uit_project)
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    done = typed("domain", "verified", uit_project, "--on", tomorrow.isoformat())
    assert done.code == 1
    assert one_line(done.err).startswith(f"dip-onboarding: --on: {tomorrow:%d %b %Y} is in the future.")
    done = typed("domain", "verified", uit_project, "--on", "1/12/2026")
    assert done.code == 1
    assert one_line(done.err).startswith('dip-onboarding: --on: "1/12/2026" is not a date in the form YYYY-MM-DD.')
    done = typed("domain", "verified", uit_project)
    assert done.code == 2
    assert "--on" in done.err
    assert project_bytes(uit_project) == before, "nothing was saved"


def test_the_reminders_still_say_when_there_is_nothing_to_remind(typed: Typed, uit_project: Path,
                                                                 tmp_path: Path) -> None:
    done = typed("reminders", uit_project)
    assert done.out.strip() == "No certificates imported and no domain verified date recorded yet, so no reminders."
    done = typed("reminders", uit_project, "--ics", tmp_path / "r.ics")
    assert done.code == 1
    assert "nothing to remind you about" in one_line(done.err)
