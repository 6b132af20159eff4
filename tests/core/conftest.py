"""Shared fixtures for the Qt-free core tests: the shipped profile, a tiny TOML writer, project builders, and
secret stores for the vault (in memory, and one that enforces the Windows Credential Manager size limit)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from wizard.core.memory_keychain import MemoryKeychain
from wizard.core.model import Organisation, Person, Project, StepProgress
from wizard.core.profile import Profile, load_profile
from wizard.core.vault import KeyringStore, SecretStore, Vault

REPO = Path(__file__).resolve().parents[2]
SHIPPED_PROFILE = REPO / "resources" / "profiles" / "dip-mhhs.toml"
NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
PHONE = "+44 20 7946 0000"


# ---------------------------------------------------------------- profile


@pytest.fixture(scope="session")
def profile() -> Profile:
    return load_profile(SHIPPED_PROFILE)


@pytest.fixture(scope="session")
def _shipped_data() -> dict[str, Any]:
    return tomllib.loads(SHIPPED_PROFILE.read_text(encoding="utf-8"))


@pytest.fixture
def profile_data(_shipped_data: dict[str, Any]) -> dict[str, Any]:
    """A fresh, freely mutable copy of the shipped profile as parsed TOML."""
    return copy.deepcopy(_shipped_data)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, dt.date):
        return value.isoformat()  # a TOML local date (or date-time)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def to_toml(data: dict[str, Any]) -> str:
    """Write parsed TOML back as text: top-level tables as [t], lists of tables as [[t]], the rest inline."""
    lines: list[str] = []
    sections: list[str] = []
    for key, value in data.items():
        name = json.dumps(key)
        if isinstance(value, dict):
            sections.append(f"\n[{name}]")
            sections.extend(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items())
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            for table in value:
                sections.append(f"\n[[{name}]]")
                sections.extend(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in table.items())
        else:
            lines.append(f"{name} = {_toml_value(value)}")
    return "\n".join(lines + sections) + "\n"


@pytest.fixture
def write_profile(tmp_path: Path) -> Callable[..., Path]:
    """Write a profile variant (parsed data, text or raw bytes) to tmp_path and return its path."""

    def write(content: dict[str, Any] | str | bytes, name: str = "variant.toml") -> Path:
        path = tmp_path / name
        if isinstance(content, dict):
            path.write_text(to_toml(content), encoding="utf-8")
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    return write


# ---------------------------------------------------------------- projects and people


def person(name: str, *roles: str, primary: Iterable[str] = (), phone: str = PHONE, external: bool = False,
           email: str | None = None) -> Person:
    """A hand-built Person (no validation), id and e-mail derived from the name."""
    slug = name.lower().replace(" ", ".")
    return Person(id=f"p-{slug}", name=name, email=email if email is not None else f"{slug}@acme.example",
                  phone=phone, roles=roles, primary_roles=tuple(primary), external=external)


@pytest.fixture
def make_person() -> Callable[..., Person]:
    return person


@pytest.fixture
def make_project(profile: Profile) -> Callable[..., Project]:
    def make(env: str = "uit", people: Iterable[Person] = (), progress: Iterable[StepProgress] = ()) -> Project:
        return Project(profile_id=profile.id, environment=env,
                       organisation=Organisation("Acme Energy Ltd", "01234567", "acme.example"),
                       created_at=NOW, updated_at=NOW, people=tuple(people), progress=tuple(progress))

    return make


@pytest.fixture
def full_team() -> tuple[Person, ...]:
    """A team meeting every staffing rule, in a valid portal creation order."""
    return (
        person("Pat Primary", "primary-user-admin"),
        person("Cara Cert", "certificate-admin", primary=["certificate-admin"]),
        person("Mo Message", "message-admin"),
        person("Uma User", "user-admin"),
        person("Cal Cert", "certificate-admin"),
        person("Meg Message", "message-admin"),
        person("Dan Dns", "dns-admin", phone=""),
    )


# ---------------------------------------------------------------- secret stores for the vault

# Windows Credential Manager keeps at most CRED_MAX_CREDENTIAL_BLOB_SIZE (5 * 512) bytes per entry, and keyring's
# Windows backend writes the password into that blob as UTF-16: 1,280 characters of ASCII.
WINDOWS_BLOB_BYTES = 2560


class CredWriteError(Exception):
    """Stands in for pywintypes.error, which CredWrite raises for a blob over the limit."""


class WindowsLimitKeyring(KeyringBackend):
    """A keyring backend that behaves like keyring's Windows backend on size: any value whose UTF-16 form is over
    2,560 bytes (1,280 ASCII characters) is refused, as Credential Manager refuses it.

    Negative priority: keyring must never choose it on its own.
    """

    priority = -1  # type: ignore[assignment]

    def __init__(self, fail_on_put: int | None = None) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}
        self.fail_on_put = fail_on_put
        self.puts = 0

    def set_password(self, service: str, username: str, password: str) -> None:
        self.puts += 1
        if self.fail_on_put is not None and self.puts == self.fail_on_put:
            raise CredWriteError(1726, "CredWrite", "The remote procedure call failed.")
        if len(password.encode("utf-16-le")) > WINDOWS_BLOB_BYTES:
            raise CredWriteError(1783, "CredWrite", "The stub received bad data.")
        self.items[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError("Password not found")


@pytest.fixture
def make_memory_store() -> Callable[..., MemoryKeychain]:
    return MemoryKeychain


@pytest.fixture
def make_windows_store() -> Callable[..., KeyringStore]:
    """A KeyringStore over a backend that enforces Windows Credential Manager's size limit."""

    def make(fail_on_put: int | None = None) -> KeyringStore:
        return KeyringStore(WindowsLimitKeyring(fail_on_put), "Windows Credential Manager")

    return make


@pytest.fixture(params=["memory", "windows-limit"])
def store(request: pytest.FixtureRequest) -> SecretStore:
    """Each vault test runs over the in-memory store and over the Windows-limited keychain."""
    if request.param == "memory":
        return MemoryKeychain()
    return KeyringStore(WindowsLimitKeyring(), "Windows Credential Manager")


@pytest.fixture
def vault(store: SecretStore) -> Vault:
    return Vault(store)
