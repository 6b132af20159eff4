"""Promotion to Production: a new Production project made from the UIT one, with its own checklist.

The profile says, step by step, what happens at promotion (`production = "reuse" | "repeat" | "confirm"`) and
whether people carry over. Carried over: the organisation, MPIDs, role codes and the steps marked reuse. Listed to
redo: people (re-created in Production), steps marked repeat. Listed to confirm: steps marked confirm, each DIP ID and
webhook (copied, marked unconfirmed), the certificates. The UIT project folder is only read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from wizard.core.errors import WizardError
from wizard.core.model import ChecklistItem, KeyRecord, Project, StepProgress
from wizard.core.people import role_labels
from wizard.core.profile import Profile
from wizard.core.session import ProjectSession

PRODUCTION = "production"
KeyCopier = Callable[[KeyRecord], KeyRecord]


def promoted_project(profile: Profile, uit: Project, uit_folder: Path, now: dt.datetime,
                     copy_key: KeyCopier | None = None) -> Project:
    """The Production project's content (not saved). `copy_key` copies a key into a new vault entry for kinds
    whose step the profile marks reuse; without it those certificates are listed to bring over instead."""
    if uit.environment == PRODUCTION:
        raise WizardError("This project is already the Production one; promotion starts from the UIT project.")
    target = profile.environment(PRODUCTION)
    steps = profile.steps_for(PRODUCTION)
    handling = {s.id: s.production for s in steps}
    items: list[ChecklistItem] = []
    progress: list[StepProgress] = []
    in_uit = {s.id for s in profile.steps_for(uit.environment)}
    for s in steps:
        if s.id not in in_uit:
            items.append(ChecklistItem(f"step:{s.id}", f"{s.heading}: the step this checklist is part of."))
        elif s.production == "reuse" and uit.step_progress(s.id).status == "done":
            progress.append(replace(uit.step_progress(s.id), note="carried over from UIT"))
            items.append(ChecklistItem(f"step:{s.id}", f"{s.heading}: done in UIT and not repeated in Production.",
                                       done=True, done_at=now))
        elif s.production == "repeat":
            items.append(ChecklistItem(f"step:{s.id}", f"{s.heading}: do this again in Production."))
        else:
            items.append(ChecklistItem(f"step:{s.id}", f"{s.heading}: confirm whether this must be done again in "
                                                       "Production, and do it if so."))
    people = uit.people
    if not target.people_carry_over:
        people = tuple(replace(p, portal_status="planned") for p in uit.people)
        for p in people:
            items.append(ChecklistItem(f"person:{p.id}", f"Create {p.name}'s DIP account in Production "
                                                         f"({', '.join(role_labels(profile, p))})."))
    keys: list[KeyRecord] = []
    certificates = []
    for kind in profile.certificate_kinds:
        held = uit.current_certificate(kind.id)
        if held is None:
            continue
        if handling.get(kind.step) == "reuse" and copy_key is not None:
            key = replace(copy_key(held[0]), replaces=None, csr_pem=None, csr_exported_at=None, state="active")
            keys.append(key)
            certificates.append(replace(held[1], key_id=key.id))
            items.append(ChecklistItem(f"kind:{kind.id}", f"Check that the {kind.name} carried over from UIT is "
                                                          "accepted in Production."))
        else:
            items.append(ChecklistItem(f"kind:{kind.id}", f"{kind.name}: confirm whether the UIT certificate can be "
                                                          "used in Production; if not, make a new key and CSR here."))
    for d in uit.dip_ids:
        items.append(ChecklistItem(f"dip-id:{d.id}", f"Confirm the DIP ID {d.id} ({d.mpid}, {d.role_code}"
                                                     f"{', DCP ' + d.dcp_id if d.dcp_id else ''}) in Production; "
                                                     "correct it if Production gave a different one."))
    for c in uit.channels:
        items.append(ChecklistItem(f"channel:{c.id}", f"Confirm the webhook for {c.channel} of DIP ID {c.dip_id} "
                                                      f"in Production (UIT used {c.url})."))
    if uit.domain_txt is not None:
        items.append(ChecklistItem("domain", f"Confirm domain verification of {uit.organisation.domain} in "
                                             "Production. Keep the TXT record from UIT in place."))
    return Project(
        profile_id=uit.profile_id, environment=PRODUCTION, organisation=uit.organisation, created_at=now,
        updated_at=now, mpids=uit.mpids, people=people, progress=tuple(progress),
        promoted_from=str(uit_folder.resolve()), keys=tuple(keys), certificates=tuple(certificates),
        dip_ids=tuple(replace(d, confirmed=False) for d in uit.dip_ids),
        channels=tuple(replace(c, confirmed=False) for c in uit.channels), role_codes=uit.role_codes,
        checklist=tuple(items))


def promote(uit: ProjectSession, out: Path,
            copy_key: Callable[[ProjectSession], KeyCopier] | None = None) -> ProjectSession:
    """Create the Production project in `out` (which must not hold a project) from the open UIT project.
    `copy_key` is given the new project's session (its keys go under its identity: wizard/actions/promotion.py)."""
    if out.resolve() == uit.folder.resolve():
        raise WizardError("Choose a different folder for the Production project; the UIT project stays as it is.")
    promoted_project(uit.profile, uit.project, uit.folder, uit.clock())  # refuses before anything is made
    session = ProjectSession.create(out, uit.profile, uit.clock, organisation=uit.project.organisation,
                                    environment=PRODUCTION, mpids=uit.project.mpids)
    content = promoted_project(uit.profile, uit.project, uit.folder, uit.clock(),
                               copy_key(session) if copy_key is not None else None)
    session.record("promoted from UIT", {"from": str(uit.folder.resolve()), "checklist": len(content.checklist)})
    # The new project's own identity and folder stay; the copied keys' intents end with this save.
    session.commit(replace(content, created_at=session.project.created_at, identity=session.project.identity,
                           home=session.project.home))
    return session


def tick(project: Project, item_id: str, now: dt.datetime, done: bool = True) -> Project:
    """Mark a checklist item done (or not); unknown ids are ignored, so callers may tick optimistically."""
    return replace(project, checklist=tuple(
        replace(i, done=done, done_at=now if done else None) if i.id == item_id and i.done != done else i
        for i in project.checklist))


def tick_by_user(project: Project, item_id: str, now: dt.datetime, done: bool = True) -> Project:
    if not any(i.id == item_id for i in project.checklist):
        have = ", ".join(i.id for i in project.checklist) or "none"
        raise WizardError(f'No checklist item "{item_id}" in this project (it has: {have}).')
    return tick(project, item_id, now, done)


def open_items(project: Project) -> tuple[ChecklistItem, ...]:
    return tuple(i for i in project.checklist if not i.done)
