"""Key pairs: which algorithm the profile allows, fingerprints, and recording a new key in the project with the
vault and the project file kept in step (a failed save leaves neither a key nor a record behind)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from wizard.core import session as session_module
from wizard.core.errors import InvalidInput, ProjectError
from wizard.core.keys import (
    ALGORITHM_NAMES,
    choose_algorithm,
    commit_new_key,
    create_key,
    describe_algorithm,
    format_fingerprint,
    generate_private_key,
    load_private_key,
    public_fingerprint,
)
from wizard.core.model import Organisation
from wizard.core.profile import Profile
from wizard.core.session import ProjectSession
from wizard.core.store import load_project, project_file
from wizard.core.vault import Vault, VaultError

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
    assert (new.record.kind, new.record.algorithm, new.record.created_at) == ("webhook-tls", "ec-p256", NOW)
    assert new.record.replaces is None
    assert project_file(session.folder).read_bytes() == before
    assert session.project.keys == ()


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


# ---------------------------------------------------------------- commit_new_key


def _make(profile: Profile, session: ProjectSession, vault: Vault, kind_id: str = "webhook-tls",
          algorithm: str = "ec-p256") -> Any:
    return create_key(profile.certificate_kind(kind_id), algorithm, vault, NOW)


def test_first_key_is_recorded_and_saved(profile: Profile, session: ProjectSession, vault: Vault) -> None:
    new = _make(profile, session, vault, "atlas-api", "rsa-2048")
    record = commit_new_key(session, new, vault)
    assert record.replaces is None
    assert record == new.record
    assert session.project.keys == (record,)
    assert load_project(session.folder).keys == (record,)
    assert load_private_key(vault, record)  # still there, and the one recorded
    assert "PRIVATE KEY" not in project_file(session.folder).read_text(encoding="utf-8")


def test_replacement_keeps_the_key_in_use(profile: Profile, session: ProjectSession, vault: Vault) -> None:
    first = commit_new_key(session, _make(profile, session, vault), vault)
    second = commit_new_key(session, _make(profile, session, vault), vault)
    assert second.replaces == first.id
    assert session.project.keys_for("webhook-tls") == (first, second)
    assert session.project.newest_key("webhook-tls") == second
    assert vault.exists(first.id)
    assert vault.exists(second.id)
    assert load_project(session.folder).keys == (first, second)


def test_second_replacement_supersedes_the_first(profile: Profile, session: ProjectSession, vault: Vault) -> None:
    first = commit_new_key(session, _make(profile, session, vault), vault)
    second = commit_new_key(session, _make(profile, session, vault), vault)
    third = commit_new_key(session, _make(profile, session, vault), vault)
    assert third.replaces == first.id
    assert session.project.keys_for("webhook-tls") == (first, third)
    assert load_project(session.folder).keys == (first, third)
    assert vault.exists(first.id)
    assert vault.exists(third.id)
    assert not vault.exists(second.id)


def test_keys_of_other_kinds_are_left_alone(profile: Profile, session: ProjectSession, vault: Vault) -> None:
    mtls = commit_new_key(session, _make(profile, session, vault, "dip-mtls", "rsa-2048"), vault)
    commit_new_key(session, _make(profile, session, vault), vault)
    commit_new_key(session, _make(profile, session, vault), vault)
    commit_new_key(session, _make(profile, session, vault), vault)
    assert session.project.keys_for("dip-mtls") == (mtls,)
    assert vault.exists(mtls.id)


def _failing_save(monkeypatch: pytest.MonkeyPatch) -> None:
    def save(*args: Any, **kwargs: Any) -> Any:
        raise ProjectError("Could not save the project: the disk is full (test).")

    monkeypatch.setattr(session_module, "save_project", save)


def test_failed_save_removes_the_new_key_again(profile: Profile, session: ProjectSession, vault: Vault,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    before = project_file(session.folder).read_bytes()
    new = _make(profile, session, vault, "atlas-api", "rsa-2048")
    assert vault.exists(new.record.id)
    _failing_save(monkeypatch)
    with pytest.raises(ProjectError, match="disk is full"):
        commit_new_key(session, new, vault)
    assert not vault.exists(new.record.id)
    assert vault.store.get(f"{new.record.id}/part-0") is None
    assert session.project.keys == ()
    assert project_file(session.folder).read_bytes() == before


def test_failed_save_of_a_replacement_keeps_the_waiting_one(profile: Profile, session: ProjectSession, vault: Vault,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    first = commit_new_key(session, _make(profile, session, vault), vault)
    waiting = commit_new_key(session, _make(profile, session, vault), vault)
    before = project_file(session.folder).read_bytes()
    state = session.project
    new = _make(profile, session, vault)
    _failing_save(monkeypatch)
    with pytest.raises(ProjectError):
        commit_new_key(session, new, vault)
    assert not vault.exists(new.record.id)
    assert vault.exists(first.id)
    assert vault.exists(waiting.id)
    assert session.project == state
    assert project_file(session.folder).read_bytes() == before


def test_a_project_changed_by_someone_else_removes_the_new_key(profile: Profile, session: ProjectSession,
                                                               vault: Vault) -> None:
    """Another window or process saved the project while the key was being made: nothing of ours is kept."""
    other = ProjectSession.open(session.folder, profile, lambda: NOW)
    commit_new_key(other, _make(profile, other, vault, "dip-mtls", "rsa-2048"), vault)
    after_other = project_file(session.folder).read_bytes()
    new = _make(profile, session, vault)
    with pytest.raises(ProjectError):
        commit_new_key(session, new, vault)
    assert not vault.exists(new.record.id)
    assert project_file(session.folder).read_bytes() == after_other
