"""Renewal, the same from both sides: the new key goes into the vault that holds the key it will replace."""

from __future__ import annotations

from wizard.core.model import Project


def renewal_vault_kind(project: Project, kind_id: str) -> str:
    """The vault for a renewal's new key: the current key's (a user who chose the file vault keeps it)."""
    held = project.current_certificate(kind_id)
    return held[0].vault if held is not None else "keychain"
