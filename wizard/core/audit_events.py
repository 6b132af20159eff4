"""What changed between two saved states of a project, as audit events.

`ProjectSession.commit` logs these after every save, so the CLI and every page are audited the same way without
each remembering to. Details hold names, ids and fingerprints only: never key material or secrets.
"""

from __future__ import annotations

from typing import Any

from wizard.core.model import Project

Event = tuple[str, dict[str, Any]]


def changes(old: Project, new: Project) -> list[Event]:
    events: list[Event] = []
    if old.organisation != new.organisation:
        o = new.organisation
        events.append(("organisation changed", {"name": o.name, "company_number": o.company_number,
                                                "domain": o.domain, "is_dcp": o.is_dcp}))
    if old.mpids != new.mpids:
        events.append(("MPIDs changed", {"mpids": [f"{m.mpid}:{','.join(m.role_codes)}" for m in new.mpids]}))
    events.extend(_people(old, new))
    events.extend(_steps(old, new))
    events.extend(_keys(old, new))
    before_certs = {c.id for c in old.certificates}
    for c in new.certificates:
        if c.id not in before_certs:
            events.append(("certificate imported", {"kind": c.kind, "subject": c.subject, "fingerprint": c.fingerprint,
                                                    "not_after": c.not_after.isoformat(), "key": c.key_id}))
    after_certs = {c.id for c in new.certificates}
    for c in old.certificates:
        if c.id not in after_certs:
            events.append(("certificate retired", {"kind": c.kind, "fingerprint": c.fingerprint}))
    if old.atlas_credentials != new.atlas_credentials and new.atlas_credentials is not None:
        events.append(("Atlas API credentials saved", {"vault": new.atlas_credentials.vault}))
    events.extend(_dip_ids(old, new))
    events.extend(_channels(old, new))
    for code in new.role_codes:
        if code not in old.role_codes:
            events.append(("role code added", {"role_code": code}))
    if old.domain_txt != new.domain_txt:
        events.append(("domain TXT value recorded" if new.domain_txt else "domain TXT value removed",
                       {"value": new.domain_txt.value} if new.domain_txt else {}))
    if old.domain_verified_on != new.domain_verified_on:
        events.append(("domain verified" if new.domain_verified_on else "domain verified date removed",
                       {"domain": new.organisation.domain, "verified_on": new.domain_verified_on.isoformat()}
                       if new.domain_verified_on else {"domain": new.organisation.domain}))
    before_items = {i.id: i for i in old.checklist}
    for item in new.checklist:
        was = before_items.get(item.id)
        if was is not None and was.done != item.done:
            events.append(("checklist item " + ("done" if item.done else "reopened"), {"item": item.id,
                                                                                        "text": item.text}))
    return events


def _people(old: Project, new: Project) -> list[Event]:
    events: list[Event] = []
    before = {p.id: p for p in old.people}
    after = {p.id: p for p in new.people}
    for p in new.people:
        was = before.get(p.id)
        if was is None:
            events.append(("person added", {"person": p.id, "name": p.name, "roles": list(p.roles),
                                            "primary_roles": list(p.primary_roles)}))
        elif was != p:
            details: dict[str, Any] = {"person": p.id, "name": p.name}
            if was.roles != p.roles or was.primary_roles != p.primary_roles:
                details.update(roles=list(p.roles), primary_roles=list(p.primary_roles),
                               roles_before=list(was.roles))
            if was.portal_status != p.portal_status:
                details["portal_status"] = p.portal_status
            events.append(("person changed", details))
    for p in old.people:
        if p.id not in after:
            events.append(("person removed", {"person": p.id, "name": p.name}))
    if [p.id for p in old.people if p.id in after] != [p.id for p in new.people if p.id in before]:
        events.append(("creation order changed", {"order": [p.name for p in new.people]}))
    return events


def _steps(old: Project, new: Project) -> list[Event]:
    return [("step status", {"step": s.step_id, "status": s.status}) for s in new.progress
            if old.step_progress(s.step_id).status != s.status]


def _keys(old: Project, new: Project) -> list[Event]:
    events: list[Event] = []
    before = {k.id: k for k in old.keys}
    after = {k.id for k in new.keys}
    for k in new.keys:
        was = before.get(k.id)
        if was is None:
            events.append(("key generated", {"kind": k.kind, "algorithm": k.algorithm, "fingerprint": k.fingerprint,
                                             "vault": k.vault, "key": k.id, "replaces": k.replaces}))
            continue
        if k.csr_exported_at is not None and k.csr_exported_at != was.csr_exported_at:
            events.append(("CSR exported", {"kind": k.kind, "fingerprint": k.fingerprint, "key": k.id}))
        if k.state != was.state:  # the lifecycle's moves (core/lifecycle.py)
            event = {"active": "key in use", "retired": "key retired"}.get(k.state, "key state changed")
            events.append((event, {"kind": k.kind, "fingerprint": k.fingerprint, "key": k.id, "state": k.state}))
    for k in old.keys:
        if k.id not in after:
            events.append(("key destroyed", {"kind": k.kind, "fingerprint": k.fingerprint, "key": k.id,
                                             "was": k.state}))
    return events


def _dip_ids(old: Project, new: Project) -> list[Event]:
    events: list[Event] = []
    before = {d.id: d for d in old.dip_ids}
    after = {d.id for d in new.dip_ids}
    for d in new.dip_ids:
        was = before.get(d.id)
        details = {"dip_id": d.id, "mpid": d.mpid, "role_code": d.role_code, "dcp_id": d.dcp_id}
        if was is None:
            events.append(("DIP ID added", details))
        elif was != d:
            events.append(("DIP ID changed", {**details, "confirmed": d.confirmed}))
    events.extend(("DIP ID removed", {"dip_id": d.id}) for d in old.dip_ids if d.id not in after)
    return events


def _channels(old: Project, new: Project) -> list[Event]:
    events: list[Event] = []
    before = {c.id: c for c in old.channels}
    after = {c.id for c in new.channels}
    for c in new.channels:
        was = before.get(c.id)
        if was != c:
            events.append(("channel set", {"dip_id": c.dip_id, "channel": c.channel, "url": c.url,
                                           "confirmed": c.confirmed}))
    events.extend(("channel removed", {"dip_id": c.dip_id, "channel": c.channel})
                  for c in old.channels if c.id not in after)
    return events
