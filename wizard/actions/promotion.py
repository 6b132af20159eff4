"""Promotion to Production, the same from both sides: a kind whose step the profile marks reuse takes its key
along, copied into a new vault entry under the Production project's identity (the intent recorded first)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from wizard.actions.vaults import VaultFor
from wizard.core.lifecycle import begin_key, key_entry
from wizard.core.model import KeyRecord
from wizard.core.promotion import KeyCopier
from wizard.core.session import ProjectSession


def promote_project(uit: ProjectSession, out: Path, vault_for: VaultFor | None) -> ProjectSession:
    """Make the Production project in `out`. Without `vault_for` (no vault can be opened now) the certificates
    are listed on its checklist to bring over instead of copied."""
    from wizard.core.promotion import promote

    def copier_for(production: ProjectSession) -> KeyCopier:
        assert vault_for is not None

        def copy(record: KeyRecord) -> KeyRecord:
            from wizard.core.keys import new_key_id

            vault = vault_for(record.vault)
            new_id = new_key_id()
            production.commit(begin_key(production.project, record.kind, record.vault, production.clock(), new_id))
            entry = key_entry(production.project, new_id)
            vault.put(entry, vault.get(record.vault_entry, what=f"private key for the {record.kind} certificate"))
            return replace(record, id=new_id, entry=entry)

        return copy

    return promote(uit, out, copier_for if vault_for is not None else None)
