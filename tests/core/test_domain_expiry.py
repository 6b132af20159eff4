"""The verified domain's expiry: the date it was verified (recorded, audited, saved in project format 6), the
profile's unconfirmed validity schedule, and the domain in the reminders and the calendar file."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import icalendar
import pytest

from wizard.core import store
from wizard.core.audit_events import changes
from wizard.core.domain_expiry import domain_expiry, parse_day, validity_end, with_domain_verified
from wizard.core.errors import InvalidInput, ProfileError
from wizard.core.model import Organisation, Project
from wizard.core.profile import Profile, load_profile, parse_profile
from wizard.core.reminders import reminders, to_ics
from wizard.core.store import create_project, load_project, project_file, save_project

NOW = dt.datetime(2026, 12, 5, 9, 30, tzinfo=dt.UTC)
TODAY = NOW.date()
ORG = Organisation("Acme Energy Ltd", "01234567", "acme.example")


def project(verified_on: dt.date | None = None) -> Project:
    return Project("dip-mhhs", "uit", ORG, NOW, NOW, domain_verified_on=verified_on)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# ---------------------------------------------------------------- the profile's validity schedule


def test_the_shipped_validity_is_unconfirmed_sourced_and_renews_in_atlas(profile: Profile) -> None:
    validity = profile.domain_verification.validity
    assert validity is not None
    assert not validity.provenance.confirmed
    assert validity.provenance.source == "https://support.globalsign.com/ssl/advisories/upcoming-changes-tls-validity-faqs"
    assert "GlobalSign" in (validity.provenance.note or "")
    assert "Atlas portal" in validity.renew_text
    assert [(p.starts, p.days) for p in validity.periods] == [
        (day("2021-09-27"), 397), (day("2026-03-15"), 200), (day("2027-03-15"), 100), (day("2029-03-15"), 10)]


@pytest.mark.parametrize(("verified", "expires"), [
    ("2025-01-10", "2026-02-11"),  # 397 days, all before the 200-day period
    ("2025-06-01", "2026-03-14"),  # 397 days would reach past 15 Mar 2026, when 200 days became the limit
    ("2026-06-01", "2026-12-18"),  # 200 days
    ("2026-12-01", "2027-03-14"),  # 200 days would reach past 15 Mar 2027, when 100 days becomes the limit
    ("2027-01-01", "2027-04-11"),  # ... but 100 days from this one is after it, so usable until then
    ("2029-03-20", "2029-03-30"),  # 10 days
])
def test_a_verification_lasts_until_it_is_older_than_the_period_then_in_force(
        profile: Profile, verified: str, expires: str) -> None:
    assert profile.domain_verification.validity is not None
    assert validity_end(profile.domain_verification.validity, day(verified)) == day(expires)


def _with_validity(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(data)
    data["domain_verification"]["validity"].update(changes)
    return data


@pytest.mark.parametrize(("changes", "key", "problem"), [
    ({"periods": [{"from": dt.date(2026, 3, 15), "days": 200}, {"from": dt.date(2021, 9, 27), "days": 397}]},
     "domain_verification.validity.periods[1].from", "later than the one before"),
    ({"periods": [{"from": dt.date(2026, 3, 15), "days": 0}]},
     "domain_verification.validity.periods[0].days", "1 or more"),
    ({"periods": [{"from": "2026-03-15", "days": 200}]},
     "domain_verification.validity.periods[0].from", "expected a date"),
    ({"periods": [{"from": dt.datetime(2026, 3, 15, 12, 0), "days": 200}]},
     "domain_verification.validity.periods[0].from", "expected a date"),
    ({"periods": [{"from": dt.date(2026, 3, 15), "days": 200, "dayz": 1}]},
     "domain_verification.validity.periods[0].dayz", "not a key"),
    ({"note": None}, "domain_verification.validity.note", "is missing"),
])
def test_a_broken_validity_schedule_is_named(profile_data: dict[str, Any], changes: dict[str, Any], key: str,
                                             problem: str) -> None:
    data = _with_validity(profile_data, **changes)
    data["domain_verification"]["validity"] = {k: v for k, v in data["domain_verification"]["validity"].items()
                                               if v is not None}
    with pytest.raises(ProfileError) as info:
        parse_profile(data, file="variant.toml")
    assert key in str(info.value)
    assert problem in str(info.value)


def test_a_profile_without_a_validity_loads_and_shows_no_expiry(profile_data: dict[str, Any]) -> None:
    del profile_data["domain_verification"]["validity"]
    variant = parse_profile(profile_data, file="variant.toml")
    assert variant.domain_verification.validity is None
    assert domain_expiry(variant, project(day("2026-10-01")), TODAY) is None
    assert [r for r in reminders(variant, project(day("2026-10-01")), NOW) if r.renews == "domain"] == []


def test_the_profile_with_dates_round_trips_through_toml(profile_data: dict[str, Any],
                                                         write_profile: Callable[..., Path]) -> None:
    loaded = load_profile(write_profile(profile_data))
    assert loaded.domain_verification.validity is not None
    assert loaded.domain_verification.validity.periods[0].starts == day("2021-09-27")


# ---------------------------------------------------------------- recording the date


def test_the_verified_date_is_recorded_and_a_future_one_refused() -> None:
    recorded = with_domain_verified(project(), day("2026-12-01"), TODAY)
    assert recorded.domain_verified_on == day("2026-12-01")
    assert with_domain_verified(project(), TODAY, TODAY).domain_verified_on == TODAY
    with pytest.raises(InvalidInput) as info:
        with_domain_verified(project(), day("2026-12-06"), TODAY)
    assert info.value.field == "verified_on"
    assert "06 Dec 2026 is in the future" in str(info.value)


@pytest.mark.parametrize("text", ["", "1 Dec 2026", "2026-13-01", "2026-02-30", "20261201", "2026-12-1"])
def test_a_date_not_typed_as_year_month_day_is_refused_with_an_example(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_day(text)
    assert info.value.field == "verified_on"
    assert "YYYY-MM-DD" in str(info.value)


def test_parse_day_reads_the_documented_form() -> None:
    assert parse_day(" 2026-12-01 ") == day("2026-12-01")


def test_the_expiry_says_days_left_and_when_to_renew(profile: Profile) -> None:
    assert domain_expiry(profile, project(), TODAY) is None
    ok = domain_expiry(profile, project(day("2026-09-01")), TODAY)
    assert ok is not None
    assert (ok.domain, ok.verified_on, ok.expires_on) == ("acme.example", day("2026-09-01"), day("2027-03-14"))
    assert (ok.days_left, ok.status) == (99, "ok")
    soon = domain_expiry(profile, project(day("2026-06-01")), TODAY)
    assert soon is not None
    assert (soon.expires_on, soon.days_left, soon.status) == (day("2026-12-18"), 13, "soon")
    gone = domain_expiry(profile, project(day("2026-05-01")), TODAY)
    assert gone is not None
    assert (gone.days_left, gone.status) == (-18, "expired")
    same_day = domain_expiry(profile, project(day("2026-05-19")), TODAY)
    assert same_day is not None
    assert (same_day.expires_on, same_day.status) == (TODAY, "soon"), "usable to the end of its last day"


def test_recording_the_date_is_audited() -> None:
    before = project()
    after = with_domain_verified(before, day("2026-12-01"), TODAY)
    assert ("domain verified", {"domain": "acme.example", "verified_on": "2026-12-01"}) in changes(before, after)
    assert changes(after, after) == []


# ---------------------------------------------------------------- reminders and the calendar


def test_reminders_include_the_domain_at_the_profiles_lead_times(profile: Profile) -> None:
    found = [r for r in reminders(profile, project(day("2026-09-01")), NOW) if r.renews == "domain"]
    expiry = day("2027-03-14")
    assert [(r.lead_days, r.due) for r in found] == [(d, expiry - dt.timedelta(days=d))
                                                     for d in profile.reminders.lead_days]
    assert found[0].summary() == f"Renew the domain verification of acme.example: {found[0].lead_days} days left"
    assert reminders(profile, project(), NOW) == ()


def test_the_calendar_has_the_domains_expiry_with_alarms_like_a_certificates(profile: Profile) -> None:
    text = to_ics(profile, project(day("2026-09-01")), NOW)
    cal = icalendar.Calendar.from_ical(text)
    events = list(cal.walk("VEVENT"))
    expiry = next(e for e in events if str(e["UID"]) == "domain-acme.example-uit-expiry@dip-onboarding.invalid")
    assert expiry.decoded("DTSTART") == day("2027-03-14")
    assert "Domain verification of acme.example expires" in str(expiry["SUMMARY"])
    description = str(expiry["DESCRIPTION"])
    assert "GlobalSign Atlas portal" in description
    assert "verified on 01 Sep 2026" in description
    assert "not confirmed by public guidance" in description
    triggers = sorted(a.decoded("TRIGGER") for a in expiry.walk("VALARM"))
    assert triggers == sorted(-dt.timedelta(days=d) for d in {*profile.reminders.lead_days, 1})
    renew = [e for e in events if str(e["UID"]).startswith("domain-acme.example-uit-renew-")]
    assert len(renew) == len(profile.reminders.lead_days)  # 99 days left: every lead time is still to come
    assert all(list(e.walk("VALARM")) for e in renew)


# ---------------------------------------------------------------- saved in project format 6


def test_the_date_is_saved_and_read_back(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    create_project(folder, project())
    saved = save_project(folder, project(day("2026-12-01")), NOW)
    assert load_project(folder) == saved
    doc = json.loads(project_file(folder).read_text(encoding="utf-8"))
    assert doc["format_version"] == store.FORMAT_VERSION == 6
    assert doc["project"]["domain_verified_on"] == "2026-12-01"


def test_a_damaged_date_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    create_project(folder, project())
    doc = json.loads(project_file(folder).read_text(encoding="utf-8"))
    doc["project"]["domain_verified_on"] = "yesterday"
    project_file(folder).write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(Exception) as info:  # noqa: PT011 - the store's own damaged-file error
        load_project(folder)
    assert "domain_verified_on is not a date" in str(info.value)


def test_a_version_5_project_gains_the_verified_date_after_a_backup(tmp_path: Path) -> None:
    folder = tmp_path / "v5"
    folder.mkdir()
    v5 = {"format": "dip-onboarding-project", "format_version": 5, "written_by": "0.5.0", "revision": 3,
          "project": {"profile_id": "dip-mhhs", "environment": "uit", "created_at": "2026-03-02T09:30:00+00:00",
                      "updated_at": "2026-03-02T09:30:00+00:00", "promoted_from": None,
                      "organisation": {"name": "Old Co", "company_number": "01234567", "domain": "old.example",
                                       "description": "", "is_dcp": False},
                      "mpids": [], "people": [], "progress": [], "notes": {}, "keys": [], "atlas_credentials": None,
                      "certificates": [], "dip_ids": [], "channels": [], "role_codes": [], "domain_txt": None,
                      "checklist": [], "identity": "", "home": None, "key_intents": []}}
    raw = json.dumps(v5).encode()
    project_file(folder).write_bytes(raw)
    loaded = load_project(folder)
    assert loaded.domain_verified_on is None
    [backup] = folder.glob("project.v5.*.json")
    assert backup.read_bytes() == raw
    doc = json.loads(project_file(folder).read_text(encoding="utf-8"))
    assert doc["format_version"] == 6
    assert doc["project"]["domain_verified_on"] is None
    assert store.MIGRATIONS[5]({"project": {}})["project"] == {"domain_verified_on": None}
