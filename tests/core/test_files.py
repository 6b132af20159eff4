"""atomic_write: the target holds either the old bytes or the new ones, never a mix, and no temp file is left."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from wizard.core import files
from wizard.core.errors import WizardError
from wizard.core.files import atomic_write, remove_stale_temp_files


def test_writes_new_file_and_replaces_existing(tmp_path: Path) -> None:
    target = tmp_path / "data.json"
    atomic_write(target, b"first")
    assert target.read_bytes() == b"first"
    atomic_write(target, b"second, longer")
    assert target.read_bytes() == b"second, longer"
    assert [p.name for p in tmp_path.iterdir()] == ["data.json"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_private_file_is_owner_only_even_when_replacing_a_readable_one(tmp_path: Path) -> None:
    target = tmp_path / "data.json"
    target.write_bytes(b"old")
    target.chmod(0o644)
    atomic_write(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def _fail(*args: object, **kwargs: object) -> None:
    raise OSError(errno.EIO, "Input/output error")


@pytest.mark.parametrize("step", ["fsync", "replace", "fchmod"])
def test_failure_mid_write_leaves_target_unchanged_and_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                    step: str) -> None:
    target = tmp_path / "data.json"
    target.write_bytes(b"the old content")
    if not hasattr(os, step):
        pytest.skip(f"os.{step} not on this platform")
    monkeypatch.setattr(files.os, step, _fail)
    with pytest.raises(OSError, match="Input/output error"):
        atomic_write(target, b"the new content that never lands")
    assert target.read_bytes() == b"the old content"
    assert [p.name for p in tmp_path.iterdir()] == ["data.json"]


def test_interrupt_mid_write_also_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl+C during the fsync must not leave a temp file either (BaseException, not just OSError)."""
    target = tmp_path / "data.json"

    def interrupt(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, b"x")
    assert list(tmp_path.iterdir()) == []


def test_remove_stale_temp_files_removes_only_leftovers_of_that_file(tmp_path: Path) -> None:
    for name in (".project.json.a1.tmp", ".project.json.b2.tmp", ".settings.json.c3.tmp", "project.json",
                 "project.json.tmp"):
        (tmp_path / name).write_text("x")
        old = (tmp_path / name).stat().st_mtime - 7200
        os.utime(tmp_path / name, (old, old))
    remove_stale_temp_files(tmp_path, "project.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".settings.json.c3.tmp", "project.json",
                                                          "project.json.tmp"]


def test_a_reader_holding_the_file_briefly_does_not_fail_the_write(tmp_path: Path) -> None:
    # Windows refuses to replace a file that another handle has open — another wizard process loading the project,
    # an antivirus or search-indexer scan — with "access denied". Such handles are brief: the write waits them out.
    import threading

    target = tmp_path / "project.json"
    target.write_bytes(b"old")
    reader = target.open("rb")
    threading.Timer(0.3, reader.close).start()
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["project.json"]


def test_a_replace_refused_for_longer_gives_up_and_keeps_the_old_file(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "project.json"
    target.write_bytes(b"old")
    attempts: list[float] = []

    def refused(src: object, dst: object) -> None:
        attempts.append(0.0)
        raise PermissionError(errno.EACCES, "Access is denied")

    monkeypatch.setattr(files, "REPLACE_RETRY_SECONDS", 0.3)
    monkeypatch.setattr(files.os, "replace", refused)
    with pytest.raises(PermissionError):
        atomic_write(target, b"new")
    assert len(attempts) > 2  # tried again before giving up
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["project.json"]


def test_a_refused_replace_is_not_retried_where_it_means_no_permission(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "project.json"
    target.write_bytes(b"old")
    attempts: list[int] = []

    def refused(src: object, dst: object) -> None:
        attempts.append(1)
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(files, "REPLACE_RETRY_SECONDS", 0.0)  # POSIX: a refusal is a real permission problem
    monkeypatch.setattr(files.os, "replace", refused)
    with pytest.raises(PermissionError):
        atomic_write(target, b"new")
    assert attempts == [1]
    assert target.read_bytes() == b"old"


def test_an_output_under_a_file_names_that_file_as_not_a_folder(tmp_path: Path) -> None:
    """`--out pack.html/x.pdf` where pack.html is a file: the folder exists as a file, so "does not exist" misleads."""
    (tmp_path / "pack.html").write_text("an earlier pack", encoding="utf-8")
    with pytest.raises(WizardError, match=r"pack\.html is a file, not a folder; choose a folder to write to\. "
                                          r"Nothing was written\.$"):
        files.check_output(tmp_path / "pack.html" / "x.pdf", overwrite=False)
    with pytest.raises(WizardError, match=r"missing does not exist; create it or choose another\."):
        files.check_output(tmp_path / "missing" / "x.pdf", overwrite=False)
