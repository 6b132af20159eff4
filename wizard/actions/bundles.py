"""Importing a handoff bundle with its keys: the folder it is imported into becomes a project that records them.

Everything is checked before any key is written: the target folder, the bundle's environment and certificate kinds
against this wizard's profile, and every PFX opened with the password. Each key is then stored as a
bring-your-own key (its intent recorded first), so a stop at any moment leaves nothing that no project knows.
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.actions.certificates import begin_bring_key, finish_bring_key, open_and_store
from wizard.actions.keys import cancel_key_generation
from wizard.actions.opening import destroy
from wizard.core.errors import UnknownId, WizardError
from wizard.core.model import Organisation
from wizard.core.profile import CertificateKind, Profile
from wizard.core.session import Clock, ProjectSession
from wizard.core.vault import Vault, VaultError

if TYPE_CHECKING:
    from wizard.core.bundle_format import FileEntry
    from wizard.core.bundle_read import ImportedBundle, VerifiedBundle


@dataclass(frozen=True, slots=True)
class BundleKey:
    """One PFX's key, opened with the password and checked (no key material here)."""

    entry: FileEntry
    kind: CertificateKind
    fingerprint: str


@dataclass(frozen=True, slots=True)
class StoredKey:
    file: str
    kind: str
    entry: str  # the vault entry (under the new project's identity)
    vault: str
    fingerprint: str
    certificate: str  # "imported", "waiting, valid from …" or why it was not imported


@dataclass(frozen=True, slots=True)
class BundleWithKeys:
    imported: ImportedBundle
    stored: tuple[StoredKey, ...]


def check_bundle_keys(bundle: VerifiedBundle, profile: Profile, password: str) -> tuple[BundleKey, ...]:
    """Open every PFX in the bundle and check it fits a project of this profile; raises before anything is
    written. The same key in two PFX files (Modern and Compatibility) is one key."""
    from wizard.core.bundle_format import FileKind
    from wizard.core.keys import public_fingerprint
    from wizard.core.packaging import read_pfx

    pfx = [f for f in bundle.manifest.files if f.kind is FileKind.PFX]
    if not pfx:
        raise WizardError("The bundle holds no PFX, so there is no key to put in the keychain; leave out "
                          "--keychain.")
    environment = bundle.manifest.environment
    try:
        profile.environment(environment.id)
    except UnknownId:
        raise WizardError(f"The bundle is for the environment {environment.name} ({environment.id}), which this "
                          "wizard's profile does not know, so nothing was imported.") from None
    found: dict[str, BundleKey] = {}
    for entry in pfx:
        try:
            kind = profile.certificate_kind(entry.certificate_kind or "")
        except UnknownId:
            raise WizardError(f"{entry.name} is for a certificate kind this wizard's profile does not know "
                              f"({entry.certificate_kind}), so nothing was imported.") from None
        fingerprint = public_fingerprint(read_pfx(bundle.files[entry.name], password).key.public_key())
        earlier = found.get(kind.id)
        if earlier is not None and earlier.fingerprint != fingerprint:
            raise WizardError(f"{earlier.entry.name} and {entry.name} hold two different keys for the {kind.name}; "
                              "a project keeps one, so nothing was imported. Ask the sender which one is current.")
        found.setdefault(kind.id, BundleKey(entry, kind, fingerprint))
    return tuple(found.values())


def import_with_keys(bundle: VerifiedBundle, into: Path, profile: Profile, clock: Clock, password: str,
                     keys: tuple[BundleKey, ...], vault: Vault) -> BundleWithKeys:
    """Write the bundle's files into `into`, make it a project of the sending organisation, and store each key
    there as a brought-in key with its certificate. A key that cannot be stored takes the others out again and
    the folder with them; nothing is left that no project records."""
    from wizard.core.bundle_read import import_bundle

    existed = into.is_dir()
    imported = import_bundle(bundle, into)
    sender = bundle.manifest.organisation
    session = ProjectSession.create(
        into, profile, clock, environment=bundle.manifest.environment.id,
        organisation=Organisation(name=sender.name, company_number=sender.id, domain=sender.domain))
    stored: list[StoredKey] = []
    try:
        for key in keys:
            stored.append(_store(session, bundle, key, password, vault))
    except BaseException:
        _take_back(session, vault, into, existed)
        raise
    return BundleWithKeys(imported, tuple(stored))


def _store(session: ProjectSession, bundle: VerifiedBundle, key: BundleKey, password: str,
           vault: Vault) -> StoredKey:
    job = begin_bring_key(session, key.kind, vault.kind)
    try:
        brought = open_and_store(job, bundle.files[key.entry.name], password, None, vault, session.clock())
    except BaseException:
        cancel_key_generation(session, job, vault)
        raise
    outcome = finish_bring_key(session, job, brought)
    if outcome.imported is not None:
        state = outcome.imported.outcome.state
        certificate = "imported" if state == "active" else \
            f"waiting, valid from {outcome.imported.outcome.valid_from:%d %b %Y}"
    else:
        certificate = f"not imported: {outcome.refused}" if outcome.refused else "none in the PFX"
    record = session.project.key(outcome.record.id)
    return StoredKey(key.entry.name, key.kind.id, record.vault_entry, vault.name, record.fingerprint, certificate)


def _take_back(session: ProjectSession, vault: Vault, into: Path, existed: bool) -> None:
    """Destroy the keys this import stored; only when all are gone does the folder go too (else its project
    still records the keys that stayed, and the next open or `keys check` finishes)."""
    try:
        for record in session.project.keys:
            destroy(session, record, lambda kind: vault)
    except (VaultError, WizardError):
        return
    with contextlib.suppress(OSError):
        shutil.rmtree(into)
        if existed:  # the user's empty folder stays as it was
            into.mkdir()


__all__ = ["BundleKey", "BundleWithKeys", "StoredKey", "check_bundle_keys", "import_with_keys"]
