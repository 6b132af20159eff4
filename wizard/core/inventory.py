"""The project's certificates as a list with their status (in use, soon to expire, expired, waiting, retired),
from what the project records: no certificate is parsed, so cryptography is not imported. The expiry reminder on
every page and the Certificates and Renewals tables read it (bench/README.md, resume_ratio)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wizard.core.model import CertificateRecord, Project
from wizard.core.profile import Profile


@dataclass(frozen=True, slots=True)
class InventoryRow:
    kind: str
    kind_name: str
    subject: str
    issuer: str
    not_after: dt.datetime
    days_left: int
    status: str  # "ok", "soon" (inside the first reminder lead time), "expired"; for a key not in use: "waiting"
    # (valid from `not_before`, its key not yet switched to) or "retired" (kept until it expires; never a reminder)
    not_before: dt.datetime


def certificate_status(profile: Profile, project: Project, c: CertificateRecord, now: dt.datetime) -> str:
    """`InventoryRow.status` of one certificate: "waiting", "retired", "expired", "soon" or "ok"."""
    state = next((k.state for k in project.keys if k.id == c.key_id), "active")
    if state in ("pending", "retired"):
        return "waiting" if state == "pending" else "retired"
    if c.not_after <= now:
        return "expired"
    return "soon" if (c.not_after - now).days <= max(profile.reminders.lead_days) else "ok"


def inventory(profile: Profile, project: Project, now: dt.datetime) -> tuple[InventoryRow, ...]:
    """Every certificate of the project, soonest expiry first."""
    names = {k.id: k.name for k in profile.certificate_kinds}
    rows = [InventoryRow(c.kind, names.get(c.kind, c.kind), c.subject, c.issuer, c.not_after, (c.not_after - now).days,
                         certificate_status(profile, project, c, now), c.not_before) for c in project.certificates]
    return tuple(sorted(rows, key=lambda r: r.not_after))
