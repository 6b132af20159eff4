"""When the verified domain runs out: the day GlobalSign verified it (recorded by the user), the profile's validity
schedule (`[domain_verification.validity]`, unconfirmed: GlobalSign's domain validation re-use period), and the
expiry with its days left, for the banner, the Renewals page, `status`, the reminders and the calendar file.

A verification may be used on a day while it is no older than the days of the period in force that day, so a
period that shortens the validity can end a verification early (verified 1 Dec 2026 with 200 days: usable until
14 Mar 2027, the day before 100 days becomes the limit).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from wizard.core.errors import InvalidInput
from wizard.core.model import Project
from wizard.core.profile import DomainValidity, Profile

FIELD = "verified_on"
STATUSES = ("ok", "soon", "expired")


@dataclass(frozen=True, slots=True)
class DomainExpiry:
    """The project's verified domain and when its verification runs out. `expires_on` is the last day it can be
    used; `status` is "ok", "soon" (inside the first reminder lead time) or "expired", as for certificates."""

    domain: str
    verified_on: dt.date
    expires_on: dt.date
    days_left: int
    status: str
    validity: DomainValidity


def parse_day(text: str) -> dt.date:
    """A date typed as YYYY-MM-DD (the one form the CLI and the Domain page take), or `InvalidInput`."""
    value = text.strip()
    example = "Give the date the domain was verified as YYYY-MM-DD, for example 2026-12-01."
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise InvalidInput(FIELD, f'"{value[:40]}" is not a date in the form YYYY-MM-DD. {example}'
                           if value else example)
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(FIELD, f"{value} is not a day of the calendar. {example}") from None


def with_domain_verified(project: Project, on: dt.date, today: dt.date) -> Project:
    """Record the day the domain was verified (or last renewed); a day after `today` is refused."""
    if on > today:
        raise InvalidInput(FIELD, f"{on:%d %b %Y} is in the future. Record the day GlobalSign verified (or last "
                                  f"renewed) the domain: today, {today:%d %b %Y}, or earlier.")
    return replace(project, domain_verified_on=on)


def validity_end(validity: DomainValidity, verified_on: dt.date) -> dt.date:
    """The last day a verification made on `verified_on` can be used under the schedule."""
    last = verified_on
    periods = validity.periods
    for i, period in enumerate(periods):
        starts = period.starts if i else dt.date.min
        ends = periods[i + 1].starts - dt.timedelta(days=1) if i + 1 < len(periods) else dt.date.max
        try:
            reach = verified_on + dt.timedelta(days=period.days)
        except OverflowError:  # an edited project file's year 9999
            reach = dt.date.max
        candidate = min(reach, ends)
        if candidate >= max(starts, verified_on):
            last = max(last, candidate)
    return last


def domain_expiry(profile: Profile, project: Project, today: dt.date) -> DomainExpiry | None:
    """The domain's expiry, or None while no verified date is recorded or the profile gives no validity."""
    validity = profile.domain_verification.validity
    verified = project.domain_verified_on
    if validity is None or verified is None:
        return None
    expires = validity_end(validity, verified)
    days = (expires - today).days
    status = "expired" if days < 0 else "soon" if days <= max(profile.reminders.lead_days) else "ok"
    return DomainExpiry(project.organisation.domain, verified, expires, days, status, validity)


def unconfirmed_words(validity: DomainValidity) -> str:
    """What the UI and the calendar add beside an expiry from an unconfirmed validity ("" when confirmed)."""
    if validity.provenance.confirmed:
        return ""
    return f"This validity is not confirmed by public guidance. {validity.provenance.note}"
