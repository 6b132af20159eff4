"""The audit trail: an append-only, hash-chained JSON-lines log of what was done in a project, by whom and when.

Each line is one JSON object: `n` (its line number), `at` (UTC), `user` (the operating-system user), `event`,
`details`, `prev` (the previous line's `hash`, or 64 zeros for the first) and `hash` (SHA-256 of the line's canonical
JSON without `hash`). A separate head file records how many lines there are and the last hash, so cutting lines off
the end is noticed too. Lines are appended with fsync under the project lock.

This makes the log tamper-evident, not tamper-proof: someone who rewrites every line and the head file after an
edit is not detected. Secrets never go in: details are refused if a key names one or a value holds a private key.
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wizard.core.errors import WizardError
from wizard.core.files import atomic_write, locked, open_no_link

AUDIT_FILE = "audit.jsonl"
HEAD_FILE = "audit.head.json"
LOCK_FILE = ".project.lock"  # the same lock the project file is saved under (store._locked)
GENESIS = "0" * 64
MAX_LINE = 64 * 1024
_SECRET_NAMES = re.compile(r"pass(word|phrase)|secret|private|api_key|apikey|token", re.I)
_SECRET_TEXT = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----|password\s*=", re.I)


class AuditError(WizardError):
    """The audit log could not be written or read."""


@dataclass(frozen=True, slots=True)
class Entry:
    n: int
    at: dt.datetime
    user: str
    event: str
    details: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    lines: int
    problem: str  # empty when ok
    line: int | None = None  # the line number at fault


def audit_path(project_dir: Path) -> Path:
    return project_dir / AUDIT_FILE


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (e.g. a service account without one): still record something
        return "unknown"


def _check_no_secrets(value: object, where: str = "details") -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if _SECRET_NAMES.search(str(key)):
                raise ValueError(f"audit {where}.{key}: secrets are never logged")
            _check_no_secrets(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_no_secrets(item, f"{where}[{i}]")
    elif isinstance(value, str) and _SECRET_TEXT.search(value):
        raise ValueError(f"audit {where}: secrets are never logged")


def _canonical(obj: Mapping[str, Any]) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def _hash(body: Mapping[str, Any]) -> str:
    return hashlib.sha256(_canonical(body)).hexdigest()


def _read_head(project_dir: Path) -> tuple[int, str] | None:
    try:
        data = json.loads((project_dir / HEAD_FILE).read_text(encoding="utf-8"))
        lines, last = data["lines"], data["hash"]
        if isinstance(lines, int) and not isinstance(lines, bool) and isinstance(last, str):
            return lines, last
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def head_record(project_dir: Path) -> tuple[int, str] | None:
    """What the head file says: how many lines were written and the last line's hash (None when it is missing or
    unreadable). Shown as the trail's head hash, e.g. in the evidence pack."""
    return _read_head(project_dir)


def _tail(project_dir: Path) -> tuple[int, str]:
    """The number of lines and the last hash, from the head file, or by reading the log when the head is missing
    or behind (a crash between appending a line and updating the head)."""
    head = _read_head(project_dir)
    path = audit_path(project_dir)
    if not path.exists():
        return 0, GENESIS
    size = path.stat().st_size
    if head is not None and head[0] > 0:
        # Cheap case: the last line of the log is the one the head names.
        last = _last_line(path, size)
        if last is not None and last.get("n") == head[0] and last.get("hash") == head[1]:
            return head
    count, last_hash = 0, GENESIS
    for raw in path.read_bytes().splitlines():
        try:
            entry = json.loads(raw)
            count, last_hash = int(entry["n"]), str(entry["hash"])
        except (ValueError, KeyError, TypeError):
            raise AuditError(f"The audit log {path} is damaged (line {count + 1} cannot be read), so nothing more "
                             "can be added to it. Check it with: dip-onboarding audit DIR --verify") from None
    return count, last_hash


def _last_line(path: Path, size: int) -> dict[str, Any] | None:
    with path.open("rb") as handle:
        handle.seek(max(0, size - MAX_LINE))
        chunk = handle.read()
    lines = chunk.rstrip(b"\n").rsplit(b"\n", 1)
    try:
        value = json.loads(lines[-1])
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def record(project_dir: Path, event: str, details: Mapping[str, Any] | None = None, *,
           now: dt.datetime | None = None, user: str | None = None) -> Entry:
    """Append one event to the project's audit log (made if missing), under the project lock, fsync'd."""
    with locked(project_dir / LOCK_FILE, busy_message=f"The project in {project_dir} is being saved by another "
                                                      "window or command; try again in a moment."):
        return _append(project_dir, [(event, details or {})], now, user)[0]


def record_many(project_dir: Path, events: Iterable[tuple[str, Mapping[str, Any]]], *,
                now: dt.datetime | None = None, user: str | None = None, lock: bool = True) -> list[Entry]:
    """Append several events at once; with `lock=False` the caller already holds the project lock."""
    items = list(events)
    if not items:
        return []
    if not lock:
        return _append(project_dir, items, now, user)
    with locked(project_dir / LOCK_FILE, busy_message=f"The project in {project_dir} is being saved by another "
                                                      "window or command; try again in a moment."):
        return _append(project_dir, items, now, user)


def _append(project_dir: Path, items: list[tuple[str, Mapping[str, Any]]], now: dt.datetime | None,
            user: str | None) -> list[Entry]:
    for _, details in items:
        _check_no_secrets(details)
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    who = user or os_user()
    count, prev = _tail(project_dir)
    entries, data = [], bytearray()
    for event, details in items:
        count += 1
        body = {"n": count, "at": when.isoformat(), "user": who, "event": event, "details": dict(details),
                "prev": prev}
        prev = _hash(body)
        data += _canonical({**body, "hash": prev}) + b"\n"
        entries.append(Entry(count, when, who, event, dict(details)))
    path = audit_path(project_dir)
    try:
        fd = open_no_link(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            view = memoryview(bytes(data))
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        atomic_write(project_dir / HEAD_FILE, _canonical({"lines": count, "hash": prev}) + b"\n")
    except WizardError as exc:
        raise AuditError(str(exc)) from None
    except OSError as exc:
        raise AuditError(f"Could not write the audit log {path}: {exc.strerror or exc}.") from exc
    return entries


def read_entries(project_dir: Path) -> list[Entry]:
    """The log's entries, oldest first (unchecked: use `verify` to check the chain)."""
    path = audit_path(project_dir)
    if not path.exists():
        return []
    entries = []
    for raw in path.read_bytes().splitlines():
        try:
            e = json.loads(raw)
            entries.append(Entry(int(e["n"]), dt.datetime.fromisoformat(e["at"]), str(e["user"]), str(e["event"]),
                                 dict(e["details"])))
        except (ValueError, KeyError, TypeError):
            continue
    return entries


def verify(project_dir: Path, revision: int = 0) -> Verdict:
    """Check every line's hash, the chain from line to line, the numbering and the head file.

    Names the first line at fault: an edited line fails its own hash; a removed, inserted or moved line breaks
    the numbering or the chain at that place; lines cut off the end leave fewer lines than the head records.
    `revision` is how many times the project file says it was saved: every save since its creation (which writes
    the first line) is audited, so a saved project with no log at all had its audit files deleted.
    """
    path = audit_path(project_dir)
    if not path.exists() or path.stat().st_size == 0:
        if _read_head(project_dir) is not None:
            return Verdict(False, 0, "the audit log is missing, but the project recorded that it had one", 1)
        if revision > 0:
            return Verdict(False, 0, f"the audit log and its head record are missing, but the project was saved "
                                     f"{revision} time{'s' if revision != 1 else ''}: they were deleted", 1)
        return Verdict(True, 0, "")
    raw = path.read_bytes()
    if raw and not raw.endswith(b"\n"):
        count = raw.count(b"\n") + 1
        return Verdict(False, count, f"line {count} is incomplete (the end of the log was cut off or damaged)",
                       count)
    prev, lines = GENESIS, raw.splitlines()
    for number, line in enumerate(lines, start=1):
        try:
            entry = json.loads(line)
            if not isinstance(entry, dict):
                raise ValueError
            claimed = entry.pop("hash")
        except (ValueError, KeyError):
            return Verdict(False, len(lines), f"line {number} is not a readable audit entry", number)
        if _hash(entry) != claimed:
            return Verdict(False, len(lines), f"line {number} was changed after it was written", number)
        if entry.get("n") != number:
            return Verdict(False, len(lines), f"line {number} is out of place (it says it is line {entry.get('n')}): "
                                              "a line was removed, inserted or moved there", number)
        if entry.get("prev") != prev:
            return Verdict(False, len(lines), f"line {number} does not follow the line before it: a line was "
                                              "removed, inserted or moved there", number)
        prev = claimed
    head = _read_head(project_dir)
    if head is not None:
        if head[0] > len(lines):
            return Verdict(False, len(lines), f"the log ends at line {len(lines)}, but {head[0]} lines were "
                                              "written: lines were cut off the end", len(lines) + 1)
        if head[0] == len(lines) and head[1] != prev:
            return Verdict(False, len(lines), f"line {len(lines)} is not the last line that was written",
                           len(lines))
    elif lines:
        return Verdict(False, len(lines), f"the head record ({HEAD_FILE}) is missing, so lines cut off the end "
                                          "could not be noticed", None)
    return Verdict(True, len(lines), "")
