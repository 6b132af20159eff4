"""The GlobalSign Atlas API key and secret: captured straight into a vault, never into project files or logs.

The project records only that they were saved, when, and in which vault.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from dataclasses import dataclass, replace

from wizard.core.errors import InvalidInput
from wizard.core.model import StoredSecret
from wizard.core.session import ProjectSession
from wizard.core.vault import Vault

_TOKEN = re.compile(r"[\x21-\x7e]{8,256}")


@dataclass(frozen=True, slots=True)
class AtlasCredentials:
    api_key: str
    api_secret: str

    def __repr__(self) -> str:
        return "AtlasCredentials(api_key=<redacted>, api_secret=<redacted>)"


def check_credentials(api_key: str, api_secret: str) -> AtlasCredentials:
    """Trim and check what was pasted; raises `InvalidInput` without echoing the value back."""
    key, secret = api_key.strip(), api_secret.strip()
    for field, value, label in (("api_key", key, "API key"), ("api_secret", secret, "API secret")):
        if not value:
            raise InvalidInput(field, f"Paste the {label} exactly as GlobalSign Atlas shows it.")
        if not _TOKEN.fullmatch(value):
            raise InvalidInput(field, f"That does not look like an Atlas {label}: it should be one word of 8 to "
                                      "256 letters, digits or symbols, with no spaces. Paste it again.")
    if key == secret:
        raise InvalidInput("api_secret", "The API key and API secret are the same; paste each into its own box.")
    return AtlasCredentials(key, secret)


def store_credentials(vault: Vault, credentials: AtlasCredentials, now: dt.datetime, identity: str = "") -> \
        StoredSecret:
    """Put the pair into `vault` under the project's `identity` (slow: a keychain call, so off the UI thread); the
    project is not changed."""
    secret_id = "s-" + secrets.token_hex(8)
    record = StoredSecret(id=secret_id, vault=vault.kind, saved_at=now,
                          entry=f"{identity}/{secret_id}" if identity else "")
    vault.put(record.vault_entry, json.dumps({"api_key": credentials.api_key,
                                     "api_secret": credentials.api_secret}).encode("utf-8"))
    return record


def commit_credentials(session: ProjectSession, record: StoredSecret) -> StoredSecret | None:
    """Record stored credentials in the project; returns the earlier record, whose vault entry is now unused.

    Raises if the project cannot be saved; the caller then removes `record` from the vault again.
    """
    previous = session.project.atlas_credentials
    session.commit(replace(session.project, atlas_credentials=record))
    return previous


def save_credentials(session: ProjectSession, vault: Vault, credentials: AtlasCredentials) -> StoredSecret:
    """Both steps at once (for the command line): store, record, and remove an earlier pair.

    If the project cannot be saved, the new entry is removed from the vault again.
    """
    from wizard.core.lifecycle import owns_entry

    record = store_credentials(vault, credentials, session.clock(), session.project.identity)
    try:
        previous = commit_credentials(session, record)
    except Exception:
        vault.delete(record.vault_entry)
        raise
    # Only an entry under this project's identity is its own to remove (a copied folder's is the original's).
    if previous is not None and previous.vault == vault.kind and owns_entry(session.project, previous.vault_entry):
        vault.delete(previous.vault_entry)
    return record

