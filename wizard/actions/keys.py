"""Key actions: make a key, export its CSR, abandon a pending key, destroy retired keys, check the keys.

Making a key is three halves: `begin_key_generation` records the intent in the project (caller's thread),
`generate_and_store` makes the key and writes it to its vault (worker), `finish_key_generation` records it
(caller's thread). A stop anywhere is rolled back at the next open (opening.py) or by `check_keys`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, replace

from wizard.actions.opening import Housekeeping, clear_intent, destroy, housekeep
from wizard.actions.vaults import VaultFor
from wizard.core.errors import WizardError
from wizard.core.lifecycle import (
    KeyRuleError,
    NewKeyPlan,
    abandonable,
    begin_key,
    finish_key,
    key_entry,
    key_status,
    plan_new_key,
    retired_keys,
    without_destroyed,
    without_intent,
)
from wizard.core.model import KeyRecord, with_key
from wizard.core.profile import CertificateKind
from wizard.core.session import ProjectSession
from wizard.core.vault import SecretDamaged, SecretMissing, Vault, VaultError


@dataclass(frozen=True, slots=True)
class KeyJob:
    """A key generation under way: what the worker half needs, and what the commit half checks."""

    kind: CertificateKind
    algorithm: str
    plan: NewKeyPlan
    key_id: str
    entry: str
    vault_kind: str


def begin_key_generation(session: ProjectSession, kind: CertificateKind, algorithm: str, vault_kind: str, *,
                         replace_key: bool, folder_label: str = "DIR") -> KeyJob:
    """Check the lifecycle allows a new key now, and record the intent before anything reaches a vault."""
    from wizard.core.keys import new_key_id

    plan = plan_new_key(session.project, kind.id, kind.name, replace_key=replace_key, folder=folder_label)
    key_id = new_key_id()
    session.commit(begin_key(session.project, kind.id, vault_kind, session.clock(), key_id))
    return KeyJob(kind, algorithm, plan, key_id, key_entry(session.project, key_id), vault_kind)


def generate_and_store(job: KeyJob, vault: Vault, now: dt.datetime) -> KeyRecord:
    """Worker half: make the key pair and write it to its vault under the intended entry. Slow; touches no
    project. Stopped at any point, the intent recorded by `begin_key_generation` lets the next open roll it back."""
    from wizard.core.keys import create_key

    return create_key(job.kind, job.algorithm, vault, now, key_id=job.key_id, entry=job.entry).record


@dataclass(frozen=True, slots=True)
class KeyMade:
    record: KeyRecord
    superseded: KeyRecord | None  # a pending key whose CSR was never sent, which the new key replaced
    vault_name: str


def finish_key_generation(session: ProjectSession, job: KeyJob, record: KeyRecord, vault: Vault) -> KeyMade:
    """Commit half: record the key, then remove the pending key it superseded (recorded as an intent by
    `finish_key`, so a stop before the removal is finished at the next open). Refused if the project changed
    under the job; the new key's entry is then removed, as nothing refers to it."""
    try:
        updated = finish_key(session.project, job.plan, record)
    except KeyRuleError:
        cancel_key_generation(session, job, vault)
        raise
    session.commit(updated)
    superseded = job.plan.supersedes
    intent = next((t for t in session.project.key_intents if superseded and t.id == superseded.id), None)
    if intent is not None and intent.vault == vault.kind:  # another vault's entry goes at the next open
        with contextlib.suppress(VaultError):  # if it cannot go now, the intent stays for the next open
            clear_intent(session, intent, lambda kind: vault)
    return KeyMade(session.project.key(record.id), superseded, vault.name)


def cancel_key_generation(session: ProjectSession, job: KeyJob, vault: Vault | None) -> None:
    """The worker failed or was stopped: remove what it may have written, then the intent."""
    if vault is not None:
        try:
            vault.delete(job.entry)
        except VaultError:
            return  # the intent stays, so the next open clears the entry away
    if any(t.id == job.key_id for t in session.project.key_intents):
        session.commit(without_intent(session.project, job.key_id))


def key_generation_failed(session: ProjectSession, job: KeyJob, error: BaseException) -> None:
    """The worker half raised (GUI: back on its thread, where no keychain call belongs). A failure before the vault
    write stored nothing, so the intent goes; a vault failure may have left parts the vault could not remove, so the
    intent stays and the next open (or `keys check`) clears the entry away. Never raises."""
    if isinstance(error, VaultError):
        return
    with contextlib.suppress(WizardError):  # not saved now: the intent stays for the next open
        cancel_key_generation(session, job, None)


def generate_key(session: ProjectSession, kind: CertificateKind, algorithm: str, vault: Vault, *,
                 replace_key: bool, folder_label: str = "DIR") -> KeyMade:
    """All three halves on one thread (the command line)."""
    job = begin_key_generation(session, kind, algorithm, vault.kind, replace_key=replace_key,
                               folder_label=folder_label)
    try:
        record = generate_and_store(job, vault, session.clock())
    except BaseException:
        cancel_key_generation(session, job, vault)
        raise
    return finish_key_generation(session, job, record, vault)


def record_csr_exported(session: ProjectSession, record: KeyRecord, pem: str) -> KeyRecord:
    """The one place that records a CSR as exported (and so sent, as far as the lifecycle knows)."""
    updated = replace(session.project.key(record.id), csr_pem=pem, csr_exported_at=session.clock())
    session.commit(with_key(session.project, updated))
    return updated


def abandon_key(session: ProjectSession, kind: CertificateKind, vault_for: VaultFor) -> KeyRecord:
    """Destroy the kind's pending key (the caller has asked the user, naming `pending_key`'s fingerprint)."""
    key = abandonable(session.project, kind.id, kind.name)
    destroy(session, key, vault_for)
    return key


def pending_key(session: ProjectSession, kind: CertificateKind) -> KeyRecord:
    return abandonable(session.project, kind.id, kind.name)


def abandon_question(kind: CertificateKind, key: KeyRecord) -> str:
    """What both sides ask before `abandon_key`, naming the key by the fingerprint its CSR carries."""
    from wizard.core.algorithms import fingerprint_text

    sent = f", whose CSR was exported on {key.csr_exported_at:%d %b %Y}," if key.csr_exported_at else ""
    return (f"Destroy the new {kind.name} key{sent} with fingerprint {fingerprint_text(key.fingerprint)}? A "
            "certificate issued for it could then never be "
            "used. The key in use, if any, is unchanged.")


def destroy_retired(session: ProjectSession, kind_id: str | None, vault_for: VaultFor) -> tuple[KeyRecord, ...]:
    """Destroy every retired key (of one kind, or all), as the user confirmed."""
    gone = []
    for key in retired_keys(session.project, kind_id):
        destroy(session, key, vault_for)
        gone.append(key)
    return tuple(gone)


@dataclass(frozen=True, slots=True)
class KeyRow:
    kind: str
    kind_name: str
    state: str
    status: str
    fingerprint: str
    vault: str
    problem: str | None  # None: the key was found in its vault and is the one recorded


@dataclass(frozen=True, slots=True)
class KeysReport:
    rows: tuple[KeyRow, ...]
    repaired: tuple[str, ...]
    unrepaired: tuple[str, ...]


def check_keys(session: ProjectSession, vault_for: VaultFor) -> KeysReport:
    """List the project's keys with their state, finish or roll back what an interruption left, and read each key
    back from its vault. A pending or retired key whose entry has gone is dropped from the project (there is
    nothing left to use); an active key that cannot be read cannot be repaired here."""
    from wizard.core.keys import load_private_key

    done: Housekeeping = housekeep(session, vault_for)
    repaired, unrepaired = list(done.notices), list(done.problems)
    rows = []
    names = {k.id: k.name for k in session.profile.certificate_kinds}
    for key in session.project.keys:
        name = names.get(key.kind, key.kind)
        problem = None
        try:
            load_private_key(vault_for(key.vault), key)
        except (SecretMissing, SecretDamaged) as exc:
            problem = str(exc)
            if key.state != "active":
                session.commit(without_destroyed(session.project, key))
                repaired.append(f"The {key.state} {name} key was no longer whole in its vault, so it was removed "
                                "from the project (it could not have been used).")
                continue
            unrepaired.append(f"The {name} key in use cannot be read: {problem}")
        except VaultError as exc:
            problem = str(exc)
            unrepaired.append(f"The {name} key could not be checked: {exc}")
        rows.append(KeyRow(key.kind, name, key.state, key_status(session.project, key, session.clock()),
                           key.fingerprint, key.vault, problem))
    return KeysReport(tuple(rows), tuple(repaired), tuple(unrepaired))
