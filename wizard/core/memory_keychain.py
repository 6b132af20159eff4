"""A keychain that lives in memory: the one stand-in for the OS keychain, for the tests and the demo only.

Keys kept here are gone when the program ends, so a real project must never reach it. Making one outside a test
run raises `RuntimeError` unless the caller passes `DEMO`, which only `wizard/demo.py` does (for `gui --demo`, the
screenshots and the benchmarks, whose projects live in a temporary folder). The app's composition root cannot pick
it: `VaultProvider` opens the OS keychain through keyring, which does not know this class, or the file vault; and a
test checks that no module but the demo names `DEMO` (tests/core/test_memory_keychain.py).

It is a `SecretStore` (what `Vault` writes to), and it also answers keyring's three calls, so a test can put it
where the OS keychain's keyring backend would be (`KeyringStore`). A test can make its Nth write fail, as a keychain
that fills up or locks part-way would, and read every call in order (`log`).
"""

from __future__ import annotations

import sys
import threading

from wizard.core.vault import VaultError


class _Demo:
    __slots__ = ()

    def __repr__(self) -> str:
        return "memory_keychain.DEMO"


DEMO = _Demo()


class MemoryKeychain:
    kind = "keychain"

    def __init__(self, name: str = "Test keychain", *, fail_on_put: int | None = None,
                 demo: _Demo | None = None) -> None:
        if demo is not DEMO and "pytest" not in sys.modules:
            raise RuntimeError("The in-memory keychain is for tests and the demo only: keys kept there are lost when "
                               "the program ends.")
        self.name = name
        self.fail_on_put = fail_on_put
        self.entries: dict[str, str] = {}
        self.log: list[tuple[str, str]] = []  # ("put" | "get" | "delete", entry), in order
        self._puts = 0
        self._lock = threading.Lock()  # pages reach it from worker threads

    def __repr__(self) -> str:
        return f"MemoryKeychain({self.name!r})"

    def put(self, entry: str, value: str) -> None:
        with self._lock:
            self.log.append(("put", entry))
            self._puts += 1
            if self._puts == self.fail_on_put:
                raise VaultError(f"The keychain ({self.name}) refused to store an entry (test). Nothing was changed.")
            self.entries[entry] = value

    def get(self, entry: str) -> str | None:
        with self._lock:
            self.log.append(("get", entry))
            return self.entries.get(entry)

    def delete(self, entry: str) -> None:
        with self._lock:
            self.log.append(("delete", entry))
            self.entries.pop(entry, None)

    def secret_names(self) -> set[str]:
        """The secrets held, by the name `Vault` gave them (each is `NAME/index` and `NAME/part-N` entries)."""
        with self._lock:
            return {entry.rsplit("/", 1)[0] for entry in self.entries}

    # keyring's calls, for a test that stands this keychain where the OS keychain's backend would be. The wizard
    # uses one service name, so entries are kept by their entry name alone.

    def set_password(self, service: str, username: str, password: str) -> None:
        self.put(username, password)

    def get_password(self, service: str, username: str) -> str | None:
        return self.get(username)

    def delete_password(self, service: str, username: str) -> None:
        self.delete(username)
