"""The onboarding project: immutable records, changed only through the pure functions below.

A project is one organisation's onboarding to one DIP environment (UIT or Production). People are kept in the
order they are planned to be created in the DIP portal, because the portal asks for some roles to come first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Protocol, TypeVar

from wizard.core.errors import UnknownId

PORTAL_STATUSES = ("planned", "invited", "active")
# How a person's DIP portal account is said everywhere: the People page, the audit trail, the evidence pack.
PORTAL_STATUS_WORDS = {"planned": "Not created yet", "invited": "Invited to the DIP portal",
                       "active": "Has an active DIP account"}
STEP_STATUSES = ("not-started", "in-progress", "done")


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str
    company_number: str
    domain: str
    description: str = ""
    is_dcp: bool = False


@dataclass(frozen=True, slots=True)
class MarketParticipant:
    """An MPID and the market role codes it holds (e.g. LDSO)."""

    mpid: str
    role_codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    email: str
    phone: str = ""
    job_title: str = ""
    roles: tuple[str, ...] = ()
    primary_roles: tuple[str, ...] = ()
    external: bool = False
    portal_status: str = "planned"

    def holds(self, role_id: str) -> bool:
        return role_id in self.roles


@dataclass(frozen=True, slots=True)
class StepProgress:
    step_id: str
    status: str = "not-started"
    started_on: dt.date | None = None
    done_on: dt.date | None = None
    note: str = ""


VAULTS = ("keychain", "file")
# The key lifecycle (wizard/core/lifecycle.py): a key is made "pending", becomes "active" when a certificate for it
# is valid, "retired" when a newer key of its kind becomes active; a destroyed key leaves the project.
KEY_STATES = ("pending", "active", "retired")


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """What the project knows about a private key: never the key itself, which lives in a vault under `id`.

    `replaces` names the key this one will take over from once its certificate is imported; until then both
    are kept. `csr_pem` is the last exported certificate signing request (public data). `state` is its place in
    the lifecycle (KEY_STATES); `entry` the vault entry that holds it, which carries the project's identity ("" on
    keys recorded before entries did: their entry is the key id). `brought_in`: the key came from a PFX or key file
    the user already had, rather than being made here.
    """

    id: str
    kind: str
    algorithm: str
    fingerprint: str
    created_at: dt.datetime
    vault: str = "keychain"
    replaces: str | None = None
    csr_pem: str | None = None
    csr_exported_at: dt.datetime | None = None
    state: str = "pending"
    entry: str = ""
    brought_in: bool = False

    @property
    def vault_entry(self) -> str:
        return self.entry or self.id


@dataclass(frozen=True, slots=True)
class KeyIntent:
    """A key about to be written to a vault, recorded in the project first: if the program stops before the key is
    recorded, the next open finds this and removes whatever part of the entry was written (lifecycle.py)."""

    id: str
    kind: str
    entry: str
    vault: str
    started_at: dt.datetime


@dataclass(frozen=True, slots=True)
class FolderHome:
    """Where the project file lives: its folder's path and file id (device and inode, or the volume serial and
    file index on Windows). A folder with another path and another file id is a copy (lifecycle.py)."""

    path: str
    file_id: str


@dataclass(frozen=True, slots=True)
class CertificateRecord:
    """An issued certificate matched to one of the project's keys, with the chain that came with it (PEM).

    Certificates are public, so the project keeps them whole; the summary fields are for lists and reminders.
    """

    id: str
    kind: str
    key_id: str
    pem: str
    chain_pem: str
    fingerprint: str
    subject: str
    issuer: str
    not_before: dt.datetime
    not_after: dt.datetime
    imported_at: dt.datetime


@dataclass(frozen=True, slots=True)
class StoredSecret:
    """A secret kept in a vault under `id` (e.g. the Atlas API key and secret); the project holds only this."""

    id: str
    vault: str
    saved_at: dt.datetime
    entry: str = ""

    @property
    def vault_entry(self) -> str:
        return self.entry or self.id


@dataclass(frozen=True, slots=True)
class DipId:
    """A DIP ID from the portal: one (MPID, DIP role code) pair; `dcp_id` when that role is delegated to a DIP
    Connection Provider. `confirmed` is false on a project promoted to Production until the user confirms it."""

    id: str
    mpid: str
    role_code: str
    dcp_id: str | None = None
    confirmed: bool = True


@dataclass(frozen=True, slots=True)
class Channel:
    """A message channel (IF-nnn / PUB-nnn) of a DIP ID and the webhook address that receives it."""

    dip_id: str
    channel: str
    url: str
    confirmed: bool = True

    @property
    def id(self) -> str:
        return f"{self.dip_id}/{self.channel}"


@dataclass(frozen=True, slots=True)
class DomainTxt:
    """The TXT value the DIP portal showed for domain verification (public: it goes into DNS)."""

    value: str
    captured_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One thing to do or confirm, e.g. after promotion to Production."""

    id: str
    text: str
    done: bool = False
    done_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Project:
    """Everything the wizard records about one onboarding; never holds key material or passwords."""

    profile_id: str
    environment: str
    organisation: Organisation
    created_at: dt.datetime
    updated_at: dt.datetime
    mpids: tuple[MarketParticipant, ...] = ()
    people: tuple[Person, ...] = ()
    progress: tuple[StepProgress, ...] = ()
    promoted_from: str | None = None
    notes: dict[str, str] = field(default_factory=dict)
    keys: tuple[KeyRecord, ...] = ()
    atlas_credentials: StoredSecret | None = None
    certificates: tuple[CertificateRecord, ...] = ()
    dip_ids: tuple[DipId, ...] = ()
    channels: tuple[Channel, ...] = ()
    role_codes: tuple[str, ...] = ()  # DIP role codes the user added beyond the profile's list
    domain_txt: DomainTxt | None = None
    # The day GlobalSign verified the domain; it lasts the profile's validity (core/domain_expiry.py).
    domain_verified_on: dt.date | None = None
    checklist: tuple[ChecklistItem, ...] = ()
    # Keychain entries carry the identity, so two project folders never share (and so never delete) a key.
    identity: str = ""
    home: FolderHome | None = None
    key_intents: tuple[KeyIntent, ...] = ()

    def person(self, person_id: str) -> Person:
        for p in self.people:
            if p.id == person_id:
                return p
        raise UnknownId(f'No person with id "{person_id}" in this project.')

    def holders(self, role_id: str) -> tuple[Person, ...]:
        return tuple(p for p in self.people if p.holds(role_id))

    def keys_for(self, kind_id: str) -> tuple[KeyRecord, ...]:
        """The keys of one certificate kind, oldest first: retired ones, the one in use, then any replacement."""
        return tuple(k for k in self.keys if k.kind == kind_id)

    def key_in_state(self, kind_id: str, state: str) -> KeyRecord | None:
        """The newest key of a kind in a lifecycle state (there is at most one pending and one active)."""
        found = [k for k in self.keys_for(kind_id) if k.state == state]
        return found[-1] if found else None

    def newest_key(self, kind_id: str) -> KeyRecord | None:
        keys = self.keys_for(kind_id)
        return keys[-1] if keys else None

    def key(self, key_id: str) -> KeyRecord:
        for k in self.keys:
            if k.id == key_id:
                return k
        raise UnknownId(f'No key with id "{key_id}" in this project.')

    def certificate_for(self, key_id: str) -> CertificateRecord | None:
        return next((c for c in self.certificates if c.key_id == key_id), None)

    def current_certificate(self, kind_id: str) -> tuple[KeyRecord, CertificateRecord] | None:
        """The certificate in use for a kind (its active key's), with that key."""
        key = self.key_in_state(kind_id, "active")
        record = self.certificate_for(key.id) if key is not None else None
        return (key, record) if key is not None and record is not None else None

    def dip_id(self, dip_id: str) -> DipId:
        for d in self.dip_ids:
            if d.id == dip_id:
                return d
        raise UnknownId(f'No DIP ID "{dip_id}" in this project.')

    def channels_for(self, dip_id: str) -> tuple[Channel, ...]:
        return tuple(c for c in self.channels if c.dip_id == dip_id)

    def step_progress(self, step_id: str) -> StepProgress:
        for s in self.progress:
            if s.step_id == step_id:
                return s
        return StepProgress(step_id)


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_Item = TypeVar("_Item", bound=_HasId)


def _upserted(items: tuple[_Item, ...], item: _Item) -> tuple[_Item, ...]:
    """`items` with `item` replacing the one with the same id in place, or added at the end."""
    if any(i.id == item.id for i in items):
        return tuple(item if i.id == item.id else i for i in items)
    return (*items, item)


def with_person(project: Project, person: Person) -> Project:
    """Add a person at the end of the creation order, or replace the person with the same id in place."""
    return replace(project, people=_upserted(project.people, person))


def without_person(project: Project, person_id: str) -> Project:
    project.person(person_id)
    return replace(project, people=tuple(p for p in project.people if p.id != person_id))


def with_person_moved(project: Project, person_id: str, delta: int) -> Project:
    """Move a person earlier (negative delta) or later in the portal creation order, clamped at the ends."""
    people = list(project.people)
    index = next((i for i, p in enumerate(people) if p.id == person_id), None)
    if index is None:
        raise UnknownId(f'No person with id "{person_id}" in this project.')
    target = max(0, min(len(people) - 1, index + delta))
    people.insert(target, people.pop(index))
    return replace(project, people=tuple(people))


def with_key(project: Project, record: KeyRecord) -> Project:
    """Add a key record, or replace the record with the same id in place."""
    return replace(project, keys=_upserted(project.keys, record))


def without_key(project: Project, key_id: str) -> Project:
    project.key(key_id)
    return replace(project, keys=tuple(k for k in project.keys if k.id != key_id))


def with_step_status(project: Project, step_id: str, status: str, today: dt.date) -> Project:
    """Record a step's status; the start and done dates are stamped the first time they apply."""
    if status not in STEP_STATUSES:
        raise UnknownId(f'"{status}" is not a step status. Use one of: {", ".join(STEP_STATUSES)}.')
    current = project.step_progress(step_id)
    started = current.started_on
    done = current.done_on
    if status == "not-started":
        started, done = None, None
    elif status == "in-progress":
        started, done = started or today, None
    else:
        started, done = started or today, done or today
    updated = replace(current, status=status, started_on=started, done_on=done)
    others = tuple(s for s in project.progress if s.step_id != step_id)
    return replace(project, progress=(*others, updated))
