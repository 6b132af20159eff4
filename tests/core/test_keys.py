"""Key pairs: which algorithm the profile allows, fingerprints, and making a new key (wizard/actions/keys.py): the
intent is saved before the vault is touched, the key is recorded "pending", a replacement never takes a key whose
CSR was sent, and a failure anywhere leaves no key recorded and nothing in the vault that nothing refers to."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from wizard.actions.keys import (
    KeyMade,
    begin_key_generation,
    cancel_key_generation,
    check_keys,
    finish_key_generation,
    generate_and_store,
    generate_key,
    record_csr_exported,
)
from wizard.actions.opening import housekeep
from wizard.core import session as session_module
from wizard.core.errors import InvalidInput, ProjectChanged, ProjectError
from wizard.core.keys import (
    ALGORITHM_NAMES,
    choose_algorithm,
    create_key,
    describe_algorithm,
    format_fingerprint,
    generate_private_key,
    load_private_key,
    public_fingerprint,
)
from wizard.core.lifecycle import KeyRuleError, key_entry, without_intent
from wizard.core.model import KeyRecord, Organisation, with_key
from wizard.core.profile import Profile
from wizard.core.session import ProjectSession
from wizard.core.store import load_project, project_file
from wizard.core.vault import KeychainLocked, SecretStore, Vault, VaultError

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
ACME = Organisation("Acme Energy Ltd", "01234567", "acme.example")


@pytest.fixture
def session(tmp_path: Path, profile: Profile) -> ProjectSession:
    return ProjectSession.create(tmp_path / "acme", profile, lambda: NOW, organisation=ACME, environment="uit")


# ---------------------------------------------------------------- choose_algorithm (read from the profile)


def test_every_kind_defaults_to_rsa_2048(profile: Profile) -> None:
    for kind in profile.certificate_kinds:
        assert choose_algorithm(kind, None) == kind.default_algorithm == "rsa-2048"


def test_the_profile_lists_rsa_sizes_for_every_kind_and_ec_only_for_the_webhook(profile: Profile) -> None:
    accepted = {kind.id: kind.algorithms for kind in profile.certificate_kinds}
    assert accepted == {"atlas-api": ("rsa-2048", "rsa-3072", "rsa-4096"),
                        "dip-signing": ("rsa-2048", "rsa-3072", "rsa-4096"),
                        "dip-mtls": ("rsa-2048", "rsa-3072", "rsa-4096"),
                        "webhook-tls": ("rsa-2048", "rsa-3072", "rsa-4096", "ec-p256")}


@pytest.mark.parametrize("typed", ["{alg}", "{ALG}", "  {alg} "])
def test_every_accepted_algorithm_is_chosen_as_typed(profile: Profile, typed: str) -> None:
    for kind in profile.certificate_kinds:
        for algorithm in kind.algorithms:
            assert choose_algorithm(kind, typed.format(alg=algorithm, ALG=algorithm.upper())) == algorithm


@pytest.mark.parametrize("algorithm", ["ec-p256", "ec-p384"])
def test_ec_is_refused_where_the_profile_does_not_list_it(profile: Profile, algorithm: str) -> None:
    refusing = [k for k in profile.certificate_kinds if algorithm not in k.algorithms]
    assert {k.id for k in refusing} >= {"atlas-api", "dip-signing", "dip-mtls"}
    for kind in refusing:
        with pytest.raises(InvalidInput) as refused:
            choose_algorithm(kind, algorithm)
        assert refused.value.field == "algorithm"
        message = str(refused.value)
        assert f'"{algorithm}" is not accepted for the {kind.name}' in message
        assert ", ".join(kind.algorithms) in message
        assert "(default rsa-2048)" in message


@pytest.mark.parametrize("algorithm", ["rsa-1024", "rsa-8192", "dsa-2048", "ed25519", "", "rsa"])
def test_unknown_algorithms_are_refused(profile: Profile, algorithm: str) -> None:
    for kind in profile.certificate_kinds:
        with pytest.raises(InvalidInput):
            choose_algorithm(kind, algorithm)


def test_every_algorithm_has_a_plain_name(profile: Profile) -> None:
    for kind in profile.certificate_kinds:
        for algorithm in kind.algorithms:
            assert describe_algorithm(algorithm) == ALGORITHM_NAMES[algorithm]
    assert describe_algorithm("rsa-4096") == "RSA 4096-bit"
    assert describe_algorithm("ec-p256") == "EC P-256"


# ---------------------------------------------------------------- generation and fingerprints


@pytest.mark.parametrize(("algorithm", "check"), [
    ("rsa-2048", lambda k: isinstance(k, rsa.RSAPrivateKey) and k.key_size == 2048 and
     k.private_numbers().public_numbers.e == 65537),
    ("rsa-3072", lambda k: isinstance(k, rsa.RSAPrivateKey) and k.key_size == 3072),
    ("ec-p256", lambda k: isinstance(k, ec.EllipticCurvePrivateKey) and k.curve.name == "secp256r1"),
    ("ec-p384", lambda k: isinstance(k, ec.EllipticCurvePrivateKey) and k.curve.name == "secp384r1"),
])
def test_generate_private_key(algorithm: str, check: Callable[[Any], bool]) -> None:
    assert check(generate_private_key(algorithm))


def test_generate_refuses_what_it_cannot_make() -> None:
    with pytest.raises(InvalidInput):
        generate_private_key("ed25519")


def test_fingerprint_is_sha256_of_the_public_key_and_matches_key_record_and_csr(profile: Profile,
                                                                                 vault: Vault) -> None:
    import hashlib

    from cryptography.hazmat.primitives import serialization

    from wizard.core.csr import build_csr

    kind = profile.certificate_kind("dip-mtls")
    new = create_key(kind, "rsa-2048", vault, NOW)
    key = load_private_key(vault, new.record)
    spki = key.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)
    assert new.record.fingerprint == public_fingerprint(key.public_key()) == hashlib.sha256(spki).hexdigest()
    csr = build_csr(kind, ACME, key)
    public = csr.public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    assert public_fingerprint(public) == new.record.fingerprint
    assert len(new.record.fingerprint) == 64
    assert new.record.fingerprint == new.record.fingerprint.lower()


def test_format_fingerprint() -> None:
    fingerprint = "ab12cd34" * 8
    assert format_fingerprint(fingerprint) == "AB12 CD34 AB12 CD34 AB12 CD34 AB12 CD34"
    assert format_fingerprint(fingerprint, groups=16).replace(" ", "") == fingerprint.upper()
    assert format_fingerprint(fingerprint, groups=2) == "AB12 CD34"


def test_create_key_does_not_touch_the_project(profile: Profile, session: ProjectSession, vault: Vault) -> None:
    before = project_file(session.folder).read_bytes()
    new = create_key(profile.certificate_kind("webhook-tls"), "ec-p256", vault, NOW)
    assert vault.exists(new.record.id)
    assert stored(vault) == {new.record.id}  # exactly the key, under its id when no entry is named
    assert (new.record.kind, new.record.algorithm, new.record.created_at) == ("webhook-tls", "ec-p256", NOW)
    assert (new.record.replaces, new.record.state, new.record.entry) == (None, "pending", new.record.id)
    assert new.record.vault_entry == new.record.id
    assert project_file(session.folder).read_bytes() == before
    assert session.project.keys == ()


def test_create_key_stores_under_the_entry_it_is_given(profile: Profile, vault: Vault) -> None:
    new = create_key(profile.certificate_kind("webhook-tls"), "ec-p256", vault, NOW, key_id="k-given",
                     entry="p-0123456789abcdef/k-given")
    assert (new.record.id, new.record.entry) == ("k-given", "p-0123456789abcdef/k-given")
    assert stored(vault) == {"p-0123456789abcdef/k-given"}
    assert load_private_key(vault, new.record)


def test_key_ids_are_new_every_time(profile: Profile, vault: Vault) -> None:
    kind = profile.certificate_kind("webhook-tls")
    ids = {create_key(kind, "ec-p256", vault, NOW).record.id for _ in range(5)}
    assert len(ids) == 5
    assert all(i.startswith("k-") for i in ids)


def test_create_key_on_a_failing_vault_keeps_nothing(profile: Profile,
                                                     make_memory_store: Callable[..., Any]) -> None:
    store = make_memory_store(fail_on_put=2)
    with pytest.raises(VaultError):
        create_key(profile.certificate_kind("atlas-api"), "rsa-2048", Vault(store), NOW)
    assert store.entries == {}


def stored(vault: Vault) -> set[str]:
    """The secrets in a test vault, by the name `Vault` gave them (each is NAME/index and NAME/part-N entries)."""
    holder: Any = getattr(vault.store, "backend", vault.store)
    raw = holder.entries if hasattr(holder, "entries") else {user for _, user in holder.items}
    return {entry.rsplit("/", 1)[0] for entry in raw}


# ---------------------------------------------------------------- making a key: generate_key and its three halves


def _generate(session: ProjectSession, vault: Vault, kind_id: str = "webhook-tls", algorithm: str = "ec-p256", *,
              replace_key: bool = False) -> KeyMade:
    return generate_key(session, session.profile.certificate_kind(kind_id), algorithm, vault,
                        replace_key=replace_key)


def _activate(session: ProjectSession, record: KeyRecord) -> KeyRecord:
    """Stand-in for an imported certificate (tests/core/test_certs.py covers that): the key becomes the one in use."""
    active = replace(session.project.key(record.id), state="active")
    session.commit(with_key(session.project, active))
    return active


def _in_use_and_pending(session: ProjectSession, vault: Vault) -> tuple[KeyRecord, KeyRecord]:
    active = _activate(session, _generate(session, vault).record)
    return active, _generate(session, vault, replace_key=True).record


def test_first_key_is_pending_and_saved(profile: Profile, session: ProjectSession, vault: Vault) -> None:
    made = _generate(session, vault, "atlas-api", "rsa-2048")
    record = made.record
    assert (record.state, record.replaces, made.superseded) == ("pending", None, None)
    assert (record.kind, record.algorithm, record.vault, record.created_at) == ("atlas-api", "rsa-2048", "keychain",
                                                                                 NOW)
    assert record.entry == key_entry(session.project, record.id) == f"{session.project.identity}/{record.id}"
    assert made.vault_name == vault.name
    assert session.project.keys == (record,)
    assert session.project.key_intents == ()
    assert load_project(session.folder) == session.project
    assert stored(vault) == {record.entry}  # exactly the key, under the project's identity
    assert load_private_key(vault, record)
    assert "PRIVATE KEY" not in project_file(session.folder).read_text(encoding="utf-8")


def test_replace_with_no_key_yet_makes_the_first(session: ProjectSession, vault: Vault) -> None:
    record = _generate(session, vault, replace_key=True).record
    assert (record.state, record.replaces) == ("pending", None)
    assert session.project.keys == (record,)


def test_the_intent_is_saved_before_the_vault_is_touched(profile: Profile, session: ProjectSession,
                                                         make_memory_store: Callable[..., Any]) -> None:
    store = make_memory_store()
    vault = Vault(store)
    job = begin_key_generation(session, profile.certificate_kind("webhook-tls"), "ec-p256", vault.kind,
                               replace_key=False)
    assert store.log == []
    [intent] = load_project(session.folder).key_intents
    assert (intent.id, intent.kind, intent.entry, intent.vault, intent.started_at) == (
        job.key_id, "webhook-tls", job.entry, "keychain", NOW)
    assert job.entry == key_entry(session.project, job.key_id)

    record = generate_and_store(job, vault, NOW)  # the worker half records nothing
    assert stored(vault) == {job.entry}
    assert load_project(session.folder).keys == ()
    assert not session.project.keys

    made = finish_key_generation(session, job, record, vault)
    assert made.record == replace(record, state="pending", replaces=None)
    assert session.project.keys == (made.record,)
    assert session.project.key_intents == ()
    assert load_project(session.folder) == session.project


def test_a_second_key_needs_replace(session: ProjectSession, vault: Vault) -> None:
    first = _generate(session, vault).record
    before = project_file(session.folder).read_bytes()
    with pytest.raises(KeyRuleError, match="--replace"):
        _generate(session, vault)
    assert session.project.keys == (first,)
    assert session.project.key_intents == ()
    assert project_file(session.folder).read_bytes() == before
    assert stored(vault) == {first.entry}


def test_replacement_keeps_the_key_in_use(session: ProjectSession, vault: Vault) -> None:
    active = _activate(session, _generate(session, vault).record)
    made = _generate(session, vault, replace_key=True)
    second = made.record
    assert (second.state, second.replaces, made.superseded) == ("pending", active.id, None)
    assert session.project.keys_for("webhook-tls") == (active, second)
    assert session.project.key_in_state("webhook-tls", "active") == active
    assert session.project.key_in_state("webhook-tls", "pending") == second
    assert stored(vault) == {active.entry, second.entry}
    assert load_private_key(vault, active)
    assert load_private_key(vault, second)
    assert load_project(session.folder).keys == (active, second)


def test_a_second_replace_keeps_the_pending_key_whose_csr_was_exported(session: ProjectSession,
                                                                        vault: Vault) -> None:
    active, pending = _in_use_and_pending(session, vault)
    exported = record_csr_exported(session, pending, "-----BEGIN CERTIFICATE REQUEST-----")
    assert (exported.csr_exported_at, exported.csr_pem) == (NOW, "-----BEGIN CERTIFICATE REQUEST-----")
    before = project_file(session.folder).read_bytes()
    with pytest.raises(KeyRuleError) as refused:
        _generate(session, vault, replace_key=True)
    message = " ".join(str(refused.value).split())
    assert "CSR was exported on 02 Mar 2026" in message
    assert "dip-onboarding key abandon DIR --cert webhook-tls" in message
    assert session.project.keys_for("webhook-tls") == (active, exported)
    assert session.project.key_intents == ()
    assert project_file(session.folder).read_bytes() == before
    assert stored(vault) == {active.entry, pending.entry}
    assert load_private_key(vault, exported)


def test_the_abandon_hint_names_the_folder_it_is_given(profile: Profile, session: ProjectSession,
                                                       vault: Vault) -> None:
    _, pending = _in_use_and_pending(session, vault)
    record_csr_exported(session, pending, "csr")
    with pytest.raises(KeyRuleError, match="dip-onboarding key abandon /srv/acme --cert webhook-tls"):
        generate_key(session, profile.certificate_kind("webhook-tls"), "ec-p256", vault, replace_key=True,
                     folder_label="/srv/acme")


def test_a_second_replace_supersedes_a_pending_key_never_exported(session: ProjectSession, vault: Vault) -> None:
    active, pending = _in_use_and_pending(session, vault)
    made = _generate(session, vault, replace_key=True)
    third = made.record
    assert made.superseded == pending
    assert (third.state, third.replaces) == ("pending", active.id)
    assert session.project.keys_for("webhook-tls") == (active, third)
    assert load_project(session.folder).keys == (active, third)
    assert stored(vault) == {active.entry, third.entry}  # the superseded key's entry went with it
    assert not vault.exists(pending.entry)


def test_replace_supersedes_a_first_key_never_exported(session: ProjectSession, vault: Vault) -> None:
    first = _generate(session, vault).record
    made = _generate(session, vault, replace_key=True)
    assert made.superseded == first
    assert (made.record.state, made.record.replaces) == ("pending", None)
    assert session.project.keys == (made.record,)
    assert stored(vault) == {made.record.entry}


def test_keys_of_other_kinds_are_left_alone(session: ProjectSession, vault: Vault) -> None:
    mtls = _generate(session, vault, "dip-mtls", "rsa-2048").record
    _in_use_and_pending(session, vault)
    _generate(session, vault, replace_key=True)
    _generate(session, vault, replace_key=True)
    assert session.project.keys_for("dip-mtls") == (mtls,)
    assert load_private_key(vault, mtls)


# ---------------------------------------------------------------- making a key: failures


def _failing_save(monkeypatch: pytest.MonkeyPatch) -> None:
    def save(*args: Any, **kwargs: Any) -> Any:
        raise ProjectError("Could not save the project: the disk is full (test).")

    monkeypatch.setattr(session_module, "save_project", save)


def _reopened(session: ProjectSession, vault: Vault) -> ProjectSession:
    """The project as the next open leaves it (an interrupted key write rolled back)."""
    again = ProjectSession.open(session.folder, session.profile, session.clock)
    housekeep(again, lambda kind: vault)
    return again


def test_a_save_that_fails_before_the_vault_is_touched_keeps_nothing(session: ProjectSession, vault: Vault,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    before = project_file(session.folder).read_bytes()
    state = session.project
    _failing_save(monkeypatch)
    with pytest.raises(ProjectError, match="disk is full"):
        _generate(session, vault, "atlas-api", "rsa-2048")
    assert stored(vault) == set()
    assert session.project == state
    assert project_file(session.folder).read_bytes() == before


def test_a_save_that_fails_at_the_finish_records_nothing_and_the_next_open_clears_the_key(
        profile: Profile, session: ProjectSession, vault: Vault, monkeypatch: pytest.MonkeyPatch) -> None:
    job = begin_key_generation(session, profile.certificate_kind("atlas-api"), "rsa-2048", vault.kind,
                               replace_key=False)
    record = generate_and_store(job, vault, NOW)
    begun = project_file(session.folder).read_bytes()
    state = session.project
    with monkeypatch.context() as patch:
        _failing_save(patch)
        with pytest.raises(ProjectError, match="disk is full"):
            finish_key_generation(session, job, record, vault)
    assert session.project == state  # the intent still recorded, no key
    assert session.project.keys == ()
    assert project_file(session.folder).read_bytes() == begun

    again = _reopened(session, vault)
    assert (again.project.keys, again.project.key_intents) == ((), ())
    assert stored(vault) == set()


def test_a_failed_save_of_a_replacement_keeps_the_key_in_use(session: ProjectSession, vault: Vault,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    active = _activate(session, _generate(session, vault).record)
    job = begin_key_generation(session, session.profile.certificate_kind("webhook-tls"), "ec-p256", vault.kind,
                               replace_key=True)
    record = generate_and_store(job, vault, NOW)
    with monkeypatch.context() as patch:
        _failing_save(patch)
        with pytest.raises(ProjectError):
            finish_key_generation(session, job, record, vault)
    again = _reopened(session, vault)
    assert again.project.keys == (active,)
    assert stored(vault) == {active.entry}
    assert load_private_key(vault, active)


def test_a_failed_save_of_a_superseding_key_keeps_the_key_in_use(session: ProjectSession, vault: Vault,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing is removed before the commit: the pending key being superseded stays with the key in use, and the
    new key's entry is rolled back at the next open."""
    active, pending = _in_use_and_pending(session, vault)
    job = begin_key_generation(session, session.profile.certificate_kind("webhook-tls"), "ec-p256", vault.kind,
                               replace_key=True)
    assert job.plan.supersedes == pending
    record = generate_and_store(job, vault, NOW)
    with monkeypatch.context() as patch:
        _failing_save(patch)
        with pytest.raises(ProjectError):
            finish_key_generation(session, job, record, vault)
    again = _reopened(session, vault)
    check_keys(again, lambda kind: vault)
    assert again.project.keys == (active, pending)
    assert stored(vault) == {active.entry, pending.entry}
    assert load_private_key(vault, active)


def test_the_finish_is_refused_when_the_intent_has_gone(profile: Profile, session: ProjectSession,
                                                        vault: Vault) -> None:
    """The project was repaired meanwhile (here: the intent rolled back, as an open elsewhere does): the new key is
    not recorded, whatever the worker wrote."""
    job = begin_key_generation(session, profile.certificate_kind("webhook-tls"), "ec-p256", vault.kind,
                               replace_key=False)
    record = generate_and_store(job, vault, NOW)
    session.commit(without_intent(session.project, job.key_id))
    before = project_file(session.folder).read_bytes()
    with pytest.raises(KeyRuleError, match="was not recorded"):
        finish_key_generation(session, job, record, vault)
    assert session.project.keys == ()
    assert project_file(session.folder).read_bytes() == before


def test_a_key_made_while_another_session_saved_is_refused(profile: Profile, session: ProjectSession,
                                                           vault: Vault) -> None:
    """Another window or command saved the project while the key was being made: the revision check refuses the
    finish, nothing of ours is recorded, theirs is kept, and the next open clears our key away."""
    job = begin_key_generation(session, profile.certificate_kind("webhook-tls"), "ec-p256", vault.kind,
                               replace_key=False)
    other = ProjectSession.open(session.folder, profile, lambda: NOW)
    theirs = _generate(other, vault, "dip-mtls", "rsa-2048").record
    after_other = project_file(session.folder).read_bytes()
    record = generate_and_store(job, vault, NOW)
    with pytest.raises(ProjectChanged):
        finish_key_generation(session, job, record, vault)
    assert session.project.keys == ()
    assert project_file(session.folder).read_bytes() == after_other
    again = _reopened(session, vault)
    assert again.project.keys == (theirs,)
    assert again.project.key_intents == ()
    assert stored(vault) == {theirs.entry}


def test_a_key_begun_on_a_stale_session_never_reaches_the_vault(profile: Profile, session: ProjectSession,
                                                                 make_memory_store: Callable[..., Any]) -> None:
    other = ProjectSession.open(session.folder, profile, lambda: NOW)
    other.commit(replace(other.project, notes={"a": "b"}))
    store = make_memory_store()
    with pytest.raises(ProjectChanged):
        _generate(session, Vault(store))
    assert store.log == []
    assert load_project(session.folder).key_intents == ()


def test_a_vault_failure_leaves_no_entry_and_no_intent(session: ProjectSession,
                                                       make_memory_store: Callable[..., Any]) -> None:
    store = make_memory_store(fail_on_put=2)
    with pytest.raises(VaultError):
        _generate(session, Vault(store), "atlas-api", "rsa-2048")
    assert store.entries == {}
    assert (session.project.keys, session.project.key_intents) == ((), ())
    assert load_project(session.folder) == session.project


def test_cancel_after_a_failed_worker_removes_the_intent(profile: Profile, session: ProjectSession,
                                                         make_memory_store: Callable[..., Any]) -> None:
    store = make_memory_store(fail_on_put=2)
    vault = Vault(store)
    job = begin_key_generation(session, profile.certificate_kind("atlas-api"), "rsa-2048", vault.kind,
                               replace_key=False)
    with pytest.raises(VaultError):
        generate_and_store(job, vault, NOW)
    assert store.entries == {}
    assert [t.id for t in session.project.key_intents] == [job.key_id]
    cancel_key_generation(session, job, vault)
    assert (session.project.keys, session.project.key_intents) == ((), ())
    assert load_project(session.folder).key_intents == ()
    assert store.entries == {}


def test_cancel_removes_what_an_interrupted_worker_wrote(profile: Profile, session: ProjectSession,
                                                         vault: Vault) -> None:
    job = begin_key_generation(session, profile.certificate_kind("webhook-tls"), "ec-p256", vault.kind,
                               replace_key=False)
    generate_and_store(job, vault, NOW)  # written, then the user stopped it before the finish
    cancel_key_generation(session, job, vault)
    assert stored(vault) == set()
    assert (session.project.keys, session.project.key_intents) == ((), ())


class _LockedForDeleting:
    """A test keychain that can be read and written but refuses to delete (locked part-way)."""

    kind = "keychain"
    name = "the locked test keychain"

    def __init__(self, store: SecretStore) -> None:
        self._store = store

    def put(self, entry: str, value: str) -> None:
        self._store.put(entry, value)

    def get(self, entry: str) -> str | None:
        return self._store.get(entry)

    def delete(self, entry: str) -> None:
        raise KeychainLocked("The test keychain is locked.")


def test_a_cancel_that_cannot_reach_the_vault_leaves_the_intent_for_the_next_open(
        profile: Profile, session: ProjectSession, vault: Vault) -> None:
    job = begin_key_generation(session, profile.certificate_kind("webhook-tls"), "ec-p256", vault.kind,
                               replace_key=False)
    generate_and_store(job, vault, NOW)
    cancel_key_generation(session, job, Vault(_LockedForDeleting(vault.store)))
    assert [t.id for t in load_project(session.folder).key_intents] == [job.key_id]
    assert stored(vault) == {job.entry}
    again = _reopened(session, vault)
    assert again.project.key_intents == ()
    assert stored(vault) == set()


def test_cancel_without_a_vault_removes_the_intent(profile: Profile, session: ProjectSession) -> None:
    job = begin_key_generation(session, profile.certificate_kind("webhook-tls"), "ec-p256", "keychain",
                               replace_key=False)
    cancel_key_generation(session, job, None)
    assert load_project(session.folder).key_intents == ()


def test_ctrl_c_while_storing_leaves_nothing(session: ProjectSession, make_memory_store: Callable[..., Any],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    store = make_memory_store()
    real_put = store.put
    puts: list[str] = []

    def put(entry: str, value: str) -> None:
        puts.append(entry)
        if len(puts) == 2:
            raise KeyboardInterrupt
        real_put(entry, value)

    monkeypatch.setattr(store, "put", put)
    with pytest.raises(KeyboardInterrupt):
        _generate(session, Vault(store), "atlas-api", "rsa-2048")
    assert store.entries == {}
    assert (session.project.keys, session.project.key_intents) == ((), ())
    assert load_project(session.folder).key_intents == ()


# ---------------------------------------------------------------- the project changed while a key was made


def test_a_csr_exported_while_the_replacement_was_made_keeps_its_key(profile: Profile, session: ProjectSession,
                                                                      vault: Vault) -> None:
    _, pending = _in_use_and_pending(session, vault)
    job = begin_key_generation(session, profile.certificate_kind("webhook-tls"), "ec-p256", vault.kind,
                               replace_key=True)
    assert job.plan.supersedes == pending  # never exported when the replacement was begun
    sent = record_csr_exported(session, pending, "csr")  # the user exports its CSR while the key is made
    record = generate_and_store(job, vault, NOW)
    with contextlib.suppress(KeyRuleError):  # refusing the new key would be a fix too
        finish_key_generation(session, job, record, vault)
    assert sent in session.project.keys
    assert vault.exists(sent.entry)


def test_a_csr_exported_elsewhere_while_the_replacement_was_made_keeps_its_key(
        profile: Profile, session: ProjectSession, vault: Vault) -> None:
    _, pending = _in_use_and_pending(session, vault)
    job = begin_key_generation(session, profile.certificate_kind("webhook-tls"), "ec-p256", vault.kind,
                               replace_key=True)
    other = ProjectSession.open(session.folder, profile, lambda: NOW)
    sent = record_csr_exported(other, pending, "csr")  # `dip-onboarding csr export` meanwhile
    record = generate_and_store(job, vault, NOW)
    with contextlib.suppress(ProjectChanged):  # today: refused by the revision check
        finish_key_generation(session, job, record, vault)
    assert sent in load_project(session.folder).keys
    assert vault.exists(sent.entry)


def test_a_worker_that_failed_before_the_vault_drops_its_intent(session: ProjectSession, vault: Vault) -> None:
    from wizard.actions.keys import key_generation_failed

    job = begin_key_generation(session, session.profile.certificate_kind("webhook-tls"), "ec-p256", vault.kind,
                               replace_key=False)
    key_generation_failed(session, job, ValueError("no such curve"))
    assert session.project.key_intents == ()


def test_a_vault_failure_keeps_the_intent_so_the_next_open_clears_what_is_left(session: ProjectSession,
                                                                             vault: Vault) -> None:
    """The vault could not write, and perhaps not clean up either: nothing is forgotten until the entry is gone
    (no keychain call here: in the GUI this runs on the window's thread)."""
    from wizard.actions.keys import key_generation_failed
    from wizard.core.vault import VaultError

    job = begin_key_generation(session, session.profile.certificate_kind("webhook-tls"), "ec-p256", vault.kind,
                               replace_key=False)
    vault.store.put(f"{job.entry}/part-0", "QUJD")  # a part the vault could not remove
    key_generation_failed(session, job, VaultError("the keychain went away"))
    assert [t.id for t in session.project.key_intents] == [job.key_id]
    again = _reopened(session, vault)
    assert again.project.key_intents == ()
    assert stored(vault) == set()
