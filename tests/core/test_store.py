"""Project persistence: round trip, refusal of damaged and newer files, migrations with a backup, safe saves."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from wizard.core import files, store
from wizard.core.errors import ProjectDamaged, ProjectError, ProjectExists, ProjectNotFound, ProjectTooNew
from wizard.core.model import (
    KeyRecord,
    MarketParticipant,
    Organisation,
    Person,
    Project,
    StepProgress,
    StoredSecret,
)
from wizard.core.store import create_project, load_project, project_file, save_project

CREATED = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 3, 5, 16, 0, 1, tzinfo=dt.UTC)


@pytest.fixture
def project() -> Project:
    """A project using every field, with non-ASCII text and dates, so the round trip is a real test."""
    return Project(
        profile_id="dip-mhhs", environment="production",
        organisation=Organisation("Ærø Energy Ltd", "SC123456", "aero.example", "Wind — and sun", True),
        created_at=CREATED, updated_at=CREATED,
        mpids=(MarketParticipant("ABCD", ("LDSO", "UMSO")), MarketParticipant("WXYZ")),
        people=(Person("p-00000001", "Zoë Ñúñez", "zoe@aero.example", "+44 20 7946 0000", "CTO",
                       ("certificate-admin", "user-admin"), ("certificate-admin",), False, "active"),
                Person("p-00000002", "Xena Contractor", "xena@consult.example", roles=("technical-lead",),
                       external=True, portal_status="invited")),
        progress=(StepProgress("step-1", "done", dt.date(2026, 3, 2), dt.date(2026, 3, 3), "signed in"),
                  StepProgress("step-2", "in-progress", dt.date(2026, 3, 4))),
        promoted_from="/projects/aero-uit",
        notes={"step-3": "GlobalSign rang reception"},
        keys=(KeyRecord("k-01", "dip-mtls", "rsa-2048", "ab" * 32, CREATED),
              KeyRecord("k-02", "dip-mtls", "rsa-4096", "cd" * 32, LATER, "file", replaces="k-01",
                        csr_pem="-----BEGIN CERTIFICATE REQUEST-----\nMII...\n-----END CERTIFICATE REQUEST-----\n",
                        csr_exported_at=LATER)),
        atlas_credentials=StoredSecret("s-01", "keychain", LATER),
    )


@pytest.fixture
def folder(tmp_path: Path, project: Project) -> Path:
    """A folder holding a saved copy of `project`."""
    target = tmp_path / "aero"
    create_project(target, project)
    return target


def document(folder: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(project_file(folder).read_text(encoding="utf-8"))
    return doc


def write_document(folder: Path, doc: dict[str, Any]) -> bytes:
    raw = json.dumps(doc, indent=2).encode()
    project_file(folder).write_bytes(raw)
    return raw


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != store.PROJECT_FILE)


# ---------------------------------------------------------------- round trip


def test_round_trip_is_equal(folder: Path, project: Project) -> None:
    assert load_project(folder) == project
    doc = document(folder)
    assert (doc["format"], doc["format_version"]) == ("dip-onboarding-project", store.FORMAT_VERSION)
    assert "Ærø Energy Ltd" in project_file(folder).read_text(encoding="utf-8")  # readable, not \u-escaped


def test_create_makes_missing_parent_folders(tmp_path: Path, project: Project) -> None:
    create_project(tmp_path / "a" / "b", project)
    assert load_project(tmp_path / "a" / "b") == project


def test_save_stamps_updated_at_and_round_trips(folder: Path, project: Project) -> None:
    changed = Project(**{**{f: getattr(project, f) for f in Project.__dataclass_fields__},
                         "notes": {"x": "y"}})
    saved = save_project(folder, changed, LATER)
    assert (saved.created_at, saved.updated_at) == (CREATED, LATER)
    assert load_project(folder) == saved
    assert load_project(folder).notes == {"x": "y"}


def test_create_refuses_a_folder_that_holds_a_project(folder: Path, project: Project) -> None:
    before = project_file(folder).read_bytes()
    with pytest.raises(ProjectExists, match="already holds an onboarding project"):
        create_project(folder, project)
    assert project_file(folder).read_bytes() == before


def test_missing_project(tmp_path: Path, project: Project) -> None:
    with pytest.raises(ProjectNotFound, match=r"no project\.json"):
        load_project(tmp_path)
    with pytest.raises(ProjectNotFound, match="Nothing was saved"):
        save_project(tmp_path, project, LATER)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_project_file_is_owner_only(folder: Path, project: Project) -> None:
    assert stat.S_IMODE(project_file(folder).stat().st_mode) == 0o600
    save_project(folder, project, LATER)
    assert stat.S_IMODE(project_file(folder).stat().st_mode) == 0o600


def test_stale_temp_files_are_removed_on_load(folder: Path) -> None:
    """Old leftovers of an interrupted save go; a fresh one may be another process's write in progress."""
    stale = folder / ".project.json.abc123.tmp"
    stale.write_text("half")
    two_hours_ago = stale.stat().st_mtime - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    fresh = folder / ".project.json.def456.tmp"
    fresh.write_text("being written")
    unrelated = folder / "notes.txt"
    unrelated.write_text("keep me")
    load_project(folder)
    assert not stale.exists()
    assert fresh.exists()
    assert unrelated.read_text() == "keep me"


# ---------------------------------------------------------------- damaged files are refused and left alone


def _edit(change: Callable[[dict[str, Any]], Any]) -> Callable[[dict[str, Any]], bytes]:
    def make(doc: dict[str, Any]) -> bytes:
        change(doc)
        return json.dumps(doc).encode()

    return make


DAMAGED: dict[str, tuple[Callable[[dict[str, Any]], bytes], str]] = {
    "invalid JSON": (lambda doc: json.dumps(doc).encode()[:-20], "it is not valid JSON"),
    "empty file": (lambda doc: b"", "it is not valid JSON"),
    "not UTF-8": (lambda doc: json.dumps(doc).encode().replace(b"Energy", b"\xff\xfe"), "it is not valid JSON"),
    "JSON list": (lambda doc: b"[1, 2]", "it is not a DIP onboarding project file"),
    "wrong format name": (_edit(lambda d: d.update(format="dip-onboarding-bundle")),
                          "it is not a DIP onboarding project file"),
    "format version missing": (_edit(lambda d: d.pop("format_version")), "format version is missing or wrong"),
    "format version as text": (_edit(lambda d: d.update(format_version="1")), "format version is missing"),
    "format version true": (_edit(lambda d: d.update(format_version=True)), "format version is missing"),
    "format version zero": (_edit(lambda d: d.update(format_version=0)), "format version is missing"),
    "no project section": (_edit(lambda d: d.pop("project")), "it has no project section"),
    "project is a list": (_edit(lambda d: d.update(project=[])), "project should be an object"),
    "name is a number": (_edit(lambda d: d["project"]["organisation"].update(name=5)),
                         "organisation.name should be text"),
    "roles is text": (_edit(lambda d: d["project"]["people"][0].update(roles="user-admin")),
                      "people[0].roles should be a list of text"),
    "external is text": (_edit(lambda d: d["project"]["people"][1].update(external="yes")),
                         "people[1].external should be true or false"),
    "unknown portal status": (_edit(lambda d: d["project"]["people"][0].update(portal_status="gone")),
                              "people[0].portal_status should be one of"),
    "created_at not a date": (_edit(lambda d: d["project"].update(created_at="last Tuesday")),
                              "created_at is not a date and time"),
    "created_at without zone": (_edit(lambda d: d["project"].update(created_at="2026-03-02T09:30:00")),
                                "created_at has no time zone"),
    "done_on not a date": (_edit(lambda d: d["project"]["progress"][0].update(done_on="soon")),
                           "progress[0].done_on is not a date"),
    "organisation missing": (_edit(lambda d: d["project"].pop("organisation")),
                             "organisation should be an object"),
    "notes not text": (_edit(lambda d: d["project"].update(notes={"a": 1})), "notes should map text to text"),
    "people share an id": (_edit(lambda d: d["project"]["people"][1].update(id="p-00000001")),
                           "two people share the same id"),
    # Values are checked with the same rules as when they were typed: an edited file is not trusted more.
    "domain is an option": (_edit(lambda d: d["project"]["organisation"].update(domain="-f/etc/passwd")),
                            "organisation.domain is not valid"),
    "name with a newline": (_edit(lambda d: d["project"]["organisation"].update(name="Acme\n[ ext ]")),
                            "organisation.name is not valid"),
    "company number": (_edit(lambda d: d["project"]["organisation"].update(company_number="--help")),
                       "organisation.company_number is not valid"),
    "person's e-mail": (_edit(lambda d: d["project"]["people"][0].update(email="zoe; rm -rf")),
                        "people[0].email is not valid"),
    "person's name": (_edit(lambda d: d["project"]["people"][1].update(name="Xena\u202eLtd")),
                      "people[1].name is not valid"),
    "person's phone": (_edit(lambda d: d["project"]["people"][0].update(phone="call me")),
                       "people[0].phone is not valid"),
    "an MPID": (_edit(lambda d: d["project"]["mpids"][0].update(mpid="AB CD!")), "mpids[0].mpid is not valid"),
    "a fingerprint": (_edit(lambda d: d["project"]["keys"][0].update(fingerprint="zz")),
                      "keys[0].fingerprint is not valid"),
    "a number beyond any sense": (lambda doc: json.dumps(doc).encode().replace(b'"revision": 1', b'"revision": '
                                                                                + b"9" * 5000),
                                  "a number in it is far too long"),
    # Valid JSON padded past the 5 MiB limit: only the size check can refuse it.
    "oversize": (lambda doc: json.dumps(doc).encode() + b" " * store.MAX_PROJECT_BYTES, "far larger than any"),
}


@pytest.mark.parametrize("case", DAMAGED.values(), ids=DAMAGED.keys())
def test_damaged_file_is_refused_and_left_unchanged(folder: Path, case: tuple[Callable[..., bytes], str]) -> None:
    make, why = case
    raw = make(document(folder))
    project_file(folder).write_bytes(raw)
    with pytest.raises(ProjectDamaged) as info:
        load_project(folder)
    message = str(info.value)
    assert f"The project file {project_file(folder)} is damaged: " in message
    assert why in message
    assert "left exactly as it is" in message
    assert project_file(folder).read_bytes() == raw
    assert leftovers(folder) == []  # no backup, no temp file


def test_oversize_limit_is_five_mebibytes(folder: Path) -> None:
    """A file just under the limit still loads (whitespace padding is valid JSON)."""
    raw = project_file(folder).read_bytes()
    project_file(folder).write_bytes(raw + b" " * (5 * 1024 * 1024 - len(raw)))
    load_project(folder)


def test_deeply_nested_json_is_reported_as_damaged(folder: Path) -> None:
    """json.loads raises RecursionError (not JSONDecodeError) on deep nesting; that is still a damaged file."""
    raw = b"[" * 100_000 + b"]" * 100_000
    project_file(folder).write_bytes(raw)
    with pytest.raises(ProjectDamaged):
        load_project(folder)
    assert project_file(folder).read_bytes() == raw


def test_newer_format_is_refused_and_left_unchanged(folder: Path) -> None:
    doc = document(folder)
    newer = store.FORMAT_VERSION + 1
    doc["format_version"] = newer
    doc["project"]["something_new"] = {"a": 1}
    raw = write_document(folder, doc)
    with pytest.raises(ProjectTooNew) as info:
        load_project(folder)
    assert f"project format {newer}; this version reads up to {store.FORMAT_VERSION}" in str(info.value)
    assert "The file has not been changed." in str(info.value)
    assert project_file(folder).read_bytes() == raw
    assert leftovers(folder) == []


# ---------------------------------------------------------------- migrations

# The tests add a migration from the current version to a pretend next one.
V = store.FORMAT_VERSION



def add_note(doc: dict[str, Any]) -> dict[str, Any]:
    doc["project"]["notes"]["migrated"] = "migrated"
    return doc


def test_migration_writes_a_backup_first_and_loads_the_result(folder: Path, project: Project) -> None:
    original = project_file(folder).read_bytes()
    migrated = load_project(folder, migrations={V: add_note}, current_version=V + 1)
    assert migrated.notes == {**project.notes, "migrated": "migrated"}
    assert migrated.people == project.people

    [backup] = folder.glob(f"project.v{V}.*.json")
    assert backup.read_bytes() == original
    assert document(folder)["format_version"] == V + 1

    # The migrated file now loads as current without migrating (or backing up) again.
    assert load_project(folder, migrations={}, current_version=V + 1) == migrated
    assert len(list(folder.glob(f"project.v{V}.*.json"))) == 1


def test_migrations_run_in_sequence(folder: Path) -> None:
    seen: list[int] = []

    def record(doc: dict[str, Any]) -> dict[str, Any]:
        seen.append(doc["format_version"])
        return doc

    load_project(folder, migrations={V: record, V + 1: record}, current_version=V + 2)
    assert seen == [V, V + 1]  # each migration sees the version it was written for
    assert document(folder)["format_version"] == V + 2


@pytest.mark.parametrize("error", [KeyError("organisation"), ValueError("bad date"), TypeError("not a list")])
def test_failing_migration_leaves_the_original_intact(folder: Path, project: Project, error: Exception) -> None:
    original = project_file(folder).read_bytes()

    def broken(doc: dict[str, Any]) -> dict[str, Any]:
        doc["project"]["organisation"] = "half-migrated"  # changes the document before failing
        raise error

    with pytest.raises(ProjectDamaged, match=f"it could not be updated from format {V}"):
        load_project(folder, migrations={V: broken}, current_version=V + 1)
    assert project_file(folder).read_bytes() == original
    assert load_project(folder) == project  # still readable as the current version


def test_missing_migration_leaves_the_original_intact(folder: Path) -> None:
    original = project_file(folder).read_bytes()
    with pytest.raises(ProjectError, match=f"cannot update project format {V}"):
        load_project(folder, migrations={}, current_version=V + 1)
    assert project_file(folder).read_bytes() == original


def test_migration_that_cannot_save_leaves_the_original_intact(folder: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    original = project_file(folder).read_bytes()
    monkeypatch.setattr(files.os, "replace", _disk_full)
    with pytest.raises(ProjectError, match="The original is unchanged") as info:
        load_project(folder, migrations={V: add_note}, current_version=V + 1)
    assert "the disk is full" in str(info.value)
    assert project_file(folder).read_bytes() == original
    assert [n for n in leftovers(folder) if n.endswith(".tmp")] == []


# ---------------------------------------------------------------- a failed save keeps the last copy


def _disk_full(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failed_save_raises_plain_project_error_and_keeps_old_file(
        folder: Path, project: Project, monkeypatch: pytest.MonkeyPatch, failing: str) -> None:
    original = project_file(folder).read_bytes()
    monkeypatch.setattr(files.os, failing, _disk_full)
    with pytest.raises(ProjectError) as info:
        save_project(folder, Project(**{**{f: getattr(project, f) for f in Project.__dataclass_fields__},
                                        "notes": {}}), LATER)
    message = str(info.value)
    assert message.startswith(f"Could not save the project to {folder}: the disk is full.")
    assert "The last saved copy is unchanged" in message
    assert project_file(folder).read_bytes() == original
    assert leftovers(folder) == []


# ---------------------------------------------------------------- the real migrations


def test_version_1_files_gain_keys_after_a_backup(tmp_path: Path) -> None:
    """A file written by the first release (format 1, no keys) opens, is backed up, and is saved as format 2."""
    folder = tmp_path / "old"
    folder.mkdir()
    v1 = {"format": "dip-onboarding-project", "format_version": 1, "written_by": "0.1.0", "project": {
        "profile_id": "dip-mhhs", "environment": "uit", "created_at": "2026-03-02T09:30:00+00:00",
        "updated_at": "2026-03-02T09:30:00+00:00", "promoted_from": None,
        "organisation": {"name": "Old Co", "company_number": "01234567", "domain": "old.example",
                         "description": "", "is_dcp": False},
        "mpids": [], "people": [], "progress": [], "notes": {}}}
    raw = json.dumps(v1).encode()
    project_file(folder).write_bytes(raw)
    project = load_project(folder)
    assert project.organisation.name == "Old Co"
    assert project.keys == ()
    assert project.atlas_credentials is None
    [backup] = folder.glob("project.v1.*.json")
    assert backup.read_bytes() == raw
    assert document(folder)["format_version"] == store.FORMAT_VERSION
    assert document(folder)["project"]["keys"] == []


def test_a_version_4_project_gains_key_states_identity_and_intents(tmp_path: Path) -> None:
    """Version 4 kept a kind's key in use (the one with a certificate) and at most one replacement without."""
    folder = tmp_path / "v4"
    folder.mkdir()

    def key(key_id: str, kind: str) -> dict[str, Any]:
        return {"id": key_id, "kind": kind, "algorithm": "ec-p256", "fingerprint": "ab" * 32,
                "created_at": "2026-03-02T09:30:00+00:00", "vault": "keychain", "replaces": None, "csr_pem": None,
                "csr_exported_at": None}

    def cert(cert_id: str, key_id: str) -> dict[str, Any]:
        return {"id": cert_id, "kind": "dip-mtls", "key_id": key_id, "pem": "", "chain_pem": "",
                "fingerprint": "cd" * 32, "subject": "acme.example", "issuer": "Test CA",
                "not_before": "2026-03-01T00:00:00+00:00", "not_after": "2027-03-01T00:00:00+00:00",
                "imported_at": "2026-03-02T09:30:00+00:00"}

    v4 = {"format": "dip-onboarding-project", "format_version": 4, "written_by": "0.4.0", "revision": 2,
          "project": {"profile_id": "dip-mhhs", "environment": "uit", "created_at": "2026-03-02T09:30:00+00:00",
                      "updated_at": "2026-03-02T09:30:00+00:00", "promoted_from": None,
                      "organisation": {"name": "Old Co", "company_number": "01234567", "domain": "old.example",
                                       "description": "", "is_dcp": False},
                      "mpids": [], "people": [], "progress": [], "notes": {},
                      "keys": [key("k-1", "dip-mtls"), {**key("k-2", "dip-mtls"), "replaces": "k-1"},
                               key("k-3", "webhook-tls")],
                      "atlas_credentials": None, "certificates": [cert("c-1", "k-1")], "dip_ids": [],
                      "channels": [], "role_codes": [], "domain_txt": None, "checklist": []}}
    project_file(folder).write_text(json.dumps(v4), encoding="utf-8")
    project = load_project(folder)
    assert [(k.id, k.state, k.vault_entry) for k in project.keys] == \
        [("k-1", "active", "k-1"), ("k-2", "pending", "k-2"), ("k-3", "pending", "k-3")]
    assert (project.identity, project.home, project.key_intents) == ("", None, ())  # given at the first open
    assert document(folder)["format_version"] == store.FORMAT_VERSION  # on through every later version
    assert len(list(folder.glob("project.v4.*.json"))) == 1
