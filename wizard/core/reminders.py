"""Renewal reminders at the profile's lead times: in the app, and as an iCalendar (.ics, RFC 5545) file.

Each certificate, and the verified domain (core/domain_expiry.py), gets an all-day event on its expiry date with an
alarm at every lead time, and an all-day event on each reminder date still to come ("Renew ... : 30 days left"), so
calendars that ignore alarms still show them. UIDs are stable (certificate id, or the domain and environment, and
lead time), so importing a newer file updates events instead of doubling them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wizard import __version__
from wizard.core.domain_expiry import domain_expiry, unconfirmed_words
from wizard.core.model import CertificateRecord, Project
from wizard.core.profile import Profile

UID_DOMAIN = "dip-onboarding.invalid"


@dataclass(frozen=True, slots=True)
class Reminder:
    certificate_id: str
    kind: str
    kind_name: str
    subject: str
    not_after: dt.datetime
    lead_days: int
    due: dt.date
    renews: str = "certificate"  # or "domain": the verified domain, renewed in the GlobalSign Atlas portal

    def summary(self) -> str:
        return f"Renew the {self.kind_name}: {self.lead_days} days left"


def reminders(profile: Profile, project: Project, now: dt.datetime) -> tuple[Reminder, ...]:
    """Every reminder date of every certificate in use, soonest first (past ones included, marked by `due`)."""
    names = {k.id: k.name for k in profile.certificate_kinds}
    found = []
    for cert in _in_use(project):
        for lead in profile.reminders.lead_days:
            due = (cert.not_after - dt.timedelta(days=lead)).date()
            found.append(Reminder(cert.id, cert.kind, names.get(cert.kind, cert.kind), cert.subject, cert.not_after,
                                  lead, due))
    domain = domain_expiry(profile, project, now.date())
    if domain is not None:
        # Usable to the end of its last day.
        ends = dt.datetime.combine(domain.expires_on, dt.time(23, 59, 59), dt.UTC)
        for lead in profile.reminders.lead_days:
            found.append(Reminder("", "domain", f"domain verification of {domain.domain}", domain.domain, ends, lead,
                                  domain.expires_on - dt.timedelta(days=lead), renews="domain"))
    return tuple(sorted(found, key=lambda r: (r.due, r.kind)))


def _in_use(project: Project) -> list[CertificateRecord]:
    """The certificates a reminder is about: each kind's current one (not one already replaced)."""
    kinds = dict.fromkeys(c.kind for c in project.certificates)
    return [held[1] for kind in kinds if (held := project.current_certificate(kind)) is not None]


# ---------------------------------------------------------------- RFC 5545 writing


def escape_text(value: str) -> str:
    """TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1): CRLF then one space; never inside a UTF-8 character."""
    out: list[str] = []
    current: list[str] = []
    size, limit = 0, 75
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            out.append("".join(current))
            current, size, limit = [], 0, 74  # continuation lines start with a space, which counts
        current.append(ch)
        size += width
    out.append("".join(current))
    return "\r\n ".join(out)


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _day(value: dt.date) -> str:
    return value.strftime("%Y%m%d")


def to_ics(profile: Profile, project: Project, now: dt.datetime) -> str:
    """The calendar file's text: CRLF line ends, folded lines, escaped text, UID, DTSTAMP and VALARMs."""
    org = project.organisation
    env = profile.environment(project.environment).name
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//DIP Onboarding Wizard//{__version__}//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{escape_text(f'DIP certificates: {org.name}')}"]
    names = {k.id: k.name for k in profile.certificate_kinds}
    note = "" if profile.reminders.provenance.confirmed else f" {profile.reminders.provenance.note or ''}"
    today = now.date()
    for cert in _in_use(project):
        name = names.get(cert.kind, cert.kind)
        expiry = cert.not_after.date()
        about = (f"The {name} ({cert.subject}) of {org.name} for the DIP {env} environment expires on "
                 f"{cert.not_after:%d %b %Y %H:%M} UTC. Start the renewal in the DIP Onboarding Wizard "
                 f"(dip-onboarding renew DIR --cert {cert.kind}); the current certificate stays in use until the "
                 f"new one is imported.{note}")
        lines += _event(f"{cert.id}-expiry@{UID_DOMAIN}", now, expiry, f"{name} expires ({org.name})", about,
                        [f"-P{lead}D" for lead in sorted({*profile.reminders.lead_days, 1}, reverse=True)])
        for lead in profile.reminders.lead_days:
            due = expiry - dt.timedelta(days=lead)
            if due < today:
                continue
            lines += _event(f"{cert.id}-renew-{lead}@{UID_DOMAIN}", now, due,
                            f"Renew the {name}: {lead} days left ({org.name})", about, ["PT9H"])
    lines += _domain_events(profile, project, now, env)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _domain_events(profile: Profile, project: Project, now: dt.datetime, env: str) -> list[str]:
    """The verified domain's expiry, with the same alarms and reminder days as a certificate's."""
    domain = domain_expiry(profile, project, now.date())
    if domain is None:
        return []
    org = project.organisation
    uid = f"domain-{domain.domain}-{project.environment}"
    caveat = unconfirmed_words(domain.validity)
    about = (f"The verification of {org.name}'s domain {domain.domain} (verified on {domain.verified_on:%d %b %Y}) "
             f"for the DIP {env} environment can be used until {domain.expires_on:%d %b %Y}. "
             f"{domain.validity.renew_text} Then record the new date in the DIP Onboarding Wizard "
             f"(dip-onboarding domain verified DIR --on YYYY-MM-DD).{' ' + caveat if caveat else ''}")
    lines = _event(f"{uid}-expiry@{UID_DOMAIN}", now, domain.expires_on,
                   f"Domain verification of {domain.domain} expires ({org.name})", about,
                   [f"-P{lead}D" for lead in sorted({*profile.reminders.lead_days, 1}, reverse=True)])
    for lead in profile.reminders.lead_days:
        due = domain.expires_on - dt.timedelta(days=lead)
        if due >= now.date():
            lines += _event(f"{uid}-renew-{lead}@{UID_DOMAIN}", now, due,
                            f"Renew the domain verification of {domain.domain}: {lead} days left ({org.name})",
                            about, ["PT9H"])
    return lines


def _event(uid: str, now: dt.datetime, day: dt.date, summary: str, description: str,
           triggers: list[str]) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{_stamp(now)}", f"DTSTART;VALUE=DATE:{_day(day)}",
             f"DTEND;VALUE=DATE:{_day(day + dt.timedelta(days=1))}", f"SUMMARY:{escape_text(summary)}",
             f"DESCRIPTION:{escape_text(description)}", "TRANSP:TRANSPARENT", "CATEGORIES:DIP,Certificates"]
    for trigger in triggers:
        # A trigger on an all-day event is relative to its start (midnight): PT9H is 9 in the morning that day.
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"TRIGGER:{trigger}", f"DESCRIPTION:{escape_text(summary)}",
                  "END:VALARM"]
    lines.append("END:VEVENT")
    return lines
