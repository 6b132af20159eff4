"""How an action reaches the vault a key lives in: the caller's way of opening it (the CLI reads a passphrase
file or asks at the terminal; the GUI asks in a dialog)."""

from __future__ import annotations

from collections.abc import Callable

from wizard.core.vault import Vault

# Opens the vault of a kind ("keychain" or "file"); raises VaultError (or a subclass) when it cannot be opened now.
VaultFor = Callable[[str], Vault]
