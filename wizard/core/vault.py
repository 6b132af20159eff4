"""Where private keys and other secrets live: the OS keychain (through keyring), or, only when the user opts in,
a passphrase-protected file. Never a plaintext file, never keyrings.alt, never a silent fallback.

`Vault` stores secrets of any length over a `SecretStore` as several entries plus an integrity record written
last: Windows Credential Manager holds at most 2,560 bytes (1,280 characters through keyring) per entry, and an
RSA-4096 key is about 3,200 characters of base64. Reading verifies the record; deleting removes the record first,
so a half-deleted secret is never mistaken for a whole one.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol

from wizard.core.errors import WizardError
from wizard.core.files import atomic_write, locked
from wizard.core.keychain import SERVICE, os_keychain_backend

# Characters per keychain entry: under Windows' 1,280 with room to spare.
CHUNK_CHARS = 1000
INDEX_VERSION = 1
# No secret of ours needs more than a handful of parts (RSA-4096: 4); a larger count is damage.
MAX_PARTS = 64


class VaultError(WizardError):
    """A secret could not be stored or read; the message says what to do."""


class KeychainUnavailable(VaultError):
    pass


class KeychainLocked(VaultError):
    pass


class SecretMissing(VaultError):
    pass


class SecretDamaged(VaultError):
    pass


class WrongPassphrase(VaultError):
    pass


class SecretStore(Protocol):
    """A flat store of short text entries. `get` returns None for a missing entry; `delete` ignores one."""

    kind: str
    name: str

    def put(self, entry: str, value: str) -> None: ...
    def get(self, entry: str) -> str | None: ...
    def delete(self, entry: str) -> None: ...


SECRET_SERVICE_BACKEND = "keyring.backends.SecretService.Keyring"


def secret_service_collection(backend: Any) -> Any:
    """The Secret Service collection keyring's SecretService backend would use (its `preferred_collection`, else
    the default one), opened and unlocked with secretstorage's public API on a D-Bus connection of its own, which
    the caller closes (`collection.connection.close()`). Failures are keyring's own errors, as keyring raises
    them: InitError when there is no collection, KeyringLocked when the user dismisses the unlock prompt."""
    import secretstorage
    from keyring.errors import InitError, KeyringLocked

    try:
        connection = secretstorage.dbus_init()
    except secretstorage.exceptions.SecretStorageException as exc:
        raise InitError(f"Failed to connect to the Secret Service: {exc}.") from exc
    try:
        preferred = getattr(backend, "preferred_collection", None)
        try:
            collection = (secretstorage.Collection(connection, preferred) if preferred
                          else secretstorage.get_default_collection(connection))
        except secretstorage.exceptions.SecretStorageException as exc:
            raise InitError(f"Failed to create the collection: {exc}.") from exc
        if collection.is_locked():
            collection.unlock()
            if collection.is_locked():  # the user dismissed the prompt
                raise KeyringLocked("Failed to unlock the collection!")
    except BaseException:
        connection.close()
        raise
    return collection


class _SecretServiceBatch:
    """One D-Bus connection and collection for several entries, where keyring opens one per call (~15 ms each
    here, and a whole RSA-4096 key is five entries). Entries are written and found exactly as keyring's Secret
    Service backend does it (the attributes of its scheme, plus `application` on write, its label and unlock
    rule), through secretstorage's public API, so keyring and `secret-tool` read them."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self._collection: Any = None

    def _open(self) -> Any:
        if self._collection is None:
            self._collection = secret_service_collection(self.backend)
        return self._collection

    def _attributes(self, service: str, entry: str) -> dict[str, str]:
        """The attributes keyring gives an entry: its scheme's names for service and username."""
        names = self.backend.schemes[self.backend.scheme]
        return {names["username"]: entry, names["service"]: service}

    def set_password(self, service: str, entry: str, value: str) -> None:
        attributes = {**self._attributes(service, entry), "application": self.backend.appid}
        self._open().create_item(f"Password for '{entry}' on '{service}'", attributes, value, replace=True)

    def get_password(self, service: str, entry: str) -> str | None:
        for item in self._open().search_items(self._attributes(service, entry)):
            if item.is_locked():
                item.unlock()
                if item.is_locked():  # the user dismissed the prompt
                    from keyring.errors import KeyringLocked

                    raise KeyringLocked("Failed to unlock the item!")
            return str(item.get_secret().decode("utf-8"))
        return None

    def delete_password(self, service: str, entry: str) -> None:
        for item in self._open().search_items(self._attributes(service, entry)):
            item.delete()
            return

    def close(self) -> None:
        if self._collection is not None:
            with contextlib.suppress(Exception):
                self._collection.connection.close()
            self._collection = None


class KeyringStore:
    """Entries in an OS keychain through a keyring backend; keyring's errors become plain-language ones."""

    kind = "keychain"

    def __init__(self, backend: Any, name: str) -> None:
        self.backend = backend
        self.name = name
        self._local = threading.local()  # the batch open on this thread, if any (a connection is per thread)

    def __repr__(self) -> str:
        return f"KeyringStore({self.name!r})"

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Several calls over one keychain connection where the backend allows it (Secret Service); elsewhere,
        and when nested, just the calls."""
        cls = type(self.backend)
        reusable = (f"{cls.__module__}.{cls.__qualname__}" == SECRET_SERVICE_BACKEND
                    and all(hasattr(self.backend, a) for a in ("schemes", "scheme", "appid")))
        if not reusable or getattr(self._local, "batch", None) is not None:
            yield
            return
        batch = _SecretServiceBatch(self.backend)
        self._local.batch = batch
        try:
            yield
        finally:
            self._local.batch = None
            batch.close()

    def _call(self, action: str, method: str, *args: str) -> Any:
        # Inside a batch, the batch's one connection; otherwise keyring's call (a connection of its own).
        fn = getattr(getattr(self._local, "batch", None) or self.backend, method)
        try:
            return fn(SERVICE, *args)
        except Exception as exc:
            failure = self._explain(action, exc)
            if failure is None:
                return None
        # Raised here, outside the handler, so the backend's exception (whose text may quote the value being
        # stored) is not kept as __context__ of ours, where a crash report or debugger could reach it.
        raise failure

    def _explain(self, action: str, exc: Exception) -> VaultError | None:
        if action == "delete" and type(exc).__name__ == "PasswordDeleteError":
            # keyring's way of saying the entry is not there: for deleting, that is success.
            return None
        if type(exc).__name__ == "InitError":
            return VaultError(f"The keychain ({self.name}) could not be opened. Sign in to your desktop "
                              "session (which unlocks it), or create a default keyring in your keychain app, "
                              "then try again. Nothing was changed.")
        if type(exc).__name__ in ("KeyringLocked", "LockedException") or "locked" in str(exc).lower():
            return KeychainLocked(f"Your keychain ({self.name}) is locked. Unlock it — on most desktops by "
                                  "logging in again or opening your keychain app — then try again. Nothing "
                                  "was changed.")
        return VaultError(f"The keychain ({self.name}) refused to {action} an entry "
                          f"({type(exc).__name__}). Nothing was changed; try again, and check that your "
                          "keychain is unlocked and not full.")

    def put(self, entry: str, value: str) -> None:
        self._call("store", "set_password", entry, value)

    def get(self, entry: str) -> str | None:
        value = self._call("read", "get_password", entry)
        return value if isinstance(value, str) else None

    def delete(self, entry: str) -> None:
        self._call("delete", "delete_password", entry)


NO_KEYCHAIN = ("No OS keychain is available, so private keys cannot be stored safely here. On Windows and macOS "
               "the keychain is built in; on Linux, sign in to a desktop session with GNOME Keyring or KWallet "
               "running and unlocked. If this machine has no keychain, you can choose a passphrase-protected "
               "file vault instead.")


def open_keychain() -> KeyringStore:
    """The OS keychain keyring finds here; raises `KeychainUnavailable` when there is none."""
    found = os_keychain_backend()
    if found is None:
        raise KeychainUnavailable(NO_KEYCHAIN)
    backend, name = found
    return KeyringStore(backend, name)


class Vault:
    """Secrets of any length as chunks plus an integrity record (count, length, SHA-256), written last."""

    def __init__(self, store: SecretStore) -> None:
        self.store = store

    def __repr__(self) -> str:
        return f"Vault({self.store!r})"

    @property
    def kind(self) -> str:
        return self.store.kind

    @property
    def name(self) -> str:
        return self.store.name

    def put(self, name: str, data: bytes) -> None:
        """Store `data`; on any failure the parts already written are removed and `VaultError` is raised."""
        text = base64.b64encode(data).decode("ascii")
        parts = [text[i:i + CHUNK_CHARS] for i in range(0, len(text), CHUNK_CHARS)] or [""]
        index = json.dumps({"v": INDEX_VERSION, "parts": len(parts), "length": len(data),
                            "sha256": hashlib.sha256(data).hexdigest()})
        written: list[str] = []
        with self._batch():
            try:
                for i, part in enumerate(parts):
                    entry = f"{name}/part-{i}"
                    self.store.put(entry, part)
                    written.append(entry)
                self.store.put(f"{name}/index", index)
            except BaseException:  # a keychain error, or Ctrl-C part-way: leave no parts behind
                for entry in written:
                    with contextlib.suppress(VaultError):
                        self.store.delete(entry)
                raise

    def _batch(self) -> contextlib.AbstractContextManager[None]:
        """One keychain connection for all the entries of one secret, where the store can (`KeyringStore`)."""
        batch = getattr(self.store, "batch", None)
        return batch() if batch is not None else contextlib.nullcontext()

    def get(self, name: str, *, what: str = "secret") -> bytes:
        """Read and verify; raises `SecretMissing` or `SecretDamaged` naming `what` in plain words."""
        with self._batch():
            return self._get(name, what)

    def _get(self, name: str, what: str) -> bytes:
        raw_index = self.store.get(f"{name}/index")
        if raw_index is None:
            raise SecretMissing(f"The {what} is not in {self.store.name} any more: it may have been deleted there. "
                                "It cannot be recovered; make a new one.")
        try:
            index = json.loads(raw_index)
            count, length, digest = int(index["parts"]), int(index["length"]), str(index["sha256"])
            if not 0 <= count <= MAX_PARTS:
                raise ValueError("part count out of range")
        except (ValueError, KeyError, TypeError, OverflowError):
            raise SecretDamaged(f"The {what} in {self.store.name} is damaged (its index cannot be read). "
                                "Make a new one.") from None
        text = []
        for i in range(count):
            part = self.store.get(f"{name}/part-{i}")
            if part is None:
                raise SecretDamaged(f"The {what} in {self.store.name} is incomplete: part {i + 1} of {count} is "
                                    "missing. It cannot be recovered; make a new one.")
            text.append(part)
        try:
            data = base64.b64decode("".join(text), validate=True)
        except ValueError:
            raise SecretDamaged(f"The {what} in {self.store.name} is damaged. Make a new one.") from None
        if len(data) != length or hashlib.sha256(data).hexdigest() != digest:
            raise SecretDamaged(f"The {what} in {self.store.name} is damaged: it does not match its integrity "
                                "record. Make a new one.")
        return data

    def check_access(self) -> None:
        """Touch the store once, so a locked or unusable keychain is reported before any slow work starts."""
        self.store.get("access-check")

    def exists(self, name: str) -> bool:
        return self.store.get(f"{name}/index") is not None

    def delete(self, name: str) -> None:
        """Remove the integrity record first (the secret is then gone as a whole), then the parts, last first.

        Deleting the last part first means an interrupted delete leaves parts 0..k, which the next delete
        finds. Without an index (an interrupted delete, or entries removed by hand in a keychain app) every
        possible part is looked for, so no piece of a secret is ever left behind for good.
        """
        with self._batch():
            self._delete(name)

    def _delete(self, name: str) -> None:
        raw_index = self.store.get(f"{name}/index")
        present: list[int]
        if raw_index is None:
            present = [i for i in range(MAX_PARTS) if self.store.get(f"{name}/part-{i}") is not None]
        else:
            try:
                count = min(max(int(json.loads(raw_index)["parts"]), 0), MAX_PARTS)
            except (ValueError, KeyError, TypeError, OverflowError):
                count = MAX_PARTS
            self.store.delete(f"{name}/index")
            # Parts beyond the recorded count, left by an interrupted write, go too.
            while count < MAX_PARTS and self.store.get(f"{name}/part-{count}") is not None:
                count += 1
            present = list(range(count))
        for i in reversed(present):
            self.store.delete(f"{name}/part-{i}")


# ---------------------------------------------------------------- the opt-in file vault

FILE_VAULT_FORMAT = "dip-onboarding-file-vault"
# scrypt settings the file vault is written with (about 0.4 s and 128 MiB); opening refuses a header asking more.
FILE_VAULT_COST = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
MIN_SCRYPT_N = 2**14  # the least a header may say
MIN_PASSPHRASE = 12


def check_passphrase(passphrase: str) -> None:
    """A file vault passphrase must be long enough to resist guessing; raises `InvalidInput` otherwise."""
    from wizard.core.errors import InvalidInput

    if len(passphrase) < MIN_PASSPHRASE:
        raise InvalidInput("passphrase", f"Use a passphrase of at least {MIN_PASSPHRASE} characters — several "
                                         "unrelated words work well.")
    if len(set(passphrase)) < 5:
        raise InvalidInput("passphrase", "That passphrase repeats too few characters to be safe; choose another.")
    from wizard.core.passwords import refuse_guessable

    refuse_guessable(passphrase, "passphrase", "passphrase")


class FileStore:
    """Entries in one file, encrypted with AES-256-GCM under a key derived from a passphrase with scrypt.

    Only for machines with no OS keychain, and only when the user chooses it. The passphrase is never stored;
    a wrong one is detected by the authentication tag and changes nothing.
    """

    kind = "file"

    def __init__(self, path: Path, key: bytes, header: dict[str, Any], entries: dict[str, str]) -> None:
        self.path = path
        self._key = key
        self._header = header
        self._entries = entries
        self.name = "your passphrase-protected file vault"

    def __repr__(self) -> str:
        return f"FileStore({str(self.path)!r})"

    @staticmethod
    def _derive(passphrase: str, kdf: dict[str, Any]) -> bytes:
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

        salt = base64.b64decode(kdf["salt"])
        return Scrypt(salt=salt, length=32, n=int(kdf["n"]), r=int(kdf["r"]), p=int(kdf["p"])).derive(
            passphrase.encode("utf-8"))

    @classmethod
    def create(cls, path: Path, passphrase: str, *, cost: int = FILE_VAULT_COST) -> FileStore:
        """Make a new, empty file vault; refuses to replace an existing one."""
        check_passphrase(passphrase)
        if path.exists():
            raise VaultError(f"A file vault already exists at {path}. Open it with its passphrase instead.")
        if cost > FILE_VAULT_COST:  # a vault this version could not open again
            raise ValueError(f"scrypt cost {cost} is above {FILE_VAULT_COST}")
        kdf: dict[str, Any] = {"name": "scrypt", "n": cost, "r": SCRYPT_R, "p": SCRYPT_P,
                               "salt": base64.b64encode(os.urandom(16)).decode("ascii")}
        header: dict[str, Any] = {"format": FILE_VAULT_FORMAT, "version": 1, "kdf": kdf}
        store = cls(path, cls._derive(passphrase, kdf), header, {})
        path.parent.mkdir(parents=True, exist_ok=True)
        store._save()
        return store

    @classmethod
    def open(cls, path: Path, passphrase: str) -> FileStore:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            header = {k: doc[k] for k in ("format", "version", "kdf")}
            if header["format"] != FILE_VAULT_FORMAT or header["version"] != 1 or header["kdf"]["name"] != "scrypt":
                raise ValueError("not a file vault this version understands")
            kdf = header["kdf"]
            n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
            # Bounds before deriving: an edited header must not make opening take minutes or all memory. Nothing
            # above what `create` writes is tried (n = 2**20, r = 32, p = 16 took 126 s and 4.2 GB).
            if not (MIN_SCRYPT_N <= n <= FILE_VAULT_COST and n & (n - 1) == 0 and r == SCRYPT_R and p == SCRYPT_P):
                raise ValueError("unexpected key-derivation settings")
            if len(base64.b64decode(kdf["salt"], validate=True)) < 16:
                raise ValueError("salt too short")
            nonce = base64.b64decode(doc["nonce"], validate=True)
            sealed = base64.b64decode(doc["ciphertext"], validate=True)
            key = cls._derive(passphrase, kdf)
        except FileNotFoundError:
            raise VaultError(f"There is no file vault at {path}.") from None
        except (OSError, ValueError, KeyError, TypeError, OverflowError) as exc:
            raise SecretDamaged(f"The file vault {path} cannot be read ({exc}). It has not been changed.") from None
        try:
            plain = AESGCM(key).decrypt(nonce, sealed, _aad(header))
        except InvalidTag:
            raise WrongPassphrase("That passphrase does not open the file vault (or the file was changed). "
                                  "Nothing was changed; try again.") from None
        entries = json.loads(plain.decode("utf-8"))
        return cls(path, key, header, entries)

    def _decrypt_current(self) -> dict[str, str]:
        """Re-read the file with the key already derived (another window or command may have changed it)."""
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
            header = {k: doc[k] for k in ("format", "version", "kdf")}
            nonce = base64.b64decode(doc["nonce"], validate=True)
            sealed = base64.b64decode(doc["ciphertext"], validate=True)
            if header != self._header:
                raise ValueError("it was replaced by a different vault")
            entries = json.loads(AESGCM(self._key).decrypt(nonce, sealed, _aad(header)).decode("utf-8"))
        except FileNotFoundError:
            raise VaultError(f"The file vault {self.path} has gone missing. Put it back (from a backup) and try "
                             "again.") from None
        except (OSError, ValueError, KeyError, TypeError, InvalidTag) as exc:
            raise SecretDamaged(f"The file vault {self.path} changed and cannot be read ({type(exc).__name__}). "
                                "It has not been changed.") from None
        if not isinstance(entries, dict):
            raise SecretDamaged(f"The file vault {self.path} is damaged.")
        return {str(k): str(v) for k, v in entries.items()}

    def _save(self) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = os.urandom(12)
        plain = json.dumps(self._entries).encode("utf-8")
        sealed = AESGCM(self._key).encrypt(nonce, plain, _aad(self._header))
        doc = {**self._header, "nonce": base64.b64encode(nonce).decode("ascii"),
               "ciphertext": base64.b64encode(sealed).decode("ascii")}
        try:
            atomic_write(self.path, json.dumps(doc, indent=1).encode("utf-8"))
        except OSError as exc:
            raise VaultError(f"Could not save the file vault {self.path}: {exc.strerror or exc}. "
                             "It is unchanged.") from None

    def _change(self, change: Callable[[dict[str, str]], None]) -> None:
        """Apply `change` to the entries as they are on disk now, under a lock, and save: two windows or
        commands using the vault at once never undo each other's changes."""
        with locked(self.path.with_name(self.path.name + ".lock"),
                    busy_message="The file vault is being saved by another window or command; try again."):
            entries = self._decrypt_current() if self.path.exists() else dict(self._entries)
            change(entries)
            previous, self._entries = self._entries, entries
            try:
                self._save()
            except VaultError:
                self._entries = previous
                raise

    def put(self, entry: str, value: str) -> None:
        self._change(lambda entries: entries.__setitem__(entry, value))

    def get(self, entry: str) -> str | None:
        if self.path.exists():
            self._entries = self._decrypt_current()
        return self._entries.get(entry)

    def delete(self, entry: str) -> None:
        def remove(entries: dict[str, str]) -> None:
            entries.pop(entry, None)

        if self.get(entry) is not None:
            self._change(remove)


class VaultProvider:
    """Opens the vault a key lives in: the OS keychain, or the opt-in file vault (which needs its passphrase).

    The composition root builds one; tests give it a keychain factory of their own.
    """

    def __init__(self, file_path: Path, keychain: Callable[[], SecretStore] = open_keychain) -> None:
        self.file_path = file_path
        self._keychain = keychain
        self._file: FileStore | None = None

    def keychain(self) -> Vault:
        """Raises `KeychainUnavailable` with a plain explanation when there is no OS keychain."""
        return Vault(self._keychain())

    def file_vault_exists(self) -> bool:
        return self.file_path.exists()

    def file(self, passphrase: str | None = None) -> Vault:
        """The file vault, opened (or, the first time, created) with `passphrase`; reused once open."""
        if self._file is None:
            if passphrase is None:
                raise WrongPassphrase("The file vault needs its passphrase.")
            self._file = (FileStore.open(self.file_path, passphrase) if self.file_path.exists()
                          else FileStore.create(self.file_path, passphrase))
        return Vault(self._file)


def _aad(header: dict[str, Any]) -> bytes:
    # The header is authenticated too, so nobody can lower the key-derivation cost without detection.
    return json.dumps(header, sort_keys=True).encode("utf-8")
