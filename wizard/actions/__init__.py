"""What the user does, written once: each function here is one user action, Qt-free, returning a typed outcome
that the GUI (`wizard/ui`) and the command line (`wizard/cli*.py`) only present.

Slow work is split into a worker half (safe off the UI thread: key generation, vault reads and writes) and a
commit half (on the caller's thread: records the result in the project, checking first that the project did
not change meanwhile). Vaults are passed in as a `VaultFor`, because each side asks for a file-vault passphrase
in its own way.
"""
