"""DIP IDs (one per MPID and DIP role code, optionally delegated to a DCP) and their message channels, checked
against the profile, and the CSV tables the integration engineer works from."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import replace

from wizard.core.errors import InvalidInput, UnknownId
from wizard.core.findings import Finding
from wizard.core.model import Channel, DipId, Project, _upserted
from wizard.core.profile import Profile
from wizard.core.promotion import tick
from wizard.core.validation import normalise_mpid
from wizard.core.webhooks import accept_webhook_url, check_webhook_url

_OPAQUE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
_ROLE_CODE = re.compile(r"[A-Z0-9]{2,8}")


def known_role_codes(profile: Profile, project: Project) -> tuple[str, ...]:
    """The profile's DIP role codes, then those on the project's MPIDs and those the user added, each once."""
    codes = [*profile.dip_ids.role_codes, *(c for m in project.mpids for c in m.role_codes), *project.role_codes]
    return tuple(dict.fromkeys(codes))


def normalise_role_code(value: str) -> str:
    code = value.strip().upper()
    if not _ROLE_CODE.fullmatch(code):
        raise InvalidInput("role_code", f'"{value.strip()}" is not a DIP role code: use 2 to 8 letters or digits, '
                                        "for example LDSO.")
    return code


def _opaque(field: str, value: str, what: str) -> str:
    text = value.strip()
    if not text:
        raise InvalidInput(field, f"Enter the {what} as the DIP portal shows it.")
    if not _OPAQUE_ID.fullmatch(text):
        raise InvalidInput(field, f'"{text}" is not a {what}: use up to 40 letters, digits, - or _, exactly as '
                                  "the DIP portal shows it.")
    return text


def build_dip_id(profile: Profile, project: Project, *, mpid: str, role_code: str, dip_id: str,
                 dcp_id: str = "", new_role_code: bool = False,
                 now: dt.datetime | None = None) -> tuple[Project, DipId, tuple[Finding, ...]]:
    """Check what was typed and return the project with the DIP ID added (or replaced, for the same DIP ID).

    Refuses (`InvalidInput`): a role code the profile and project do not know unless `new_role_code` (then it is
    added to the project's codes), a second DIP ID for the same MPID and role, and a DCP ID already used for a
    different role (each delegated role needs its own DCP ID). Soft findings: an MPID of an unexpected form, a
    DIP ID that is not numeric.
    """
    rules = profile.dip_ids
    src, ok = rules.provenance.source, rules.provenance.confirmed
    clean_mpid = normalise_mpid(mpid)
    code = normalise_role_code(role_code)
    known = known_role_codes(profile, project)
    if code not in known and not new_role_code:
        raise InvalidInput("role_code", f"{code} is not a DIP role code this project knows ({', '.join(known)}). "
                                        "If it is on your qualification records, add it as a new role code "
                                        "(--new-role-code on the command line).")
    ident = _opaque("dip_id", dip_id, "DIP ID")
    dcp = _opaque("dcp_id", dcp_id, "DCP ID") if dcp_id.strip() else None
    for other in project.dip_ids:
        if other.id == ident:
            continue
        if (other.mpid, other.role_code) == (clean_mpid, code):
            raise InvalidInput("dip_id", f"{clean_mpid} already has the DIP ID {other.id} for the role {code}; each "
                                         "pair of MPID and role has one DIP ID. Change that one instead.")
        if dcp is not None and other.dcp_id == dcp and other.role_code != code:
            raise InvalidInput("dcp_id", f"The DCP ID {dcp} is already used for the role {other.role_code} "
                                         f"(DIP ID {other.id}). Each role delegated to a DIP Connection Provider "
                                         "needs its own DCP ID.")
    found: list[Finding] = []
    if not re.fullmatch(rules.mpid_pattern, clean_mpid):
        found.append(Finding("warning", "mpid-form", f"{clean_mpid} does not look like an MPID (usually 4 capital "
                             "letters). Check it against your qualification records.", src, ok))
    if not ident.isdigit():
        found.append(Finding("warning", "dip-id-form", f"{ident} is not all digits, as DIP IDs usually are. Check "
                             "it against the DIP portal's DIP ID tab.", src, ok))
    if code not in rules.role_codes and code not in project.role_codes:
        found.append(Finding("info", "role-code-added", f"{code} is not in the profile's list of DIP role codes; "
                             "it is kept as one of this project's own.", src, ok))
    record = DipId(ident, clean_mpid, code, dcp, confirmed=True)
    updated = replace(project, dip_ids=_upserted(project.dip_ids, record))
    if code not in known:
        updated = replace(updated, role_codes=(*project.role_codes, code))
    if now is not None:  # recording it again in a promoted project confirms it there
        updated = tick(updated, f"dip-id:{ident}", now)
    return updated, record, tuple(found)


def unlisted_mpid(project: Project, mpid: str) -> str | None:
    """A warning when `mpid` is not one of the project's MPIDs (naming those it lists), else None."""
    listed = [m.mpid for m in project.mpids]
    if normalise_mpid(mpid) in listed:
        return None
    where = f"it lists {', '.join(listed)}" if listed else "it lists none yet"
    return (f"{normalise_mpid(mpid)} is not one of this project's MPIDs ({where}); the DIP ID was recorded anyway. "
            "Check the MPID against your qualification records.")


def without_dip_id(project: Project, dip_id: str) -> Project:
    """Remove a DIP ID and its channels."""
    project.dip_id(dip_id)
    return replace(project, dip_ids=tuple(d for d in project.dip_ids if d.id != dip_id),
                   channels=tuple(c for c in project.channels if c.dip_id != dip_id))


def normalise_channel(profile: Profile, value: str) -> str:
    text = value.strip().upper().replace(" ", "-").replace("_", "-")
    if not re.fullmatch(profile.dip_ids.channel_pattern, text):
        raise InvalidInput("channel", f'"{value.strip()}" is not a message channel: use the IF or PUB number, for '
                                      "example IF-001 or PUB-035.")
    return text


def set_channel(profile: Profile, project: Project, *, dip_id: str, channel: str, url: str,
                now: dt.datetime | None = None) -> tuple[Project, Channel, tuple[Finding, ...]]:
    """Record the webhook for one channel of a DIP ID; refuses an address that breaks a rule marked error."""
    try:
        project.dip_id(dip_id.strip())
    except UnknownId:
        have = ", ".join(d.id for d in project.dip_ids) or "none yet"
        raise InvalidInput("dip_id", f'No DIP ID "{dip_id.strip()}" in this project (it has: {have}). Add it '
                                     "first.") from None
    name = normalise_channel(profile, channel)
    clean, findings = accept_webhook_url(profile, url, verified_domain(profile, project))
    record = Channel(dip_id.strip(), name, clean, confirmed=True)
    updated = replace(project, channels=_upserted(project.channels, record))
    if now is not None:
        updated = tick(updated, f"channel:{record.id}", now)
    return updated, record, findings


def without_channel(project: Project, dip_id: str, channel: str) -> Project:
    wanted = f"{dip_id}/{channel}"
    if not any(c.id == wanted for c in project.channels):
        raise UnknownId(f"No channel {channel} for the DIP ID {dip_id} in this project.")
    return replace(project, channels=tuple(c for c in project.channels if c.id != wanted))


def verified_domain(profile: Profile, project: Project) -> str:
    """The organisation's domain once its verification step is done, else "": until then "your webhook is not
    under the domain you verified" would be about a domain nobody has verified."""
    from wizard.core.flow import PageId, steps_on_page

    steps = steps_on_page(profile, PageId.DOMAIN)
    done = any(p.step_id in steps and p.status == "done" for p in project.progress)
    return project.organisation.domain if done else ""


def channel_findings(profile: Profile, project: Project, channel: Channel) -> tuple[Finding, ...]:
    """The profile's findings for a recorded channel (the rules may have been tightened since it was saved)."""
    try:
        return check_webhook_url(profile, channel.url, verified_domain(profile, project))[1]
    except InvalidInput as exc:
        return (Finding("error", "webhook-invalid", str(exc)),)


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 line ends, which Excel reads everywhere
    for row in rows:
        # A cell starting with = + - @ would be run as a formula by spreadsheet programs; quote it as text.
        writer.writerow(["'" + c if c[:1] in ("=", "+", "-", "@", "\t", "\r") else c for c in row])
    return out.getvalue()


def dip_ids_csv(project: Project) -> str:
    """One row per DIP ID: MPID, DIP role code, DIP ID, DCP ID, whether it is confirmed for this environment."""
    rows = [["environment", "mpid", "role_code", "dip_id", "dcp_id", "confirmed"]]
    rows += [[project.environment, d.mpid, d.role_code, d.id, d.dcp_id or "", "yes" if d.confirmed else "no"]
             for d in project.dip_ids]
    return _csv(rows)


def channels_csv(project: Project) -> str:
    """One row per message channel: its DIP ID (with MPID and role) and the webhook address that receives it."""
    rows = [["environment", "dip_id", "mpid", "role_code", "channel", "webhook_url", "confirmed"]]
    by_id = {d.id: d for d in project.dip_ids}
    for c in sorted(project.channels, key=lambda c: (c.dip_id, c.channel)):
        d = by_id.get(c.dip_id)
        rows.append([project.environment, c.dip_id, d.mpid if d else "", d.role_code if d else "", c.channel, c.url,
                     "yes" if c.confirmed else "no"])
    return _csv(rows)
