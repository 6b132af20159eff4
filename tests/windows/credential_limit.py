"""Windows Credential Manager's size limit, enforced on keyring's real Windows backend for the Windows tests.

Windows refuses a credential blob over CRED_MAX_CREDENTIAL_BLOB_SIZE (5 * 512 = 2,560 bytes; keyring writes the
password as UTF-16, so 1,280 characters) with WinError 1783, "The stub received bad data" (keyring issues #355,
#540). Wine 8.0 stores any size, so under Wine a vault that forgot to split a key would pass. This wraps
`win32cred.CredWrite` — the call keyring's `WinVaultKeyring` makes — to refuse what Windows refuses, and leaves
everything else to the real backend and the real (Wine's) Credential Manager. Test-only: the app never loads it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

CRED_MAX_CREDENTIAL_BLOB_SIZE = 5 * 512
RPC_X_BAD_STUB_DATA = 1783


def blob_bytes(blob: Any) -> int:
    """The size Credential Manager stores: keyring hands a str, written as UTF-16-LE."""
    if isinstance(blob, str):
        return len(blob.encode("utf-16-le"))
    return len(bytes(blob or b""))


@contextlib.contextmanager
def enforced() -> Iterator[list[int]]:
    """While active, CredWrite refuses blobs over the limit as Windows does; yields the sizes it let through."""
    from keyring.backends import Windows

    cred = Windows.win32cred
    real = cred.CredWrite
    written: list[int] = []

    def credwrite(credential: dict[str, Any], flags: int = 0) -> Any:
        size = blob_bytes(credential.get("CredentialBlob"))
        if size > CRED_MAX_CREDENTIAL_BLOB_SIZE:
            raise Windows.pywintypes.error(RPC_X_BAD_STUB_DATA, "CredWrite", "The stub received bad data.")
        written.append(size)
        return real(credential, flags)

    cred.CredWrite = credwrite
    try:
        yield written
    finally:
        cred.CredWrite = real
