"""The key lifecycle (wizard/core/lifecycle.py): pending → active → retired → destroyed, as pure functions on the
project; and what every open finishes (wizard/actions/opening.housekeep) over an in-memory keychain: a copied
folder made independent, an interrupted key write rolled back, a waiting certificate switched to, an expired
retired key destroyed. No key is ever deleted but one this project owns, and only by the rules in TRANSITIONS."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from wizard.actions.opening import MOVED, has_work, housekeep, is_copy
from wizard.core.errors import WizardError
from wizard.core.keys import create_key, load_private_key
from wizard.core.lifecycle import (
    TRANSITIONS,
    CertificateOutcome,
    KeyRuleError,
    NewKeyPlan,
    abandonable,
    begin_key,
    due_switches,
    expired_retired,
    finish_key,
    folder_home,
    folder_relation,
    key_entry,
    key_status,
    kind_state,
    new_identity,
    owns_entry,
    plan_new_key,
    retired_keys,
    with_certificate,
    with_switch,
    without_destroyed,
    without_intent,
)
from wizard.core.model import (
    KEY_STATES,
    CertificateRecord,
    FolderHome,
    KeyIntent,
    KeyRecord,
    Organisation,
    Project,
    with_key,
)
from wizard.core.profile import Profile
from wizard.core.session import ProjectSession
from wizard.core.store import load_project
from wizard.core.vault import KeychainLocked, Vault

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
ACME = Organisation("Acme Energy Ltd", "01234567", "acme.example")
IDENTITY = "p-0123456789abcdef"
OTHER_IDENTITY = "p-fedcba9876543210"
MTLS = "DIP mTLS client certificate"
ARCHITECTURE = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


# ---------------------------------------------------------------- pure helpers


def key(n: int, state: str = "pending", kind: str = "dip-mtls", **changes: Any) -> KeyRecord:
    record = KeyRecord(id=f"k-{n:02d}", kind=kind, algorithm="rsa-2048", fingerprint=f"{n:02x}" * 32,
                       created_at=NOW - dt.timedelta(days=100 - n), state=state, entry=f"{IDENTITY}/k-{n:02d}")
    return replace(record, **changes)


def cert(n: int, not_before: dt.datetime, not_after: dt.datetime, kind: str = "dip-mtls") -> CertificateRecord:
    """A certificate record for key(n); lifecycle reads only its dates."""
    return CertificateRecord(id=f"c-{n:02d}", kind=kind, key_id=f"k-{n:02d}", pem="", chain_pem="",
                             fingerprint="00" * 32, subject="acme.example", issuer="Acme Test Issuing CA",
                             not_before=not_before, not_after=not_after, imported_at=NOW)


def current(n: int, kind: str = "dip-mtls") -> CertificateRecord:
    """Valid since 300 days ago, for another 65 days."""
    return cert(n, NOW - dt.timedelta(days=300), NOW + dt.timedelta(days=65), kind)


def project(*keys: KeyRecord, certificates: tuple[CertificateRecord, ...] = (), identity: str = IDENTITY) -> Project:
    return Project(profile_id="dip-mhhs", environment="uit", organisation=ACME, created_at=NOW, updated_at=NOW,
                   keys=keys, certificates=certificates, identity=identity)


def made(n: int, kind: str = "dip-mtls") -> KeyRecord:
    """A key as the worker half returns it, before it is recorded."""
    return KeyRecord(id=f"k-{n:02d}", kind=kind, algorithm="rsa-2048", fingerprint=f"{n:02x}" * 32, created_at=NOW,
                     entry=f"{IDENTITY}/k-{n:02d}")


def states(p: Project) -> list[tuple[str, str, str | None]]:
    return [(k.id, k.state, k.replaces) for k in p.keys]


# ---------------------------------------------------------------- every row of TRANSITIONS


def _none_to_pending() -> None:
    p = project()
    plan = plan_new_key(p, "dip-mtls", MTLS, replace_key=False)
    assert plan == NewKeyPlan("dip-mtls", None, None)
    begun = begin_key(p, "dip-mtls", "keychain", NOW, "k-09")
    assert begun.key_intents == (KeyIntent("k-09", "dip-mtls", f"{IDENTITY}/k-09", "keychain", NOW),)
    assert begun.keys == ()  # the intent is recorded before the key exists
    done = finish_key(begun, plan, replace(made(9), entry="k-09"))
    assert done.keys == (replace(made(9), state="pending", entry=f"{IDENTITY}/k-09"),)  # the intent's entry
    assert done.key_intents == ()


def _pending_to_pending() -> None:
    active, pending = key(1, "active"), key(2, replaces="k-01")
    p = project(active, pending, certificates=(current(1),))
    plan = plan_new_key(p, "dip-mtls", MTLS, replace_key=True)
    assert plan == NewKeyPlan("dip-mtls", "k-01", pending)
    done = finish_key(begin_key(p, "dip-mtls", "keychain", NOW, "k-03"), plan, made(3))
    assert states(done) == [("k-01", "active", None), ("k-03", "pending", "k-01")]
    assert done.certificates == (current(1),)
    # the superseded key leaves as an intent, so its vault entry is removed next (or at the next open)
    assert [(t.id, t.entry) for t in done.key_intents] == [("k-02", pending.vault_entry)]


def _pending_to_active() -> None:
    first = key(1)
    p, outcome = with_certificate(project(first), first, current(1), NOW)
    assert outcome == CertificateOutcome("active", current(1).not_before, ())
    assert states(p) == [("k-01", "active", None)]
    # ... or at the first open on or after a waiting certificate's start.
    starts = NOW + dt.timedelta(days=3)
    waiting = cert(1, starts, starts + dt.timedelta(days=365))
    p, outcome = with_certificate(project(first), first, waiting, NOW)
    assert (outcome.state, states(p)) == ("waiting", [("k-01", "pending", None)])
    assert due_switches(p, starts) == (first,)
    p, outcome = with_switch(p, first)
    assert outcome == CertificateOutcome("active", starts, ())
    assert states(p) == [("k-01", "active", None)]


def _pending_to_destroyed() -> None:
    active, pending = key(1, "active"), key(2, replaces="k-01", csr_exported_at=NOW)
    waiting = cert(2, NOW + dt.timedelta(days=3), NOW + dt.timedelta(days=368))
    p = project(active, pending, certificates=(current(1), waiting))
    assert abandonable(p, "dip-mtls", MTLS) == pending
    gone = without_destroyed(p, pending)
    assert gone.keys == (active,)
    assert gone.certificates == (current(1),)  # its waiting certificate went with it


def _active_to_retired() -> None:
    active, pending = key(1, "active"), key(2, replaces="k-01")
    p = project(active, pending, certificates=(current(1),))
    p, outcome = with_certificate(p, pending, current(2), NOW)
    assert outcome == CertificateOutcome("active", current(2).not_before, (replace(active, state="retired"),))
    assert states(p) == [("k-01", "retired", None), ("k-02", "active", None)]
    assert p.certificates == (current(1), current(2))  # the retired key keeps its certificate record


def _retired_to_destroyed() -> None:
    retired = key(1, "retired")
    expired = cert(1, NOW - dt.timedelta(days=400), NOW - dt.timedelta(days=35))
    p = project(retired, key(2, "active"), certificates=(expired, current(2)))
    assert expired_retired(p, NOW) == (retired,)
    assert retired_keys(p, "dip-mtls") == (retired,)
    gone = without_destroyed(p, retired)
    assert gone.keys == (key(2, "active"),)
    assert gone.certificates == (current(2),)


EXERCISED: dict[tuple[str, str], Callable[[], None]] = {
    ("(none)", "pending"): _none_to_pending,
    ("pending", "pending"): _pending_to_pending,
    ("pending", "active"): _pending_to_active,
    ("pending", "destroyed"): _pending_to_destroyed,
    ("active", "retired"): _active_to_retired,
    ("retired", "destroyed"): _retired_to_destroyed,
}


def test_every_transition_has_a_test() -> None:
    assert set(EXERCISED) == {(before, after) for before, after, _ in TRANSITIONS}
    assert len(TRANSITIONS) == len(EXERCISED)  # no row twice


def test_transitions_name_only_lifecycle_states() -> None:
    named = {state for before, after, _ in TRANSITIONS for state in (before, after)}
    assert named == {"(none)", "destroyed", *KEY_STATES}
    assert all(how.strip() for _, _, how in TRANSITIONS)


@pytest.mark.parametrize("row", TRANSITIONS, ids=[f"{a}->{b}" for a, b, _ in TRANSITIONS])
def test_transition(row: tuple[str, str, str]) -> None:
    EXERCISED[row[0], row[1]]()


# ---------------------------------------------------------------- making keys: what is allowed


@pytest.mark.parametrize("existing", [key(1), key(1, "active")], ids=["pending", "active"])
def test_a_kind_with_a_key_needs_replace(existing: KeyRecord) -> None:
    with pytest.raises(KeyRuleError) as refused:
        plan_new_key(project(existing), "dip-mtls", MTLS, replace_key=False)
    message = str(refused.value)
    assert f"The {MTLS} already has a key (made {existing.created_at:%d %b %Y})" in message
    assert "--replace" in message
    assert isinstance(refused.value, WizardError)


def test_replacing_only_the_key_in_use_supersedes_nothing() -> None:
    plan = plan_new_key(project(key(1, "active")), "dip-mtls", MTLS, replace_key=True)
    assert plan == NewKeyPlan("dip-mtls", "k-01", None)


def test_a_pending_key_whose_csr_was_exported_is_kept() -> None:
    sent = key(2, replaces="k-01", csr_exported_at=dt.datetime(2026, 2, 11, 14, 0, tzinfo=dt.UTC))
    with pytest.raises(KeyRuleError) as refused:
        plan_new_key(project(key(1, "active"), sent), "dip-mtls", MTLS, replace_key=True, folder="/srv/acme")
    message = str(refused.value)
    assert "whose CSR was exported on 11 Feb 2026" in message
    assert message.endswith("dip-onboarding key abandon /srv/acme --cert dip-mtls")


def test_a_pending_key_with_a_waiting_certificate_is_kept_even_if_no_csr_was_recorded() -> None:
    pending = key(2, replaces="k-01")
    waiting = cert(2, NOW + dt.timedelta(days=3), NOW + dt.timedelta(days=368))
    with pytest.raises(KeyRuleError, match="dip-onboarding key abandon DIR --cert dip-mtls"):
        plan_new_key(project(key(1, "active"), pending, certificates=(waiting,)), "dip-mtls", MTLS,
                     replace_key=True)


def test_other_kinds_do_not_count() -> None:
    p = project(key(1, "active", kind="webhook-tls"), key(2, kind="atlas-api"))
    assert plan_new_key(p, "dip-mtls", MTLS, replace_key=False) == NewKeyPlan("dip-mtls", None, None)


def test_finish_without_its_intent_records_nothing() -> None:
    p = project(key(1, "active"))
    plan = plan_new_key(p, "dip-mtls", MTLS, replace_key=True)
    with pytest.raises(KeyRuleError, match="the new key was not recorded"):
        finish_key(p, plan, made(2))
    begun = begin_key(p, "dip-mtls", "keychain", NOW, "k-02")
    with pytest.raises(KeyRuleError):
        finish_key(without_intent(begun, "k-02"), plan, made(2))


def test_finish_when_the_superseded_key_has_gone_already() -> None:
    """`keys check` may have dropped the superseded pending key meanwhile: the new key is still recorded."""
    p = project(key(1, "active"), key(2, replaces="k-01"))
    plan = plan_new_key(p, "dip-mtls", MTLS, replace_key=True)
    begun = without_destroyed(begin_key(p, "dip-mtls", "keychain", NOW, "k-03"), key(2, replaces="k-01"))
    assert states(finish_key(begun, plan, made(3))) == [("k-01", "active", None), ("k-03", "pending", "k-01")]


def test_finish_refuses_when_the_superseded_key_was_sent_meanwhile() -> None:
    """Its CSR was exported (or a certificate imported) while the new key was made: it may be on its way."""
    pending = key(2, replaces="k-01")
    p = project(key(1, "active"), pending)
    plan = plan_new_key(p, "dip-mtls", MTLS, replace_key=True)
    begun = begin_key(p, "dip-mtls", "keychain", NOW, "k-03")
    sent = with_key(begun, replace(pending, csr_exported_at=NOW))
    with pytest.raises(KeyRuleError, match="that key is kept"):
        finish_key(sent, plan, made(3))
    certified, _ = with_certificate(begun, pending, cert(2, NOW + dt.timedelta(days=2), NOW + dt.timedelta(days=99)),
                                    NOW)
    with pytest.raises(KeyRuleError, match="that key is kept"):
        finish_key(certified, plan, made(3))


def test_finish_refuses_when_another_new_key_was_made_meanwhile() -> None:
    p = project(key(1, "active"))
    plan = plan_new_key(p, "dip-mtls", MTLS, replace_key=True)
    begun = with_key(begin_key(p, "dip-mtls", "keychain", NOW, "k-03"), key(2, replaces="k-01"))
    with pytest.raises(KeyRuleError, match="another new key was made"):
        finish_key(begun, plan, made(3))


def test_finish_keeps_other_intents() -> None:
    p = begin_key(begin_key(project(), "dip-mtls", "keychain", NOW, "k-01"), "webhook-tls", "file", NOW, "k-02")
    done = finish_key(p, NewKeyPlan("dip-mtls", None, None), made(1))
    assert [t.id for t in done.key_intents] == ["k-02"]
    assert without_intent(done, "k-02").key_intents == ()


# ---------------------------------------------------------------- certificates


def test_reimporting_for_the_key_in_use_replaces_its_certificate() -> None:
    active = key(1, "active")
    renewed = replace(cert(1, NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=730)), id="c-renewed")
    p, outcome = with_certificate(project(active, certificates=(current(1),)), active, renewed, NOW)
    assert outcome == CertificateOutcome("active", renewed.not_before, ())
    assert p.keys == (active,)
    assert p.certificates == (renewed,)


def test_a_certificate_valid_later_waits_and_the_key_in_use_stays() -> None:
    active, pending = key(1, "active"), key(2, replaces="k-01")
    starts = NOW + dt.timedelta(days=10)
    waiting = cert(2, starts, starts + dt.timedelta(days=365))
    p, outcome = with_certificate(project(active, pending, certificates=(current(1),)), pending, waiting, NOW)
    assert outcome == CertificateOutcome("waiting", starts, ())
    assert p.keys == (active, pending)
    assert p.current_certificate("dip-mtls") == (active, current(1))
    assert p.certificate_for("k-02") == waiting
    # a second waiting certificate for the same key replaces the first
    sooner = replace(cert(2, NOW + dt.timedelta(days=2), NOW + dt.timedelta(days=367)), id="c-sooner")
    p, outcome = with_certificate(p, pending, sooner, NOW)
    assert (outcome.state, outcome.valid_from) == ("waiting", sooner.not_before)
    assert p.certificates == (current(1), sooner)


def test_reimporting_for_a_retired_key_says_it_is_retired() -> None:
    retired, active = key(1, "retired"), key(2, "active")
    again = replace(cert(1, NOW - dt.timedelta(days=300), NOW + dt.timedelta(days=60)), id="c-again")
    p, outcome = with_certificate(project(retired, active, certificates=(current(1), current(2))), retired, again,
                                  NOW)
    assert outcome.state == "retired"
    assert states(p) == [("k-01", "retired", None), ("k-02", "active", None)]


def test_a_certificate_valid_from_this_moment_is_in_use() -> None:
    pending = key(1)
    p, outcome = with_certificate(project(pending), pending, cert(1, NOW, NOW + dt.timedelta(days=365)), NOW)
    assert outcome.state == "active"
    assert p.key("k-01").state == "active"


def test_due_switches_at_and_after_the_start_only() -> None:
    starts = NOW + dt.timedelta(days=10)
    active, pending = key(1, "active"), key(2, replaces="k-01")
    other = key(3, kind="webhook-tls")  # pending without a certificate: never due
    p = project(active, pending, other, certificates=(current(1), cert(2, starts, starts + dt.timedelta(days=365))))
    assert due_switches(p, NOW) == ()
    assert due_switches(p, starts - dt.timedelta(microseconds=1)) == ()
    assert due_switches(p, starts) == (pending,)
    assert due_switches(p, starts + dt.timedelta(days=400)) == (pending,)
    switched, outcome = with_switch(p, pending)
    assert outcome == CertificateOutcome("active", starts, (replace(active, state="retired"),))
    assert states(switched) == [("k-01", "retired", None), ("k-02", "active", None), ("k-03", "pending", None)]
    assert due_switches(switched, starts) == ()


def test_a_switch_retires_only_its_own_kind() -> None:
    mtls, webhook = key(1, "active"), key(2, "active", kind="webhook-tls")
    pending = key(3, replaces="k-01")
    p = project(mtls, webhook, pending, certificates=(current(1), current(2, "webhook-tls")))
    switched, outcome = with_certificate(p, pending, current(3), NOW)
    assert outcome.retired == (replace(mtls, state="retired"),)
    assert switched.key("k-02") == webhook


# ---------------------------------------------------------------- leaving the project


def test_only_a_pending_key_can_be_abandoned() -> None:
    with pytest.raises(KeyRuleError, match="nothing to abandon"):
        abandonable(project(key(1, "active"), key(2, "retired")), "dip-mtls", MTLS)
    with pytest.raises(KeyRuleError, match="nothing to abandon"):
        abandonable(project(key(1, kind="webhook-tls")), "dip-mtls", MTLS)


def test_expired_retired_keys() -> None:
    p = project(
        key(1, "retired"), key(2, "retired"), key(3, "retired"), key(4, "active"), key(5, "pending"),
        key(6, "retired", kind="webhook-tls"),
        certificates=(
            cert(1, NOW - dt.timedelta(days=400), NOW),  # expires at this moment: expired
            cert(2, NOW - dt.timedelta(days=400), NOW + dt.timedelta(seconds=1)),  # not yet
            cert(4, NOW - dt.timedelta(days=400), NOW - dt.timedelta(days=1)),  # expired, but in use
            cert(5, NOW - dt.timedelta(days=400), NOW - dt.timedelta(days=1)),  # expired, but pending
            cert(6, NOW - dt.timedelta(days=400), NOW - dt.timedelta(days=1), "webhook-tls"),
        ))
    # k-03 is retired with no certificate at all: nothing keeps it
    assert [k.id for k in expired_retired(p, NOW)] == ["k-01", "k-03", "k-06"]
    assert [k.id for k in expired_retired(p, NOW + dt.timedelta(seconds=1))] == ["k-01", "k-02", "k-03", "k-06"]
    assert [k.id for k in retired_keys(p, "dip-mtls")] == ["k-01", "k-02", "k-03"]
    assert [k.id for k in retired_keys(p, None)] == ["k-01", "k-02", "k-03", "k-06"]


# ---------------------------------------------------------------- how keys and kinds are described


WAITING_FROM = NOW + dt.timedelta(days=10)  # 12 Mar 2026


@pytest.mark.parametrize(("record", "certificate", "expected"), [
    (key(1), None, "key made"),
    (key(1, csr_exported_at=NOW), None, "CSR exported"),
    (key(1, csr_exported_at=NOW), cert(1, WAITING_FROM, WAITING_FROM + dt.timedelta(days=365)),
     "waiting, valid from 12 Mar 2026"),
    (key(1), cert(1, WAITING_FROM, WAITING_FROM + dt.timedelta(days=365)), "waiting, valid from 12 Mar 2026"),
    (key(1, "active"), current(1), "certificate imported"),
    (key(1, "active"), cert(1, NOW - dt.timedelta(days=400), NOW), "expired"),
    (key(1, "retired"), current(1), "retired"),
    (key(1, "retired"), cert(1, NOW - dt.timedelta(days=400), NOW - dt.timedelta(days=1)), "retired"),
], ids=["made", "csr-exported", "waiting-exported", "waiting", "active", "active-expired", "retired",
        "retired-expired"])
def test_key_status(record: KeyRecord, certificate: CertificateRecord | None, expected: str) -> None:
    p = project(record, certificates=() if certificate is None else (certificate,))
    status = key_status(p, record, NOW)
    assert status == expected
    if record.state == "pending":
        assert "imported" not in status.lower()  # a waiting certificate never reads as in use


@pytest.mark.parametrize(("keys", "certificates", "expected"), [
    ((), (), "No key yet"),
    ((key(1, kind="webhook-tls"),), (), "No key yet"),
    ((key(1),), (), "Key made"),
    ((key(1, csr_exported_at=NOW),), (), "CSR exported"),
    ((key(1),), (cert(1, WAITING_FROM, WAITING_FROM + dt.timedelta(days=365)),),
     "New certificate waiting, valid from 12 Mar 2026"),
    ((key(1, "active"),), (current(1),), "Certificate imported"),
    ((key(1, "active"), key(2, replaces="k-01")), (current(1),), "Replacement key waiting for its certificate"),
    ((key(1, "active"), key(2, replaces="k-01", csr_exported_at=NOW)), (current(1),),
     "Replacement key waiting for its certificate"),
    ((key(1, "active"), key(2, replaces="k-01")),
     (current(1), cert(2, WAITING_FROM, WAITING_FROM + dt.timedelta(days=365))),
     "New certificate waiting, valid from 12 Mar 2026"),
    ((key(1, "retired"), key(2, "active")), (current(1), current(2)), "Certificate imported"),
], ids=["nothing", "other-kind", "made", "csr-exported", "first-waiting", "active", "replacement-made",
        "replacement-exported", "replacement-waiting", "after-a-switch"])
def test_kind_state(keys: tuple[KeyRecord, ...], certificates: tuple[CertificateRecord, ...], expected: str) -> None:
    p = project(*keys, certificates=certificates)
    assert kind_state(p, "dip-mtls") == expected
    if expected.startswith("New certificate waiting"):
        assert "imported" not in expected.lower()


# ---------------------------------------------------------------- entries and identities


def test_entries_carry_the_identity_and_only_those_are_owned() -> None:
    p = project()
    assert key_entry(p, "k-01") == f"{IDENTITY}/k-01"
    assert owns_entry(p, f"{IDENTITY}/k-01")
    assert not owns_entry(p, f"{OTHER_IDENTITY}/k-01")  # another folder's key, even with the same key id
    assert not owns_entry(p, "k-01")  # an entry named before projects had identities
    assert not owns_entry(p, IDENTITY)  # the identity alone is no entry
    assert not owns_entry(p, f"{IDENTITY}0/k-01")  # a longer identity that starts the same


def test_a_project_without_an_identity_owns_nothing() -> None:
    p = project(identity="")
    assert key_entry(p, "k-01") == "k-01"
    assert not owns_entry(p, "k-01")
    assert not owns_entry(p, "/k-01")


def test_new_identities() -> None:
    made_ = {new_identity() for _ in range(20)}
    assert len(made_) == 20
    assert all(re.fullmatch(r"p-[0-9a-f]{16}", i) for i in made_)


# ---------------------------------------------------------------- which folder a project is in


def _settled(folder: Path) -> Project:
    return replace(project(), home=folder_home(folder))


def test_folder_home_is_the_resolved_path_and_a_file_id(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    folder.mkdir()
    home = folder_home(tmp_path / "." / "acme")
    assert home.path == str(folder.resolve())
    assert home == folder_home(folder)
    assert home.file_id == f"{folder.stat().st_dev}:{folder.stat().st_ino}"


def test_a_project_without_identity_or_home_is_new(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    folder.mkdir()
    assert folder_relation(replace(project(identity=""), home=folder_home(folder)), folder) == "new"
    assert folder_relation(project(), folder) == "new"  # an identity but no home yet


def test_the_same_folder_is_the_same(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    folder.mkdir()
    assert folder_relation(_settled(folder), folder) == "same"


def test_a_renamed_folder_is_the_same(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    folder.mkdir()
    p = _settled(folder)
    moved = folder.rename(tmp_path / "acme-renamed")
    assert p.home is not None
    assert folder_home(moved).path != p.home.path
    assert folder_relation(p, moved) == "same"  # the same file id


def test_a_folder_restored_in_place_is_the_same(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "project.json").write_text("{}", encoding="utf-8")
    p = _settled(folder)
    shutil.copytree(folder, tmp_path / "backup")
    shutil.rmtree(folder)
    shutil.copytree(tmp_path / "backup", folder)  # restored from a backup: perhaps a new file id, the same path
    assert folder_relation(p, folder) == "same"
    assert p.home is not None
    assert folder_relation(replace(p, home=FolderHome(p.home.path, "0:0")), folder) == "same"  # the path decides


def test_a_copied_folder_is_a_copy(tmp_path: Path) -> None:
    folder = tmp_path / "acme"
    folder.mkdir()
    (folder / "project.json").write_text("{}", encoding="utf-8")
    p = _settled(folder)
    copy = Path(shutil.copytree(folder, tmp_path / "acme-copy"))
    assert folder_relation(p, copy) == "copy"
    assert folder_relation(p, folder) == "same"  # the original is still itself
    assert folder_relation(replace(p, home=FolderHome("/somewhere/else", "0:0")), folder) == "copy"


# ---------------------------------------------------------------- opening: wizard/actions/opening.housekeep


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


class Vaults:
    """A VaultFor over one in-memory keychain that records which vaults were asked for."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self.asked: list[str] = []

    def __call__(self, kind: str) -> Vault:
        self.asked.append(kind)
        return self.vault


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def keychain(make_memory_store: Callable[..., Any]) -> Vault:
    return Vault(make_memory_store())


@pytest.fixture
def vaults(keychain: Vault) -> Vaults:
    return Vaults(keychain)


@pytest.fixture
def session(tmp_path: Path, profile: Profile, clock: Clock) -> ProjectSession:
    return ProjectSession.create(tmp_path / "acme", profile, clock, organisation=ACME, environment="uit")


def stored(vault: Vault) -> set[str]:
    """The secrets in the in-memory keychain, by the name `Vault` gave them."""
    store: Any = vault.store  # the test keychain keeps its entries in a dict; SecretStore does not say so
    return {entry.rsplit("/", 1)[0] for entry in store.entries}


def stored_key(session: ProjectSession, vault: Vault, n: int, state: str, **changes: Any) -> KeyRecord:
    """A real webhook key in the keychain under this project's identity, recorded in `state`."""
    key_id = f"k-{n:02d}"
    new = create_key(session.profile.certificate_kind("webhook-tls"), "ec-p256", vault, NOW, key_id=key_id,
                     entry=key_entry(session.project, key_id))
    record = replace(new.record, state=state, **changes)
    session.commit(with_key(session.project, record))
    return record


def with_certificates(session: ProjectSession, *records: CertificateRecord) -> None:
    session.commit(replace(session.project, certificates=(*session.project.certificates, *records)))


def locked_keychain(kind: str) -> Vault:
    raise KeychainLocked("The test keychain is locked.")


def reopened(session: ProjectSession, folder: Path | None = None) -> ProjectSession:
    return ProjectSession.open(folder or session.folder, session.profile, session.clock)


def test_a_settled_project_needs_no_work_and_no_vault(session: ProjectSession, vaults: Vaults) -> None:
    stored_key(session, vaults.vault, 1, "active")
    vaults.asked.clear()
    again = reopened(session)
    assert not has_work(again)
    assert not is_copy(again)
    before = again.project
    done = housekeep(again, vaults)
    assert (done.notices, done.problems) == ((), ())
    assert again.project == before
    assert vaults.asked == []


def test_a_copied_folder_gets_its_own_identity_and_copies_of_its_keys(session: ProjectSession, vaults: Vaults,
                                                                      tmp_path: Path) -> None:
    keychain = vaults.vault
    active = stored_key(session, keychain, 1, "active")
    pending = stored_key(session, keychain, 2, "pending", replaces="k-01")
    original = load_project(session.folder)
    copy = Path(shutil.copytree(session.folder, tmp_path / "acme-copy"))

    other = reopened(session, copy)
    assert is_copy(other)
    assert has_work(other)
    done = housekeep(other, vaults)
    assert done.problems == ()
    assert f"This folder is a copy of the project in {session.folder.resolve()}" in done.notices[0]
    identity = other.project.identity
    assert identity != session.project.identity
    assert re.fullmatch(r"p-[0-9a-f]{16}", identity)
    assert other.project.home == folder_home(copy)
    assert other.project.keys == (replace(active, entry=f"{identity}/k-01"),
                                  replace(pending, entry=f"{identity}/k-02"))
    for record in other.project.keys:
        assert load_private_key(keychain, record)
    assert load_project(copy) == other.project
    assert not is_copy(other)
    assert not has_work(other)

    # The original's entries are untouched, and it is still itself.
    assert stored(keychain) == {active.entry, pending.entry, f"{identity}/k-01", f"{identity}/k-02"}
    assert load_private_key(keychain, active)
    assert load_private_key(keychain, pending)
    assert load_project(session.folder) == original
    mine = reopened(session)
    assert not has_work(mine)
    assert housekeep(mine, vaults).notices == ()
    assert not owns_entry(other.project, active.entry)  # neither folder can remove the other's keys
    assert not owns_entry(mine.project, other.project.keys[0].entry)


def test_an_older_projects_entries_are_moved_under_its_new_identity(session: ProjectSession,
                                                                     vaults: Vaults) -> None:
    """A project from before identities (format 4): its entries are named by key id alone, and are its own."""
    keychain = vaults.vault
    legacy = replace(create_key(session.profile.certificate_kind("webhook-tls"), "ec-p256", keychain, NOW).record,
                     entry="", state="active")
    session.commit(replace(session.project, identity="", home=None, keys=(legacy,)))
    again = reopened(session)
    assert has_work(again)
    assert housekeep(again, vaults).problems == ()
    identity = again.project.identity
    assert identity
    [moved] = again.project.keys
    assert moved == replace(legacy, entry=f"{identity}/{legacy.id}")
    assert stored(keychain) == {moved.entry, legacy.id}
    assert keychain.get(legacy.id) == MOVED + moved.entry.encode()  # the way to the copy, no key material left
    assert load_private_key(keychain, moved)


def test_two_folders_of_one_older_project_each_keep_the_key(session: ProjectSession, vaults: Vaults) -> None:
    """A folder copied before projects had identities shares the older entries: whichever opens first, the other
    still finds the key (through the pointer the first left) and copies it under its own identity."""
    keychain = vaults.vault
    legacy = replace(create_key(session.profile.certificate_kind("webhook-tls"), "ec-p256", keychain, NOW).record,
                     entry="", state="active")
    session.commit(replace(session.project, identity="", home=None, keys=(legacy,)))
    twin = session.folder.parent / "twin"
    shutil.copytree(session.folder, twin)
    first, second = reopened(session), reopened(session, twin)
    assert housekeep(first, vaults).problems == ()
    assert housekeep(second, vaults).problems == ()
    assert first.project.identity != second.project.identity
    for opened in (first, second):
        [mine] = opened.project.keys
        assert mine.vault_entry.startswith(opened.project.identity + "/")
        assert load_private_key(keychain, mine)
    assert keychain.get(legacy.id) == MOVED + first.project.keys[0].entry.encode()


@pytest.mark.parametrize("written", ["nothing", "a part", "all of it"])
def test_a_key_write_interrupted_by_a_crash_is_rolled_back(session: ProjectSession, vaults: Vaults,
                                                           written: str) -> None:
    keychain = vaults.vault
    kept = stored_key(session, keychain, 1, "active")
    session.commit(begin_key(session.project, "webhook-tls", "keychain", NOW, "k-crash"))
    entry = key_entry(session.project, "k-crash")
    if written == "a part":
        keychain.store.put(f"{entry}/part-0", "QUJD")
        keychain.store.put(f"{entry}/part-1", "REVG")
    elif written == "all of it":
        keychain.put(entry, b"a key that was never recorded")
    # ... and the program stopped here: no finish, no cancel.
    again = reopened(session)
    assert has_work(again)
    done = housekeep(again, vaults)
    assert done.problems == ()
    assert any("when the program stopped" in n for n in done.notices)
    assert again.project.key_intents == ()
    assert again.project.keys == (kept,)
    assert load_project(session.folder).key_intents == ()
    assert stored(keychain) == {kept.entry}
    assert load_private_key(keychain, kept)
    assert not has_work(again)


def test_an_intent_for_an_entry_it_does_not_own_is_dropped_and_nothing_deleted(session: ProjectSession,
                                                                              vaults: Vaults) -> None:
    """As in a copied folder: the intent names the original's entry, which only the original may clear."""
    keychain = vaults.vault
    foreign = f"{OTHER_IDENTITY}/k-other"
    keychain.put(foreign, b"another folder's key")
    intent = KeyIntent("k-other", "webhook-tls", foreign, "keychain", NOW)
    session.commit(replace(session.project, key_intents=(intent,)))
    again = reopened(session)
    done = housekeep(again, vaults)
    assert done.problems == ()
    assert again.project.key_intents == ()
    assert keychain.get(foreign) == b"another folder's key"
    assert vaults.asked == []  # not even opened
    store: Any = keychain.store
    assert not any(op == "delete" for op, _ in store.log)


def test_an_intent_whose_entry_cannot_be_cleared_is_kept_for_the_next_open(session: ProjectSession,
                                                                          vaults: Vaults) -> None:
    session.commit(begin_key(session.project, "webhook-tls", "keychain", NOW, "k-crash"))

    again = reopened(session)
    done = housekeep(again, locked_keychain)
    assert any("could not be cleared away yet" in p and "locked" in p for p in done.problems)
    assert [t.id for t in again.project.key_intents] == ["k-crash"]
    assert housekeep(again, vaults).problems == ()
    assert again.project.key_intents == ()


def test_a_waiting_certificate_takes_over_at_the_first_open_on_or_after_its_start(
        session: ProjectSession, vaults: Vaults, clock: Clock) -> None:
    keychain = vaults.vault
    old = stored_key(session, keychain, 1, "active")
    new = stored_key(session, keychain, 2, "pending", replaces="k-01")
    starts = NOW + dt.timedelta(days=10)
    waiting = cert(2, starts, starts + dt.timedelta(days=365), "webhook-tls")
    with_certificates(session, current(1, "webhook-tls"), waiting)
    vaults.asked.clear()

    for when in (NOW, starts - dt.timedelta(minutes=1)):
        clock.now = when
        early = reopened(session)
        assert not has_work(early)
        assert housekeep(early, vaults).notices == ()
        assert early.project.keys == (old, new)
        assert early.project.current_certificate("webhook-tls") == (old, current(1, "webhook-tls"))

    clock.now = starts + dt.timedelta(hours=2)
    due = reopened(session)
    assert has_work(due)
    done = housekeep(due, vaults)
    [notice] = done.notices
    assert "became valid on 12 Mar 2026 and is now the one in use; the previous key is retired and kept until its " \
           "certificate expires." in notice
    assert due.project.keys == (replace(old, state="retired"), replace(new, state="active", replaces=None))
    assert due.project.current_certificate("webhook-tls") == (due.project.key("k-02"), waiting)
    assert due.project.certificate_for("k-01") == current(1, "webhook-tls")
    assert load_project(session.folder) == due.project
    assert stored(keychain) == {old.entry, new.entry}  # the retired key stays in its vault
    assert vaults.asked == []
    assert not has_work(due)


def test_the_switch_notice_names_the_kind_once(session: ProjectSession, vaults: Vaults, clock: Clock) -> None:
    stored_key(session, vaults.vault, 1, "pending")
    with_certificates(session, cert(1, NOW + dt.timedelta(days=1), NOW + dt.timedelta(days=366), "webhook-tls"))
    clock.now = NOW + dt.timedelta(days=1)
    [notice] = housekeep(reopened(session), vaults).notices
    assert "Webhook server certificate became valid on 03 Mar 2026" in notice
    assert "certificate certificate" not in notice


def test_a_retired_key_is_destroyed_once_its_certificate_has_expired(session: ProjectSession, vaults: Vaults,
                                                                     clock: Clock) -> None:
    keychain = vaults.vault
    stored_key(session, keychain, 1, "retired")
    later = stored_key(session, keychain, 2, "retired")
    active = stored_key(session, keychain, 3, "active")
    ends = NOW + dt.timedelta(days=5)
    with_certificates(session, cert(1, NOW - dt.timedelta(days=400), NOW - dt.timedelta(days=1), "webhook-tls"),
                      cert(2, NOW - dt.timedelta(days=360), ends, "webhook-tls"), current(3, "webhook-tls"))

    again = reopened(session)
    assert has_work(again)
    done = housekeep(again, vaults)
    assert done.notices == ("The retired key of the Webhook server certificate was destroyed (its certificate "
                            "expired on 01 Mar 2026).",)
    assert again.project.keys == (later, active)
    assert [c.key_id for c in again.project.certificates] == ["k-02", "k-03"]
    assert stored(keychain) == {later.entry, active.entry}
    assert load_private_key(keychain, later)
    assert not has_work(again)

    clock.now = ends
    last = reopened(session)
    housekeep(last, vaults)
    assert last.project.keys == (active,)
    assert stored(keychain) == {active.entry}


def test_a_retired_key_that_cannot_be_destroyed_yet_is_kept(session: ProjectSession, vaults: Vaults) -> None:
    keychain = vaults.vault
    retired = stored_key(session, keychain, 1, "retired")
    with_certificates(session, cert(1, NOW - dt.timedelta(days=400), NOW - dt.timedelta(days=1), "webhook-tls"))

    again = reopened(session)
    done = housekeep(again, locked_keychain)
    assert any("could not be destroyed yet" in p for p in done.problems)
    assert again.project.keys == (retired,)
    assert stored(keychain) == {retired.entry}


def test_an_expired_retired_key_under_another_identity_is_never_deleted_there(session: ProjectSession,
                                                                           vaults: Vaults) -> None:
    """Only an entry this project owns is ever deleted: another folder's entry is copied under this project's own
    name first (as for a copied folder), and only the copy is destroyed."""
    keychain = vaults.vault
    foreign = f"{OTHER_IDENTITY}/k-01"
    keychain.put(foreign, b"another folder's key")
    retired = replace(key(1, "retired", kind="webhook-tls"), entry=foreign)
    assert not owns_entry(session.project, foreign)
    session.commit(replace(session.project, keys=(retired,), certificates=(
        cert(1, NOW - dt.timedelta(days=400), NOW - dt.timedelta(days=1), "webhook-tls"),)))
    again = reopened(session)
    done = housekeep(again, vaults)
    assert done.problems == ()
    assert again.project.keys == ()
    assert stored(keychain) == {foreign}
    assert keychain.get(foreign) == b"another folder's key"


# ---------------------------------------------------------------- the table in docs/architecture.md


def lifecycle_table(markdown: str) -> list[tuple[str, str]] | None:
    """The (from, to) pairs of the first table under a heading containing "Key lifecycle", or None."""
    lines = markdown.splitlines()
    for i, line in enumerate(lines):
        if not (line.startswith("#") and "key lifecycle" in line.lower()):
            continue
        level = len(line) - len(line.lstrip("#"))
        rows: list[list[str]] = []
        for below in lines[i + 1:]:
            if below.startswith("#") and len(below) - len(below.lstrip("#")) <= level:
                break
            if below.strip().startswith("|"):
                rows.append([c.strip() for c in below.strip().strip("|").split("|")])
            elif rows:
                break
        separator = next((n for n, r in enumerate(rows) if all(re.fullmatch(r":?-+:?", c) for c in r)), None)
        if separator is None or separator == 0:
            return None
        header = [c.strip("`*_ ").lower() for c in rows[separator - 1]]
        start = header.index("from") if "from" in header else 0
        end = header.index("to") if "to" in header else start + 1

        def clean(cell: str) -> str:
            return cell.strip("`*_ ")

        return [(clean(r[start]), clean(r[end])) for r in rows[separator + 1:]]
    return None


def test_the_table_reader() -> None:
    sample = ("# Doc\n\n## Key custody\n\n### The key lifecycle\n\nText.\n\n| From | To | When |\n|---|:--:|---|\n"
              "| `(none)` | **pending** | key generate |\n| pending | active | imported |\n\nAfter.\n\n"
              "| x | y |\n|---|---|\n| not | this |\n## Next\n")
    assert lifecycle_table(sample) == [("(none)", "pending"), ("pending", "active")]
    assert lifecycle_table("# Doc\n\n## Key lifecycle\n\nNo table yet.\n\n## Next\n\n| a | b |\n|---|---|\n") is None
    assert lifecycle_table("# Doc\n") is None


def test_the_architecture_doc_draws_every_transition() -> None:
    pairs = lifecycle_table(ARCHITECTURE.read_text(encoding="utf-8"))
    assert pairs is not None, "docs/architecture.md has no table under a \"Key lifecycle\" heading"
    assert sorted(pairs) == sorted((before, after) for before, after, _ in TRANSITIONS)

