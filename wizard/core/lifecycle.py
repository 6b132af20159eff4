"""The key lifecycle, in one place: pending → active → retired → destroyed (docs/architecture.md has the table).

Every rule about when a key may be made, replaced, switched to, retired or destroyed is a pure function here, on
the project alone; `wizard/actions` carries out the vault half. No key is ever deleted as a side effect of another
action: only `abandon` (a pending key, confirmed by the user), `destroy_retired` (a retired key whose certificate
has expired, or confirmed by the user) and the repair of an interrupted write take a key out of its vault, and only
ever an entry that carries this project's identity.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from wizard.core.errors import WizardError
from wizard.core.model import (
    CertificateRecord,
    FolderHome,
    KeyIntent,
    KeyRecord,
    Project,
    with_key,
    without_key,
)

# state → (what it means, how it is left) — drawn as the table in docs/architecture.md; a test keeps them equal.
TRANSITIONS: tuple[tuple[str, str, str], ...] = (
    ("(none)", "pending", "key generate / key import / renew: the key is written to a vault, intent recorded first"),
    ("pending", "pending", "key generate --replace while its CSR was never exported (the old pending key goes)"),
    ("pending", "active", "its certificate is imported and valid now, or the first open on or after its start"),
    ("pending", "destroyed", "key abandon (asks, naming the CSR's key fingerprint)"),
    ("active", "retired", "a newer key of its kind becomes active"),
    ("retired", "destroyed", "its certificate has expired (at the next open), or keys destroy-retired (asks)"),
)


class KeyRuleError(WizardError):
    """An action the lifecycle does not allow now; the message names what to do instead."""


def new_identity() -> str:
    return "p-" + secrets.token_hex(8)


def key_entry(project: Project, key_id: str) -> str:
    """The vault entry name for a key of this project: it carries the project's identity."""
    return f"{project.identity}/{key_id}" if project.identity else key_id


def owns_entry(project: Project, entry: str) -> bool:
    """Whether this project may delete `entry`: only entries under its own identity are its alone."""
    return bool(project.identity) and entry.startswith(project.identity + "/")


# ---------------------------------------------------------------- making keys


@dataclass(frozen=True, slots=True)
class NewKeyPlan:
    kind: str
    replaces: str | None  # the active key the new one will take over from
    supersedes: KeyRecord | None  # a pending key never sent: the new key takes its place


def plan_new_key(project: Project, kind_id: str, kind_name: str, *, replace_key: bool, folder: str = "DIR") -> \
        NewKeyPlan:
    """Whether a new key may be made for a kind now, and what it does to the kind's other keys."""
    pending = project.key_in_state(kind_id, "pending")
    active = project.key_in_state(kind_id, "active")
    if pending is None and active is None:
        return NewKeyPlan(kind_id, None, None)
    if not replace_key:
        existing = pending or active
        assert existing is not None
        raise KeyRuleError(f"The {kind_name} already has a key (made {existing.created_at:%d %b %Y}). To make a "
                           "replacement add --replace; the current key stays until the new certificate is "
                           "imported.")
    if pending is not None and (pending.csr_exported_at is not None or project.certificate_for(pending.id)):
        raise KeyRuleError(
            f"The {kind_name} already has a new key whose CSR was exported on "
            f"{(pending.csr_exported_at or pending.created_at):%d %b %Y}: its certificate may be on its way, so it "
            f"is kept. If you will not use it, abandon it first: dip-onboarding key abandon {folder} --cert "
            f"{kind_id}")
    return NewKeyPlan(kind_id, active.id if active is not None else None, pending)


def begin_key(project: Project, kind_id: str, vault: str, now: dt.datetime, key_id: str) -> Project:
    """Record the intent to write a key before any of it reaches the vault."""
    intent = KeyIntent(key_id, kind_id, key_entry(project, key_id), vault, now)
    return replace(project, key_intents=(*project.key_intents, intent))


def finish_key(project: Project, plan: NewKeyPlan, record: KeyRecord) -> Project:
    """The key written to its vault: recorded as pending and its intent gone. A pending key it supersedes leaves
    the project as an intent (its entry is removed next, by the caller or at the next open), so its vault entry is
    never referred to by nothing. Refused when the project changed under the job: the intent is gone, or the key
    to be superseded has since had its CSR exported or a certificate (it may have been sent: it stays)."""
    intent = next((t for t in project.key_intents if t.id == record.id), None)
    if intent is None:
        raise KeyRuleError("The project changed while the key was being made (it was repaired or reopened "
                           "elsewhere), so the new key was not recorded. Try again.")
    pending = project.key_in_state(plan.kind, "pending")
    expected = plan.supersedes.id if plan.supersedes is not None else None
    if pending is not None and (pending.id != expected or pending.csr_exported_at is not None
                                or project.certificate_for(pending.id) is not None):
        raise KeyRuleError("While the new key was being made, the CSR of the key it was to replace was exported "
                           "(or another new key was made), so that key is kept and the new one was not recorded. "
                           "If you will not use it, abandon it first, then make the key again.")
    updated = replace(project, key_intents=tuple(t for t in project.key_intents if t.id != record.id))
    if pending is not None:
        gone = KeyIntent(pending.id, pending.kind, pending.vault_entry, pending.vault, record.created_at)
        updated = replace(without_key(updated, pending.id), key_intents=(*updated.key_intents, gone))
    return with_key(updated, replace(record, replaces=plan.replaces, state="pending", entry=intent.entry))


def without_intent(project: Project, key_id: str) -> Project:
    return replace(project, key_intents=tuple(t for t in project.key_intents if t.id != key_id))


# ---------------------------------------------------------------- certificates


@dataclass(frozen=True, slots=True)
class CertificateOutcome:
    state: str  # "active" (in use now), "waiting" (valid from `valid_from`) or "retired" (a retired key's)
    valid_from: dt.datetime
    retired: tuple[KeyRecord, ...]  # keys that left use (kept in their vault until destroyed)


def with_certificate(project: Project, key: KeyRecord, record: CertificateRecord, now: dt.datetime) -> \
        tuple[Project, CertificateOutcome]:
    """Record a certificate for one of the project's keys. A pending key becomes active only when the certificate
    is valid now; until then it waits, and the kind's active key and certificate stay in use."""
    updated = replace(project, certificates=(*(c for c in project.certificates if c.key_id != key.id), record))
    if key.state != "pending" or record.not_before > now:
        state = "waiting" if key.state == "pending" else key.state
        return updated, CertificateOutcome(state, record.not_before, ())
    return _switch(updated, key, record.not_before)


def _switch(project: Project, key: KeyRecord, valid_from: dt.datetime) -> tuple[Project, CertificateOutcome]:
    retired = []
    updated = project
    for other in project.keys_for(key.kind):
        if other.state == "active" and other.id != key.id:
            retired.append(replace(other, state="retired"))
            updated = with_key(updated, retired[-1])
    updated = with_key(updated, replace(project.key(key.id), state="active", replaces=None))
    return updated, CertificateOutcome("active", valid_from, tuple(retired))


def due_switches(project: Project, now: dt.datetime) -> tuple[KeyRecord, ...]:
    """Pending keys whose waiting certificate has become valid."""
    due = []
    for key in project.keys:
        cert = project.certificate_for(key.id)
        if key.state == "pending" and cert is not None and cert.not_before <= now:
            due.append(key)
    return tuple(due)


def with_switch(project: Project, key: KeyRecord) -> tuple[Project, CertificateOutcome]:
    cert = project.certificate_for(key.id)
    assert cert is not None
    return _switch(project, key, cert.not_before)


# ---------------------------------------------------------------- leaving the project


def abandonable(project: Project, kind_id: str, kind_name: str) -> KeyRecord:
    pending = project.key_in_state(kind_id, "pending")
    if pending is None:
        raise KeyRuleError(f"The {kind_name} has no new key waiting for a certificate, so there is nothing to "
                           "abandon.")
    return pending


def expired_retired(project: Project, now: dt.datetime) -> tuple[KeyRecord, ...]:
    """Retired keys whose certificate has expired: they are destroyed at the next open without asking."""
    found = []
    for key in project.keys:
        cert = project.certificate_for(key.id)
        if key.state == "retired" and (cert is None or cert.not_after <= now):
            found.append(key)
    return tuple(found)


def retired_keys(project: Project, kind_id: str | None) -> tuple[KeyRecord, ...]:
    return tuple(k for k in project.keys if k.state == "retired" and (kind_id is None or k.kind == kind_id))


def without_destroyed(project: Project, key: KeyRecord) -> Project:
    """The project once `key` has been destroyed: the record and its certificate go."""
    updated = replace(project, certificates=tuple(c for c in project.certificates if c.key_id != key.id))
    return without_key(updated, key.id)


# ---------------------------------------------------------------- how a key is described


def key_status(project: Project, key: KeyRecord, now: dt.datetime) -> str:
    """One word or phrase for status lines and tables: never reads as "in use" for a waiting key."""
    cert = project.certificate_for(key.id)
    if key.state == "pending":
        if cert is not None:
            return f"waiting, valid from {cert.not_before:%d %b %Y}"
        if key.brought_in:
            return "brought in, waiting for its certificate"
        return "CSR exported" if key.csr_exported_at is not None else "key made"
    if key.state == "retired":
        return "retired"
    if cert is not None and cert.not_after <= now:
        return "expired"
    return "certificate imported"




def kind_state(project: Project, kind_id: str) -> str:
    """A kind's state in words, for tables: a waiting certificate never reads as imported and in use."""
    pending = project.key_in_state(kind_id, "pending")
    active = project.key_in_state(kind_id, "active")
    if pending is not None:
        waiting = project.certificate_for(pending.id)
        if waiting is not None:
            return f"New certificate waiting, valid from {waiting.not_before:%d %b %Y}"
        if active is not None:
            return "Replacement key waiting for its certificate"
        if pending.brought_in:
            return "Key brought in, waiting for its certificate"
        return "CSR exported" if pending.csr_exported_at is not None else "Key made"
    if active is not None:
        return "Certificate imported"
    return "No key yet"


# ---------------------------------------------------------------- which folder a project is in


def folder_home(folder: Path) -> FolderHome:
    """The folder's resolved path and file id. On Windows, Python's stat gives the volume serial number and file
    index here, which, like a device and inode, a copy never shares with its original."""
    info = folder.stat()
    return FolderHome(str(folder.resolve()), f"{info.st_dev}:{info.st_ino}")


def folder_relation(project: Project, folder: Path) -> str:
    """"new" (no identity yet: made before projects had one), "same" (this folder, perhaps renamed, moved on its
    disk or restored to its place), or "copy" (another path and another file id: a copied folder)."""
    if not project.identity or project.home is None:
        return "new"
    here = folder_home(folder)
    if here.file_id == project.home.file_id or here.path == project.home.path:
        return "same"
    return "copy"


def is_copied(project: Project, folder: Path) -> bool:
    """A copied folder, not yet independent: the GUI asks before housekeeping makes it so."""
    return folder_relation(project, folder) == "copy"


def needs_housekeeping(project: Project, folder: Path, now: dt.datetime) -> bool:
    """Whether opening the project has lifecycle work to finish (wizard/actions/opening.housekeep): cheap, one stat
    of the folder, and here rather than beside `housekeep` so that opening a settled project never loads the vault
    code (~10 ms before a reopened project's page is drawn)."""
    relation = folder_relation(project, folder)
    if relation != "same" or project.key_intents or due_switches(project, now) or expired_retired(project, now):
        return True
    home = folder_home(folder)
    return (home != project.home or any(not owns_entry(project, k.vault_entry) for k in project.keys)
            or (project.atlas_credentials is not None
                and not owns_entry(project, project.atlas_credentials.vault_entry)))


__all__ = [
    "TRANSITIONS",
    "CertificateOutcome",
    "KeyRuleError",
    "NewKeyPlan",
    "abandonable",
    "begin_key",
    "due_switches",
    "expired_retired",
    "finish_key",
    "folder_home",
    "folder_relation",
    "is_copied",
    "key_entry",
    "key_status",
    "kind_state",
    "needs_housekeeping",
    "new_identity",
    "owns_entry",
    "plan_new_key",
    "retired_keys",
    "with_certificate",
    "with_switch",
    "without_destroyed",
    "without_intent",
]
