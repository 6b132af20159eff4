"""Opening a project: what the key lifecycle finishes at every open, whichever side opens it.

At each open (wizard/core/lifecycle.py):
1. a project without an identity gets one, and a copied folder is made independent (a new identity);
2. keys whose vault entry is not under the project's identity are copied under it and read back (an older
   project's entries then hold only the new entry's name, for a folder copied before identities existed; a
   copy's entries belong to the original and are left alone);
3. a key write that was interrupted (an intent with no key recorded) is rolled back;
4. a waiting certificate that has become valid takes over, and the key it replaces is retired;
5. a retired key whose certificate has expired is destroyed.
Each step saves before the next, so an interruption anywhere is finished at the next open. Nothing here needs a
vault unless there is work for it, so opening a settled project touches no keychain.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace

from wizard.actions.vaults import VaultFor
from wizard.core.lifecycle import (
    due_switches,
    expired_retired,
    folder_home,
    folder_relation,
    is_copied,
    key_entry,
    needs_housekeeping,
    new_identity,
    owns_entry,
    with_switch,
    without_destroyed,
    without_intent,
)
from wizard.core.model import KeyIntent, KeyRecord, with_key
from wizard.core.session import ProjectSession
from wizard.core.vault import SecretDamaged, Vault, VaultError


@dataclass(frozen=True, slots=True)
class Housekeeping:
    notices: tuple[str, ...] = ()  # what was done, in plain words
    problems: tuple[str, ...] = ()  # what could not be done now (the next open tries again)
    made_independent: bool = False  # a copied folder got its own identity (notices[0] says so)

    def news(self, *, asked_first: bool) -> tuple[str, ...]:
        """What to tell the user; the copy's notice is left out where the user was asked before (the GUI)."""
        told = self.notices[1:] if asked_first and self.made_independent else self.notices
        return (*told, *(f"Not done yet: {p}" for p in self.problems))


def is_copy(session: ProjectSession) -> bool:
    """A copied folder, not yet independent: the GUI asks before `housekeep` makes it so."""
    return is_copied(session.project, session.folder)


def has_work(session: ProjectSession) -> bool:
    """Whether `housekeep` would change anything (cheap: one stat of the folder)."""
    return needs_housekeeping(session.project, session.folder, session.clock())


def housekeep(session: ProjectSession, vault_for: VaultFor) -> Housekeeping:
    notices: list[str] = []
    problems: list[str] = []
    copied = _settle_identity(session, notices)
    _adopt_entries(session, vault_for, notices, problems)
    _roll_back_intents(session, vault_for, notices, problems)
    _switch_waiting(session, notices)
    _destroy_expired(session, vault_for, notices, problems)
    return Housekeeping(tuple(notices), tuple(problems), copied)


def _kind_name(session: ProjectSession, kind_id: str) -> str:
    return next((k.name for k in session.profile.certificate_kinds if k.id == kind_id), kind_id)


def _settle_identity(session: ProjectSession, notices: list[str]) -> bool:
    project = session.project
    relation = folder_relation(project, session.folder)
    here = folder_home(session.folder)
    if relation == "copy":
        assert project.home is not None
        notices.append(f"This folder is a copy of the project in {project.home.path}. It has been made "
                       "independent: its keys are copied under its own name, so neither folder can remove the "
                       "other's keys.")
    if relation in ("new", "copy"):
        session.commit(replace(project, identity=new_identity(), home=here))
    elif project.home != here:  # renamed, moved on its disk or restored in place: still this project
        session.commit(replace(project, home=here))
    return relation == "copy"


# What an older project's entry holds once its key has been copied under a project's identity: the new entry's
# name, never key material. A folder copied before projects had identities shares the same older entries; when it
# is opened it finds this and copies the key from there, so the first folder to open never takes the other's key.
MOVED = b"dip-onboarding: moved to "


def _copy_entry(vault: Vault, old: str, new: str, what: str) -> None:
    data = vault.get(old, what=what)
    if data.startswith(MOVED):
        data = vault.get(data[len(MOVED):].decode("utf-8"), what=what)
    vault.put(new, data)
    if vault.get(new, what=what) != data:
        vault.delete(new)
        raise SecretDamaged(f"The copy of the {what} did not read back the same.")


def _leave_pointer(vault: Vault, old: str, new: str, what: str) -> None:
    """An older entry, copied and read back under `new`: its key material goes, the way to `new` stays."""
    with contextlib.suppress(VaultError):  # the copy is recorded; a leftover older entry is this project's own
        if vault.get(old, what=what).startswith(MOVED):
            return  # another folder moved it first: leave its pointer
        vault.delete(old)
        vault.put(old, MOVED + new.encode("utf-8"))


def _adopt_entries(session: ProjectSession, vault_for: VaultFor, notices: list[str], problems: list[str]) -> None:
    for key in session.project.keys:
        if owns_entry(session.project, key.vault_entry):
            continue
        what = f"private key for the {_kind_name(session, key.kind)}"
        new = key_entry(session.project, key.id)
        try:
            vault = vault_for(key.vault)
            _copy_entry(vault, key.vault_entry, new, what)
        except VaultError as exc:
            problems.append(f"The {what} could not be copied under this project's own name yet: {exc}")
            continue
        session.commit(with_key(session.project, replace(session.project.key(key.id), entry=new)))
        if not key.entry:  # an entry named before projects had identities
            _leave_pointer(vault, key.id, new, what)
    secret = session.project.atlas_credentials
    if secret is not None and not owns_entry(session.project, secret.vault_entry):
        new = key_entry(session.project, secret.id)
        what = "Atlas API key and secret"
        try:
            vault = vault_for(secret.vault)
            _copy_entry(vault, secret.vault_entry, new, what)
        except VaultError as exc:
            problems.append(f"The Atlas API key and secret could not be copied under this project's own name yet: "
                            f"{exc}")
            return
        session.commit(replace(session.project, atlas_credentials=replace(secret, entry=new)))
        if not secret.entry:
            _leave_pointer(vault, secret.id, new, what)


def clear_intent(session: ProjectSession, intent: KeyIntent, vault_for: VaultFor) -> None:
    """Remove what an intent's key write left in its vault (only an entry under this project's identity: another's
    vault is not even opened), then the intent. Raises VaultError, leaving the intent for the next try."""
    if owns_entry(session.project, intent.entry):
        vault_for(intent.vault).delete(intent.entry)
    session.commit(without_intent(session.project, intent.id))


def _roll_back_intents(session: ProjectSession, vault_for: VaultFor, notices: list[str],
                       problems: list[str]) -> None:
    for intent in session.project.key_intents:
        name = _kind_name(session, intent.kind)
        try:
            clear_intent(session, intent, vault_for)
        except VaultError as exc:
            problems.append(f"A key for the {name} that was being stored or removed when the program stopped "
                            f"could not be cleared away yet: {exc}")
            continue
        notices.append(f"A key for the {name} was being stored or replaced when the program stopped; the key "
                       "that was not recorded was removed (it had not been sent anywhere). Make it again if you "
                       "still need it.")


def _switch_waiting(session: ProjectSession, notices: list[str]) -> None:
    for key in due_switches(session.project, session.clock()):
        updated, outcome = with_switch(session.project, key)
        session.commit(updated)
        notices.append(f"The new {_kind_name(session, key.kind)} became valid on "
                       f"{outcome.valid_from:%d %b %Y} and is now the one in use"
                       + ("; the previous key is retired and kept until its certificate expires." if outcome.retired
                          else "."))


def destroy(session: ProjectSession, key: KeyRecord, vault_for: VaultFor) -> None:
    """Take a key out of its vault (only an entry under this project's identity), then out of the project. In
    that order: an interruption leaves a record whose key is gone, which `keys check` tidies; never the reverse,
    a key in the keychain that no project knows."""
    if owns_entry(session.project, key.vault_entry):
        vault_for(key.vault).delete(key.vault_entry)
    session.commit(without_destroyed(session.project, session.project.key(key.id)))


def _destroy_expired(session: ProjectSession, vault_for: VaultFor, notices: list[str], problems: list[str]) -> None:
    for key in expired_retired(session.project, session.clock()):
        name = _kind_name(session, key.kind)
        cert = session.project.certificate_for(key.id)
        try:
            destroy(session, key, vault_for)
        except VaultError as exc:
            problems.append(f"The retired key of the {name} could not be destroyed yet: {exc}")
            continue
        ended = f" (its certificate expired on {cert.not_after:%d %b %Y})" if cert is not None else ""
        notices.append(f"The retired key of the {name} was destroyed{ended}.")


__all__ = ["Housekeeping", "clear_intent", "destroy", "has_work", "housekeep", "is_copy"]
