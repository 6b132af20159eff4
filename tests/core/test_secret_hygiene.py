"""Secrets stay out of reprs and exception messages: no private key, password, passphrase or Atlas API key/secret
shows in repr() or str() of any object that holds or relates to one, nor in the message of any exception raised
over one — including the exceptions chained behind it (__cause__ / __context__), where a debugger or crash
reporter could still reach them.

The wizard itself logs nothing (no `logging` in wizard/); the flows' log records are searched in
tests/integration/test_gui_offline_flow.py and test_cli_secrets_in_logs.py. Crash reports: tests/core/test_crash.py.
The clipboard is cleared after a copied passphrase's time-out: tests/ui/test_clipboard.py.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from keyring.backend import KeyringBackend

from tests.core.bundles import AT, certified_project, key_for
from tests.core.conftest import NOW
from tests.pki import make_chain
from wizard.core.atlas import AtlasCredentials, check_credentials, store_credentials
from wizard.core.bundle_export import PfxRequest, build_bundle, export_bundle
from wizard.core.errors import WizardError
from wizard.core.keys import create_key, load_private_key, store_existing_key
from wizard.core.memory_keychain import MemoryKeychain
from wizard.core.model import Project
from wizard.core.packaging import (
    PFX_PROFILES,
    check_password,
    export_encrypted_key,
    export_pfx,
    open_own_key,
    pfx_bytes,
    read_encrypted_key,
    read_pfx,
)
from wizard.core.profile import Profile
from wizard.core.session import ProjectSession
from wizard.core.store import create_project
from wizard.core.vault import FileStore, KeyringStore, Vault, VaultError, VaultProvider, check_passphrase

PASSWORD = "Quartz-Lantern-Meadow-9041"
PASSPHRASE = "violet tugboat anchors seventy"
API_KEY = "AtlasKey-3f9c2e71d0b84a56"
API_SECRET = "AtlasSecret-7Hq2Lm9Xv4Rt8Wz1"
SECRETS = (PASSWORD, PASSPHRASE, API_KEY, API_SECRET)


def key_texts(key: object) -> list[str]:
    """How an unencrypted key would show in text: the PEM marker and every line of its PEM body."""
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,  # type: ignore[attr-defined]
                            serialization.NoEncryption()).decode()
    return ["PRIVATE KEY", *[line for line in pem.splitlines() if not line.startswith("-----")]]


def leaks(text: str, *keys: object) -> list[str]:
    needles = [*SECRETS, *(t for k in keys for t in key_texts(k))]
    return [n if n in SECRETS else "a line of the key's PEM" for n in needles if n in text]


def chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and every one behind it, through __cause__ and __context__ (suppressed or not)."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo += [e for e in (current.__cause__, current.__context__) if e is not None]


def exception_text(exc: BaseException) -> str:
    return "\n".join(f"{type(e).__name__}: {e} {e!r} {e.args!r}" for e in chain(exc))


# ---------------------------------------------------------------- reprs


@pytest.fixture
def session(tmp_path: Path, profile: Profile) -> ProjectSession:
    project = certified_project(profile)
    create_project(tmp_path / "project", project)
    return ProjectSession.open(tmp_path / "project", profile, lambda: NOW)


def test_reprs_of_everything_that_holds_or_names_a_secret_show_none(profile: Profile, tmp_path: Path,
                                                                     session: ProjectSession) -> None:
    store = MemoryKeychain()
    vault = Vault(store)
    new = create_key(profile.certificate_kind("dip-mtls"), "rsa-2048", vault, NOW)
    made = load_private_key(vault, new.record)
    atlas = store_credentials(vault, AtlasCredentials(API_KEY, API_SECRET), NOW)
    file_store = FileStore.create(tmp_path / "secrets.vault", PASSPHRASE, cost=2**12)
    provider = VaultProvider(tmp_path / "other.vault", keychain=lambda: store)
    provider.file(PASSPHRASE)
    key = key_for("dip-mtls")
    issued = make_chain(key)
    brought = read_pfx(pfx_bytes(key, issued.leaf, issued.above, PFX_PROFILES["modern"], PASSWORD, "acme"), PASSWORD)
    request = PfxRequest("dip-mtls", key)
    exported = export_bundle(profile, session.project, "technical-lead", tmp_path / "lead.zip", AT, pfx=[request],
                             password=PASSWORD)
    stored_brought = store_existing_key(profile.certificate_kind("dip-mtls"), key, vault, NOW)
    objects: dict[str, object] = {
        "NewKey": new, "KeyRecord": new.record, "StoredSecret": atlas,
        "AtlasCredentials": AtlasCredentials(API_KEY, API_SECRET),
        "Vault": vault, "KeyringStore": KeyringStore(object(), "GNOME Keyring"), "FileStore": file_store,
        "Vault(FileStore)": Vault(file_store), "VaultProvider": provider, "open file vault": provider.file(),
        "ProjectSession": session, "Project": session.project, "BroughtKey": brought, "PfxRequest": request,
        "ExportedBundle": exported, "stored brought key": stored_brought,
        "a private key object": made,
    }
    for name, obj in objects.items():
        for text in (repr(obj), str(obj)):
            assert leaks(text, made, key) == [], f"{name}: {text[:200]}"
    # ...and the secrets really are in those objects (so the check above had something to find).
    assert json.loads(vault.get(atlas.id))["api_secret"] == API_SECRET
    assert brought.key.private_numbers() == key.private_numbers()  # type: ignore[union-attr]


def test_a_bundle_with_a_pfx_holds_neither_its_password_nor_a_plain_key(profile: Profile,
                                                                         session: ProjectSession) -> None:
    data, manifest = build_bundle(profile, session.project, "technical-lead", AT,
                                  pfx=[PfxRequest("dip-mtls", key_for("dip-mtls"))], password=PASSWORD)
    assert PASSWORD.encode() not in data
    assert b"PRIVATE KEY" not in data
    assert b"PRIVATE KEY" not in manifest


# ---------------------------------------------------------------- exceptions


def test_a_wrong_pfx_password_or_a_bad_pfx_file_is_reported_without_the_password() -> None:
    good = make_chain()
    data = pfx_bytes(good.key, good.leaf, good.above, PFX_PROFILES["modern"], PASSWORD, "acme")
    wrong = PASSWORD[::-1]
    for attempt in (lambda: read_pfx(data, wrong), lambda: read_pfx(b"not a pfx " + PASSWORD.encode(), PASSWORD),
                    lambda: read_pfx(data[:200], PASSWORD), lambda: open_own_key(data, wrong, None)):
        with pytest.raises(WizardError) as failed:
            attempt()
        assert leaks(exception_text(failed.value), good.key) == []
        assert wrong not in exception_text(failed.value)


def test_a_wrong_key_file_password_is_reported_without_it(tmp_path: Path) -> None:
    good = make_chain()
    export_encrypted_key(tmp_path / "key.pem", good.key, PASSWORD)
    wrong = "Wrong-" + PASSWORD
    for attempt in (lambda: read_encrypted_key((tmp_path / "key.pem").read_bytes(), wrong),
                    lambda: open_own_key((tmp_path / "key.pem").read_bytes(), wrong, None)):
        with pytest.raises(WizardError) as failed:
            attempt()
        text = exception_text(failed.value)
        assert leaks(text, good.key) == []
        assert wrong not in text


def test_passwords_refused_as_too_weak_are_not_echoed(tmp_path: Path) -> None:
    good = make_chain()
    for weak, attempt in (("short7!", lambda: check_password("short7!")),
                          ("aaaaaaaaaaaaaaaa", lambda: check_passphrase("aaaaaaaaaaaaaaaa")),
                          ("tiny pass", lambda: FileStore.create(tmp_path / "v", "tiny pass", cost=2**12)),
                          ("short7!", lambda: export_pfx(tmp_path / "a.pfx", good.key, good.leaf, good.above,
                                                         PFX_PROFILES["modern"], "short7!", "acme"))):
        with pytest.raises(WizardError) as failed:
            attempt()
        assert weak not in exception_text(failed.value)


def test_bad_atlas_credentials_are_not_echoed() -> None:
    for key, secret, bad in ((API_KEY, "has spaces " + API_SECRET, API_SECRET), (API_SECRET, API_SECRET, API_SECRET),
                             ("x" * 300, API_SECRET, "x" * 300)):
        with pytest.raises(WizardError) as failed:
            check_credentials(key, secret)
        assert bad not in exception_text(failed.value)


def test_a_wrong_file_vault_passphrase_is_reported_without_it(tmp_path: Path) -> None:
    FileStore.create(tmp_path / "secrets.vault", PASSPHRASE, cost=2**12)
    wrong = PASSPHRASE.upper()
    with pytest.raises(VaultError) as failed:
        FileStore.open(tmp_path / "secrets.vault", wrong)
    assert wrong not in exception_text(failed.value)
    assert PASSPHRASE not in exception_text(failed.value)


class EchoingKeyring(KeyringBackend):
    """A keychain whose error quotes the value it was given, as a careless backend might."""

    priority = -1  # type: ignore[assignment]

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"cannot store {username}={password}")

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def delete_password(self, service: str, username: str) -> None:
        return None


def test_a_failing_keychain_write_keeps_the_secret_out_of_the_whole_exception_chain(profile: Profile) -> None:
    vault = Vault(KeyringStore(EchoingKeyring(), "GNOME Keyring"))
    with pytest.raises(VaultError) as failed:
        store_credentials(vault, AtlasCredentials(API_KEY, API_SECRET), NOW)
    text = exception_text(failed.value)
    assert "GNOME Keyring" in text
    payload = base64.b64encode(json.dumps({"api_key": API_KEY, "api_secret": API_SECRET}).encode()).decode()
    assert payload[:40] not in text
    assert API_SECRET not in text
    with pytest.raises(VaultError) as failed:
        create_key(profile.certificate_kind("dip-mtls"), "rsa-2048", vault, NOW)
    assert "PRIVATE KEY" not in exception_text(failed.value)
    assert len(list(chain(failed.value))) == 1, "no exception behind the keychain error to leak through"


def test_the_checker_finds_secrets_where_they_are() -> None:
    """The helpers above do find what they look for: a secret in a chained exception, a PEM line in a repr."""
    key = key_for("dip-mtls")
    with pytest.raises(WizardError) as raised:
        _raise_over_a_secret()
    assert PASSWORD in exception_text(raised.value)
    assert leaks(repr(key_texts(key)), key)
    assert leaks(repr(Project), key) == []


def _raise_over_a_secret() -> None:
    try:
        raise RuntimeError(f"password {PASSWORD}")
    except RuntimeError:
        raise WizardError("plain") from None
