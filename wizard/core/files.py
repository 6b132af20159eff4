"""Writing files so that a crash, a full disk or a power cut leaves either the old file or the new one."""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

# Windows refuses to replace a file while any other handle has it open (another wizard process reading the
# project, an antivirus or search-indexer scan) and says "access denied"; such handles are brief, so the rename is
# tried again for this long. Elsewhere a refused rename is a real permission problem and is not retried.
REPLACE_RETRY_SECONDS = 2.0 if os.name == "nt" else 0.0


def _replace(tmp: Path, path: Path) -> None:
    deadline = time.monotonic() + REPLACE_RETRY_SECONDS
    pause = 0.01
    while True:
        try:
            os.replace(tmp, path)
            return
        except PermissionError:
            if time.monotonic() + pause > deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def atomic_write(path: Path, data: bytes, *, public: bool = False) -> None:
    """Write `data` to `path` through a temp file in the same folder: fsync, then rename over the target.

    The file is owner-only (0600 on POSIX; mkstemp creates it so) before any data goes in; `public` files (a CSR,
    a certificate chain) are made readable by others just before the rename. On Windows a rename refused because
    another handle has the target open is tried again for up to REPLACE_RETRY_SECONDS. On any failure the temp
    file is removed and the target is untouched; the OSError propagates for the caller to explain.
    """
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if public and hasattr(os, "chmod"):
            os.chmod(tmp, 0o644)
        _replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable on POSIX; Windows has no directory handles to sync.
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_stale_temp_files(folder: Path, name: str, older_than: float = 3600.0) -> None:
    """Remove temp files left by an interrupted `atomic_write` of `name` (they never hold the only copy).

    Only old ones: a recent temp file may belong to another process writing right now.
    """
    now = time.time()
    for leftover in folder.glob(f".{name}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > older_than:
                leftover.unlink()


# Files the wizard keeps for itself: an export must never land on one of them.
PROTECTED_NAMES = ("project.json", ".project.lock", "settings.json", "secrets.vault", "audit.jsonl",
                   "audit.head.json")


def check_output(path: Path, *, overwrite: bool) -> None:
    """Refuse an export target that is a folder, one of the wizard's own files, or (unless `overwrite`) a file
    that already exists; raises `WizardError` with what to do instead."""
    from wizard.core.errors import WizardError

    if path.is_dir():
        raise WizardError(f"{path} is a folder; give a file name to write to.")
    if path.name in PROTECTED_NAMES:
        raise WizardError(f"{path} is one of the wizard's own files; choose another name. Nothing was written.")
    if path.exists() and not overwrite:
        raise WizardError(f"{path} already exists. Choose another name, or replace it with --force. Nothing was "
                          "written.")
    if path.parent.exists() and not path.parent.is_dir():
        raise WizardError(f"{path.parent} is a file, not a folder; choose a folder to write to. Nothing was "
                          "written.")
    if not path.parent.is_dir():
        raise WizardError(f"The folder {path.parent} does not exist; create it or choose another. Nothing was "
                          "written.")


@contextlib.contextmanager
def locked(lock: Path, *, wait: float = 5.0, busy_message: str = "") -> Iterator[None]:
    """Hold `lock` while reading-then-writing, so two writers (threads or processes) take turns.

    The lock is an OS file lock on `lock` (flock on POSIX, msvcrt.locking on Windows), not the file's existence:
    the OS drops it when its holder dies, so a process killed mid-save (SIGKILL, power off the app) leaves nothing
    that blocks the next save. Raises `WizardError` with `busy_message` if a live holder keeps it for `wait` seconds.
    """
    from wizard.core.errors import WizardError

    deadline = time.monotonic() + wait
    while True:
        fd = open_no_link(lock, os.O_CREAT | os.O_RDWR)
        try:
            taken = _try_lock(fd)
            # The holder removes the file as it lets go: a lock on a file no longer at `lock` guards nothing.
            if taken and _still_at(fd, lock):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # closing also drops a lock just taken on a removed file
        if time.monotonic() > deadline:
            raise WizardError(busy_message or f"{lock.parent} is busy; try again in a moment.")
        time.sleep(0.05)
    try:
        yield
    finally:
        if os.name == "posix":
            # Removed while still held, so a waiter that gets the old file next sees it is gone and opens anew.
            with contextlib.suppress(OSError):
                lock.unlink()
            os.close(fd)
        else:
            _unlock(fd)
            os.close(fd)
            # Windows refuses to remove a file another process has open: then that process holds or takes it.
            with contextlib.suppress(OSError):
                lock.unlink()


def open_no_link(path: Path, flags: int) -> int:
    """os.open that never follows a symbolic link at `path` (one planted in a project folder would make the
    wizard create or write a file elsewhere); raises `WizardError` naming the link.

    POSIX refuses the link itself (O_NOFOLLOW); Windows has no such flag, so the path is looked at first.
    """
    from wizard.core.errors import WizardError

    nofollow = getattr(os, "O_NOFOLLOW", 0)
    if not nofollow and path.is_symlink():
        raise WizardError(f"{path} is a link to somewhere else, which the wizard never writes through. Remove the "
                          "link (your project's own file is not there); nothing was changed.")
    try:
        return os.open(path, flags | nofollow, 0o600)
    except OSError as exc:
        if nofollow and exc.errno in (errno.ELOOP, errno.EMLINK) and path.is_symlink():
            raise WizardError(f"{path} is a link to somewhere else, which the wizard never writes through. Remove "
                              "the link (your project's own file is not there); nothing was changed.") from None
        raise


def _still_at(fd: int, lock: Path) -> bool:
    try:
        here = os.stat(lock)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (held.st_dev, held.st_ino)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, 0, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        with contextlib.suppress(OSError):
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
