"""The project lock is an OS file lock: a save killed while holding it (SIGKILL, so no clean-up runs) leaves a
`.project.lock` file behind, and the next save goes ahead at once instead of being refused as busy; a live holder
still makes others wait."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.core.conftest import NOW
from wizard.core.errors import WizardError
from wizard.core.files import locked
from wizard.core.model import Project
from wizard.core.store import LOCK_FILE, create_project, load_project, save_project

# In the child: a save whose write never finishes, so the lock is held when the child is killed.
SAVER = """
import sys, time
from pathlib import Path
import wizard.core.store as store
def stuck_write(path, data, **kwargs):
    print("saving", flush=True)
    time.sleep(600)
store.atomic_write = stuck_write
project = store.load_project(Path(sys.argv[1]))
store.save_project(Path(sys.argv[1]), project, project.updated_at)
"""

HOLDER = """
import sys, time
from pathlib import Path
from wizard.core.files import locked
with locked(Path(sys.argv[1])):
    print("holding", flush=True)
    time.sleep(600)
"""


@contextmanager
def child(script: str, arg: Path, ready: str) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen([sys.executable, "-c", script, str(arg)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == ready
        yield proc
    finally:
        proc.kill()
        proc.wait(timeout=30)


def _with_notes(project: Project, notes: str) -> Project:
    fields = {name: getattr(project, name) for name in Project.__dataclass_fields__}
    return Project(**{**fields, "notes": {"content": notes}})


def test_a_lock_left_by_a_killed_save_does_not_block_the_next_save(
        tmp_path: Path, make_project: Callable[..., Project]) -> None:
    folder = tmp_path / "project"
    create_project(folder, make_project())
    with child(SAVER, folder, "saving") as saver:
        saver.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: the holder never lets go by itself
        saver.wait(timeout=30)
    if sys.platform != "win32":
        assert (folder / LOCK_FILE).exists(), "the killed save left its lock file, as a crash does"
    # Not busy at all: taken without waiting (a lock file counted as taken until 30 s old was refused here).
    with locked(folder / LOCK_FILE, wait=0):
        pass
    save_project(folder, _with_notes(load_project(folder), "after the crash"), NOW)
    assert load_project(folder).notes == {"content": "after the crash"}
    assert not (folder / LOCK_FILE).exists()


def test_a_live_holder_still_makes_a_save_wait_and_then_refuses(tmp_path: Path) -> None:
    lock = tmp_path / LOCK_FILE
    with (child(HOLDER, lock, "holding"), pytest.raises(WizardError, match="being saved elsewhere"),
          locked(lock, wait=0.2, busy_message="being saved elsewhere")):
        pytest.fail("took a lock another process holds")
    with locked(lock, wait=0):  # the holder was killed on leaving the block: free again
        pass


def test_a_lock_file_without_a_holder_is_free(tmp_path: Path) -> None:
    lock = tmp_path / LOCK_FILE
    lock.write_bytes(b"")  # e.g. left by an older version, or by a crash
    with locked(lock, wait=0):
        assert lock.exists()
    assert not lock.exists()


def test_threads_take_turns(tmp_path: Path) -> None:
    """Each thread opens the file itself, so the lock works between threads of one process too."""
    lock = tmp_path / LOCK_FILE
    inside: list[int] = []
    overlaps: list[int] = []
    entered = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with locked(lock, wait=10):
            inside.append(1)
            entered.set()
            release.wait(10)
            inside.pop()

    holder = threading.Thread(target=hold)
    holder.start()
    assert entered.wait(10)
    with pytest.raises(WizardError), locked(lock, wait=0.1):
        overlaps.append(len(inside))
    release.set()
    holder.join(10)
    with locked(lock, wait=0):
        overlaps.append(len(inside))
    assert overlaps == [0]
