"""Certificate actions: import an issued certificate, bring your own key (and its certificate).

Both sides check a certificate the same way before anything is recorded (`check_certificate`: errors refuse it),
and the lifecycle decides what a new certificate does: in use now, or waiting until it becomes valid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wizard.actions.keys import KeyJob
from wizard.core.errors import WizardError
from wizard.core.findings import Finding
from wizard.core.lifecycle import CertificateOutcome, begin_key, finish_key, key_entry, plan_new_key, with_certificate
from wizard.core.model import CertificateRecord, KeyRecord, Project
from wizard.core.profile import CertificateKind, Profile
from wizard.core.session import ProjectSession
from wizard.core.vault import Vault

if TYPE_CHECKING:
    from wizard.core.certfiles import CertificateFile
    from wizard.core.certs import Match


@dataclass(frozen=True, slots=True)
class Examined:
    """A certificate file matched to one of the project's keys and checked (worker half of an import)."""

    found: CertificateFile
    match: Match
    findings: tuple[Finding, ...]

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(f.message for f in self.findings if f.severity == "error")


def examine(project: Project, profile: Profile, found: CertificateFile, now: dt.datetime,
            kind_hint: str | None = None) -> Examined:
    """Match the certificate to a key and run the checks; changes nothing (worker-safe)."""
    from wizard.core.certs import check_certificate, match_certificate

    match = match_certificate(profile, project, found, kind_hint)
    findings = check_certificate(match.kind, match.leaf, match.chain, now, project.organisation.domain)
    return Examined(found, match, tuple(findings))


@dataclass(frozen=True, slots=True)
class CertificateImported:
    record: CertificateRecord
    kind: CertificateKind
    outcome: CertificateOutcome
    chain: int  # issuer certificates that came with it
    form: str

    def summary(self) -> str:
        """The sentence both sides show."""
        chain = f"with {self.chain} issuer certificate{'s' if self.chain != 1 else ''}"
        text = f"Imported the {self.kind.name} ({self.form}, {chain})."
        if self.outcome.state == "waiting":
            text += (f" It is waiting: it becomes valid on {self.outcome.valid_from:%d %b %Y}, and the wizard "
                     "switches to it at the first open on or after that date. Until then the current certificate "
                     "and key stay in use.")
        elif self.outcome.retired:
            text += (" Its key is now the key in use; the previous key is retired and kept until its certificate "
                     "expires (or until you destroy it: dip-onboarding keys destroy-retired DIR).")
        return text


def commit_certificate(session: ProjectSession, examined: Examined) -> CertificateImported:
    """Commit half: refuse a certificate the checks reject, else record it as the lifecycle says."""
    from wizard.core.certs import record_for

    if examined.problems:
        raise WizardError(f"Not imported: it is for the {examined.match.kind.name}, but it cannot be used: "
                          + " ".join(examined.problems))
    key = session.project.key(examined.match.key.id)  # as it is now, not as it was when examined
    record = record_for(examined.match, session.clock())
    updated, outcome = with_certificate(session.project, key, record, session.clock())
    session.commit(updated)
    return CertificateImported(record, examined.match.kind, outcome, len(examined.match.chain), examined.found.form)


# ---------------------------------------------------------------- bring your own key


def begin_bring_key(session: ProjectSession, kind: CertificateKind, vault_kind: str) -> KeyJob:
    """Only for a kind with no key yet; records the intent before the key reaches the vault."""
    from wizard.core.keys import new_key_id

    if session.project.keys_for(kind.id):
        raise WizardError(f"The {kind.name} already has a key in this project. Bringing your own is for a kind "
                          "with no key yet.")
    plan = plan_new_key(session.project, kind.id, kind.name, replace_key=False)
    key_id = new_key_id()
    session.commit(begin_key(session.project, kind.id, vault_kind, session.clock(), key_id))
    return KeyJob(kind, "", plan, key_id, key_entry(session.project, key_id), vault_kind)


@dataclass(frozen=True, slots=True)
class Brought:
    """Worker half's result: the key stored under the job's entry (no key material here), its certificate file."""

    record: KeyRecord
    certificates: CertificateFile | None


def open_and_store(job: KeyJob, data: bytes, password: str, certificate: bytes | None, vault: Vault,
                   now: dt.datetime) -> Brought:
    """Worker half: open the PFX or key file, check its certificate answers it, store the key. Nothing is stored
    if anything is wrong."""
    from wizard.core.keys import store_existing_key
    from wizard.core.packaging import open_own_key

    key, found = open_own_key(data, password, certificate)
    return Brought(store_existing_key(job.kind, key, vault, now, key_id=job.key_id, entry=job.entry).record, found)


@dataclass(frozen=True, slots=True)
class KeyBrought:
    record: KeyRecord
    imported: CertificateImported | None
    refused: str | None  # why its certificate was not imported, when it came with one


def finish_bring_key(session: ProjectSession, job: KeyJob, brought: Brought) -> KeyBrought:
    """Commit half: record the key, then its certificate after the same checks as any import."""
    session.commit(finish_key(session.project, job.plan, brought.record))
    if brought.certificates is None:
        return KeyBrought(brought.record, None, None)
    try:
        examined = examine(session.project, session.profile, brought.certificates, session.clock(), job.kind.id)
        return KeyBrought(brought.record, commit_certificate(session, examined), None)
    except WizardError as exc:
        return KeyBrought(brought.record, None, str(exc).removeprefix("Not imported: "))


def bring_summary(kind: CertificateKind, vault_name: str, outcome: KeyBrought) -> str:
    """The sentence both sides show."""
    text = f"Stored your own key for the {kind.name} in {vault_name}."
    if outcome.imported is not None:
        text += " Its certificate was imported too."
        if outcome.imported.outcome.state == "waiting":
            text += f" It becomes valid on {outcome.imported.outcome.valid_from:%d %b %Y}."
    elif outcome.refused is not None:
        text += f" Its certificate was not imported: {outcome.refused}"
    return text
