"""Writing files so that a crash, a full disk or a power cut leaves either the old file or the new one."""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def atomic_write(path: Path, data: bytes, *, public: bool = False) -> None:
    """Write `data` to `path` through a temp file in the same folder: fsync, then rename over the target.

    The file is owner-only (0600 on POSIX; mkstemp creates it so) before any data goes in; `public` files (a CSR,
    a certificate chain) are made readable by others just before the rename. On any failure the temp file is
    removed and the target is untouched; the OSError propagates for the caller to explain.
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
        os.replace(tmp, path)
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
    if not path.parent.is_dir():
        raise WizardError(f"The folder {path.parent} does not exist; create it or choose another. Nothing was "
                          "written.")


@contextlib.contextmanager
def locked(lock: Path, *, wait: float = 5.0, stale: float = 30.0, busy_message: str = "") -> Iterator[None]:
    """Hold `lock` (created exclusively) while reading-then-writing, so two writers take turns.

    A lock older than `stale` seconds is left from a crash and is taken over. Raises `WizardError` with
    `busy_message` if the lock stays taken for `wait` seconds.
    """
    from wizard.core.errors import WizardError

    deadline = time.monotonic() + wait
    while True:
        try:
            os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            break
        except FileExistsError:
            with contextlib.suppress(OSError):
                if time.time() - lock.stat().st_mtime > stale:
                    lock.unlink()
                    continue
            if time.monotonic() > deadline:
                raise WizardError(busy_message or f"{lock.parent} is busy; try again in a moment.") from None
            time.sleep(0.05)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            lock.unlink()
