"""The audit trail: appended, hash-chained, verified line by line; every kind of tampering named by line number;
secrets refused; session commits logged as events."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from wizard.core import audit
from wizard.core.audit import AUDIT_FILE, HEAD_FILE, record, verify
from wizard.core.model import KeyRecord, Organisation, Person, with_key, with_person
from wizard.core.profile import Profile
from wizard.core.session import ProjectSession

NOW = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def logged(tmp_path: Path) -> Path:
    for i in range(1, 6):
        record(tmp_path, f"event {i}", {"i": i, "text": "Zoë"}, now=NOW, user="tester")
    return tmp_path


def lines(folder: Path) -> list[bytes]:
    return (folder / AUDIT_FILE).read_bytes().splitlines(keepends=True)


def rewrite(folder: Path, new: list[bytes]) -> None:
    (folder / AUDIT_FILE).write_bytes(b"".join(new))


def test_lines_are_chained_and_verify(logged: Path) -> None:
    raw = lines(logged)
    assert len(raw) == 5
    entries = [json.loads(x) for x in raw]
    assert entries[0]["prev"] == "0" * 64
    assert all(entries[i]["prev"] == entries[i - 1]["hash"] for i in range(1, 5))
    assert [e["n"] for e in entries] == [1, 2, 3, 4, 5]
    assert entries[2]["user"] == "tester"
    assert entries[2]["at"] == NOW.isoformat()
    assert verify(logged) == audit.Verdict(True, 5, "")
    assert [e.event for e in audit.read_entries(logged)] == [f"event {i}" for i in range(1, 6)]


def _edit(raw: list[bytes]) -> list[bytes]:
    raw[2] = raw[2].replace(b'"i":3', b'"i":4')
    return raw


def _edit_and_rehash(raw: list[bytes]) -> list[bytes]:
    entry = json.loads(raw[2])
    entry["details"]["i"] = 99
    entry.pop("hash")
    entry["hash"] = audit._hash(entry)
    raw[2] = audit._canonical(entry) + b"\n"
    return raw


@pytest.mark.parametrize(("tamper", "line", "words"), [
    (_edit, 3, "line 3 was changed"),
    (_edit_and_rehash, 4, "line 4 does not follow"),
    (lambda raw: raw[:1] + raw[2:], 2, "line 2 is out of place"),
    (lambda raw: [*raw[:2], raw[1], *raw[2:]], 3, "line 3 is out of place"),
    (lambda raw: [raw[0], raw[2], raw[1], *raw[3:]], 2, "line 2 is out of place"),
    (lambda raw: raw[:4], 5, "lines were cut off the end"),
    (lambda raw: [*raw[:4], raw[4][:30]], 5, "line 5 is incomplete"),
    (lambda raw: [*raw[:2], b"not json\n", *raw[2:]], 3, "line 3 is not a readable audit entry"),
])
def test_tampering_is_found_and_named_by_line(logged: Path, tamper: Callable[[list[bytes]], list[bytes]],
                                              line: int, words: str) -> None:
    rewrite(logged, tamper(lines(logged)))
    verdict = verify(logged)
    assert not verdict.ok
    assert verdict.line == line
    assert words in verdict.problem


def test_a_rewritten_last_line_is_caught_by_the_head(logged: Path) -> None:
    raw = lines(logged)
    entry = json.loads(raw[4])
    entry["event"] = "something else"
    entry.pop("hash")
    entry["hash"] = audit._hash(entry)
    raw[4] = audit._canonical(entry) + b"\n"
    rewrite(logged, raw)
    verdict = verify(logged)
    assert (verdict.ok, verdict.line) == (False, 5)


def test_a_missing_log_with_a_head_is_reported(logged: Path) -> None:
    (logged / AUDIT_FILE).unlink()
    assert not verify(logged).ok


def test_appending_continues_the_chain_after_a_lost_head(logged: Path) -> None:
    (logged / HEAD_FILE).unlink()  # as after a crash between appending and updating the head
    record(logged, "after", {}, now=NOW, user="tester")
    assert verify(logged).ok
    assert json.loads(lines(logged)[-1])["n"] == 6


@pytest.mark.parametrize("details", [{"password": "x"}, {"nested": {"api_secret": "x"}},
                                     {"pem": "-----BEGIN PRIVATE KEY-----\nMII"},
                                     {"list": ["-----BEGIN ENCRYPTED PRIVATE KEY-----"]}])
def test_secrets_are_never_logged(tmp_path: Path, details: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="never logged"):
        record(tmp_path, "oops", details)
    assert not (tmp_path / AUDIT_FILE).exists()


def test_session_commits_are_audited(tmp_path: Path, profile: Profile) -> None:
    folder = tmp_path / "p"
    session = ProjectSession.create(folder, profile, lambda: NOW, environment="uit",
                                    organisation=Organisation("Acme Ltd", "01234567", "acme.example"))
    person = Person("p-1", "Jane Smith", "jane@acme.example", roles=("certificate-admin",))
    session.commit(with_person(session.project, person))
    session.commit(with_person(session.project, Person("p-1", "Jane Smith", "jane@acme.example",
                                                       roles=("certificate-admin", "message-admin"))))
    key = KeyRecord("k-1", "dip-mtls", "rsa-2048", "ab" * 32, NOW)
    session.commit(with_key(session.project, key))
    entries = audit.read_entries(folder)
    assert [e.event for e in entries] == ["project created", "person added", "person changed", "key generated"]
    assert entries[2].details["roles"] == ["certificate-admin", "message-admin"]
    assert entries[3].details["fingerprint"] == "ab" * 32
    assert all(e.user == audit.os_user() for e in entries)
    assert verify(folder).ok


def test_a_project_whose_audit_files_were_deleted_does_not_check_out(tmp_path: Path, profile: Profile) -> None:
    folder = tmp_path / "p"
    session = ProjectSession.create(folder, profile, lambda: NOW, environment="uit",
                                    organisation=Organisation("Acme Ltd", "01234567", "acme.example"))
    session.commit(with_person(session.project, Person("p-1", "Jane Smith", "jane@acme.example",
                                                       roles=("certificate-admin",))))
    (folder / AUDIT_FILE).unlink()
    (folder / HEAD_FILE).unlink()
    verdict = verify(folder, revision=session.revision)
    assert not verdict.ok
    assert "saved 2 times" in verdict.problem
    assert verify(tmp_path / "never-saved", revision=0).ok


def _link_or_skip(link: Path, target: Path) -> None:
    try:
        link.symlink_to(target)
    except (OSError, NotImplementedError) as exc:  # Windows without the right to make links
        pytest.skip(f"cannot make a symbolic link here: {exc}")
    if not link.is_symlink():  # Wine 8 reports success without making the link
        pytest.skip("this system said it made the symbolic link, but there is none")


def test_the_audit_log_never_writes_through_a_link(tmp_path: Path) -> None:
    # A dangling audit.jsonl link made `person add` create and write a file outside the project.
    outside = tmp_path / "outside.txt"
    project = tmp_path / "p"
    project.mkdir()
    _link_or_skip(project / AUDIT_FILE, outside)
    with pytest.raises(audit.AuditError, match="link"):
        record(project, "person added", {"name": "Jane"}, now=NOW, user="tester")
    assert not outside.exists()


def test_the_project_lock_never_opens_a_link(tmp_path: Path) -> None:
    from wizard.core.errors import WizardError
    from wizard.core.files import locked

    outside = tmp_path / "outside.lock"
    project = tmp_path / "p"
    project.mkdir()
    _link_or_skip(project / audit.LOCK_FILE, outside)
    with pytest.raises(WizardError, match="link"), locked(project / audit.LOCK_FILE):
        pass
    assert not outside.exists()


def test_wherever_the_trail_is_called_sealed_its_limits_are_stated() -> None:
    root = Path(__file__).resolve().parents[2]
    places = [root / "README.md", root / "resources" / "help" / "guide.html", root / "wizard" / "ui" / "pages" /
              "audit.py"]
    for place in places:
        text = " ".join(place.read_text(encoding="utf-8").split())
        assert "sealed" in text, place
        stated = ("not proof against someone who can edit the project folder" in text
                  or "Someone who can edit the project folder can rewrite every line" in text)
        assert stated, place


def test_where_the_system_has_no_nofollow_flag_the_link_is_looked_for_first(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # Windows has no O_NOFOLLOW: the same refusal comes from looking at the path before opening it.
    import os

    outside = tmp_path / "outside.txt"
    project = tmp_path / "p"
    project.mkdir()
    _link_or_skip(project / AUDIT_FILE, outside)
    monkeypatch.delattr(os, "O_NOFOLLOW", raising=False)
    with pytest.raises(audit.AuditError, match="link"):
        record(project, "person added", {"name": "Jane"}, now=NOW, user="tester")
    assert not outside.exists()
