"""Project persistence: one versioned JSON file per project folder, written atomically.

Older format versions are migrated step by step after a backup copy is written beside the file; newer ones
are refused; a damaged file is reported and never overwritten.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import errno
import json
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wizard import __version__
from wizard.core.errors import (
    InvalidInput,
    ProjectChanged,
    ProjectDamaged,
    ProjectError,
    ProjectExists,
    ProjectNotFound,
    ProjectTooNew,
)
from wizard.core.files import atomic_write, locked, remove_stale_temp_files
from wizard.core.model import (
    KEY_STATES,
    PORTAL_STATUSES,
    STEP_STATUSES,
    VAULTS,
    CertificateRecord,
    Channel,
    ChecklistItem,
    DipId,
    DomainTxt,
    FolderHome,
    KeyIntent,
    KeyRecord,
    MarketParticipant,
    Organisation,
    Person,
    Project,
    StepProgress,
    StoredSecret,
)

PROJECT_FILE = "project.json"
MAX_REVISION = 2**53  # saves a project could ever see; more is damage
FORMAT_NAME = "dip-onboarding-project"
FORMAT_VERSION = 6
MAX_PROJECT_BYTES = 5 * 1024 * 1024

Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _v1_to_v2(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 2 records keys and stored secrets. The version number changed so that a wizard that knows only
    version 1 refuses these files instead of saving over them without their keys."""
    project = dict(doc["project"])
    project.setdefault("keys", [])
    project.setdefault("atlas_credentials", None)
    return {**doc, "project": project}


def _v2_to_v3(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 3 records imported certificates."""
    project = dict(doc["project"])
    project.setdefault("certificates", [])
    return {**doc, "project": project}


def _v3_to_v4(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 4 records DIP IDs, message channels, added role codes, the domain TXT value and a checklist."""
    project = dict(doc["project"])
    for name in ("dip_ids", "channels", "role_codes", "checklist"):
        project.setdefault(name, [])
    project.setdefault("domain_txt", None)
    return {**doc, "project": project}


def _v4_to_v5(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 5 gives each key its lifecycle state and the project an identity (assigned at the first open, with
    its keychain entries copied under it: wizard/actions/opening.py). A version-4 kind held at most its key in use
    (the newest with a certificate) and one replacement waiting for its certificate."""
    project = dict(doc["project"])
    keys = [dict(k) for k in project.get("keys", []) if isinstance(k, dict)]
    certified = {c.get("key_id") for c in project.get("certificates", []) if isinstance(c, dict)}
    active: dict[object, object] = {}
    for k in keys:
        if k.get("id") in certified:
            active[k.get("kind")] = k.get("id")  # the newest certified key of its kind
    for k in keys:
        k["state"] = "active" if active.get(k.get("kind")) == k.get("id") else \
            "retired" if k.get("id") in certified else "pending"
    project["keys"] = keys
    project.setdefault("identity", "")
    project.setdefault("home", None)
    project.setdefault("key_intents", [])
    return {**doc, "project": project}


def _v5_to_v6(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 6 records the day the domain was verified (not known for older projects)."""
    project = dict(doc["project"])
    project.setdefault("domain_verified_on", None)
    return {**doc, "project": project}


# MIGRATIONS[n] turns a version-n document into a version-(n + 1) one.
MIGRATIONS: dict[int, Migration] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4, 4: _v4_to_v5, 5: _v5_to_v6}


def project_file(folder: Path) -> Path:
    return folder / PROJECT_FILE


def _reason(exc: OSError) -> str:
    """What went wrong with a file operation, in plain words."""
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno == errno.EROFS:
        return "that place is read-only"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "you do not have permission to write there"
    if isinstance(exc, FileExistsError | NotADirectoryError):
        return "a file is in the way where a folder should be"
    return str(exc.strerror or exc)


def create_project(folder: Path, project: Project) -> None:
    """Save a new project into `folder` (made if missing); refuses a folder that already holds one."""
    if project_file(folder).exists():
        raise ProjectExists(f"{folder} already holds an onboarding project. Open it instead, or choose an "
                            "empty folder for a new one.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with _locked(folder):
            atomic_write(project_file(folder), _encode(_document(project, revision=1)))
    except OSError as exc:
        raise ProjectError(f"Could not create the project in {folder}: {_reason(exc)}. Nothing was saved.") from exc


def save_project(folder: Path, project: Project, now: dt.datetime, *,
                 expected_revision: int | None = None) -> Project:
    """Write the project, stamping `updated_at`; returns the project as saved.

    With `expected_revision`, refuses (`ProjectChanged`) when the file was saved by someone else since it was
    read, so two windows or commands working on one project never silently undo each other's changes.
    """
    saved = Project(**{**_fields(project), "updated_at": now})
    try:
        with _locked(folder):
            if not project_file(folder).exists():
                raise ProjectNotFound(f"There is no onboarding project in {folder} any more; it may have been "
                                      "moved or deleted. Nothing was saved.")
            _, current = open_project(folder, persist=False)
            if expected_revision is not None and current != expected_revision:
                raise ProjectChanged(f"The project in {folder} was changed elsewhere (another window or command) "
                                     "after you opened it, so your last change was not saved. Open the project "
                                     "again and redo that change.")
            atomic_write(project_file(folder), _encode(_document(saved, revision=current + 1)))
    except OSError as exc:
        raise ProjectError(f"Could not save the project to {folder}: {_reason(exc)}. The last saved copy is "
                           "unchanged.") from exc
    return saved


def load_project(folder: Path, *, migrations: dict[int, Migration] | None = None,
                 current_version: int = FORMAT_VERSION, persist: bool = True) -> Project:
    """Read a project folder; see `open_project`."""
    return open_project(folder, migrations=migrations, current_version=current_version, persist=persist)[0]


def open_project(folder: Path, *, migrations: dict[int, Migration] | None = None,
                 current_version: int = FORMAT_VERSION, persist: bool = True) -> tuple[Project, int]:
    """Read a project folder and its revision number; refuses damaged and newer files, changing nothing.

    An older file is migrated in memory and checked; only then (with `persist`) is a backup copy written and
    the file saved in the new format.
    """
    path = project_file(folder)
    raw = _read_limited(folder, path)
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _damaged(path, f"it is not valid JSON ({exc})") from None
    except RecursionError:
        raise _damaged(path, "it is nested too deeply to be a project file") from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise _damaged(path, "a number in it is far too long to be a project's") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
        raise _damaged(path, "it is not a DIP onboarding project file")
    version = doc.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _damaged(path, "its format version is missing or wrong")
    if version > current_version:
        shown = str(version) if version < 10**6 else "a much later one"
        raise ProjectTooNew(f"{path} was saved by a newer version of the wizard (project format {shown}; this "
                            f"version reads up to {current_version}). Install the newer version to open it. "
                            "The file has not been changed.")
    if version < current_version:
        doc = _migrate(path, copy.deepcopy(doc), version, current_version,
                       MIGRATIONS if migrations is None else migrations)
    revision = doc.get("revision", 0)
    if isinstance(revision, bool) or not isinstance(revision, int) or not 0 <= revision <= MAX_REVISION:
        raise _damaged(path, "its revision number is wrong")
    try:
        project = _from_doc(doc["project"])
    except _Bad as exc:
        raise _damaged(path, str(exc)) from None
    except KeyError:
        raise _damaged(path, "it has no project section") from None
    if version < current_version and persist:
        _persist_migration(folder, path, raw, doc, version)
    remove_stale_temp_files(folder, PROJECT_FILE)
    return project, revision


def _read_limited(folder: Path, path: Path) -> bytes:
    """The file's bytes, refusing anything but a regular file of sensible size (never a device or a pipe)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise _damaged(path, "it is not an ordinary file")
        with path.open("rb") as handle:
            raw = handle.read(MAX_PROJECT_BYTES + 1)
    except FileNotFoundError:
        raise ProjectNotFound(f"There is no onboarding project in {folder} (no {PROJECT_FILE}).") from None
    except OSError as exc:
        raise ProjectError(f"Could not read {path}: {_reason(exc)}.") from exc
    if len(raw) > MAX_PROJECT_BYTES:
        raise _damaged(path, "it is far larger than any project file")
    return raw


def _migrate(path: Path, doc: dict[str, Any], version: int, target: int,
             migrations: dict[int, Migration]) -> dict[str, Any]:
    for v in range(version, target):
        step = migrations.get(v)
        if step is None:
            raise ProjectError(f"This version of the wizard cannot update project format {v}. "
                               "The file has not been changed.")
        try:
            doc = step(doc)
        except (KeyError, TypeError, ValueError) as exc:
            raise _damaged(path, f"it could not be updated from format {v} ({exc})") from None
        doc["format_version"] = v + 1
    return doc


def _persist_migration(folder: Path, path: Path, raw: bytes, doc: dict[str, Any], version: int) -> None:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    backup = folder / f"project.v{version}.{stamp}.json"
    try:
        with _locked(folder):
            atomic_write(backup, raw)
            atomic_write(path, _encode(doc))
    except OSError as exc:
        raise ProjectError(f"Could not save the updated project to {path}: {_reason(exc)}. "
                           "The original is unchanged.") from exc


LOCK_FILE = ".project.lock"


def _locked(folder: Path) -> contextlib.AbstractContextManager[None]:
    return locked(folder / LOCK_FILE, busy_message=f"The project in {folder} is being saved by another window or "
                                                   "command. Nothing was changed; try again in a moment.")


def _damaged(path: Path, why: str) -> ProjectDamaged:
    return ProjectDamaged(f"The project file {path} is damaged: {why}. It has been left exactly as it is; "
                          "restore it from a backup, or start a new project in another folder.")


def _document(project: Project, *, revision: int) -> dict[str, Any]:
    return {"format": FORMAT_NAME, "format_version": FORMAT_VERSION, "written_by": __version__,
            "revision": revision, "project": _to_doc(project)}


def _encode(doc: dict[str, Any]) -> bytes:
    return (json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


def _fields(project: Project) -> dict[str, Any]:
    return {name: getattr(project, name) for name in Project.__dataclass_fields__}


def _to_doc(p: Project) -> dict[str, Any]:
    o = p.organisation
    return {
        "profile_id": p.profile_id,
        "environment": p.environment,
        "created_at": p.created_at.isoformat(),
        "updated_at": p.updated_at.isoformat(),
        "promoted_from": p.promoted_from,
        "organisation": {"name": o.name, "company_number": o.company_number, "domain": o.domain,
                         "description": o.description, "is_dcp": o.is_dcp},
        "mpids": [{"mpid": m.mpid, "role_codes": list(m.role_codes)} for m in p.mpids],
        "people": [{"id": x.id, "name": x.name, "email": x.email, "phone": x.phone, "job_title": x.job_title,
                    "roles": list(x.roles), "primary_roles": list(x.primary_roles), "external": x.external,
                    "portal_status": x.portal_status} for x in p.people],
        "progress": [{"step_id": s.step_id, "status": s.status,
                      "started_on": s.started_on.isoformat() if s.started_on else None,
                      "done_on": s.done_on.isoformat() if s.done_on else None, "note": s.note}
                     for s in p.progress],
        "notes": dict(p.notes),
        "keys": [{"id": k.id, "kind": k.kind, "algorithm": k.algorithm, "fingerprint": k.fingerprint,
                  "created_at": k.created_at.isoformat(), "vault": k.vault, "replaces": k.replaces,
                  "csr_pem": k.csr_pem,
                  "csr_exported_at": k.csr_exported_at.isoformat() if k.csr_exported_at else None,
                  "state": k.state, "entry": k.entry, "brought_in": k.brought_in}
                 for k in p.keys],
        "atlas_credentials": None if p.atlas_credentials is None else {
            "id": p.atlas_credentials.id, "vault": p.atlas_credentials.vault,
            "saved_at": p.atlas_credentials.saved_at.isoformat(), "entry": p.atlas_credentials.entry},
        "certificates": [{"id": c.id, "kind": c.kind, "key_id": c.key_id, "pem": c.pem, "chain_pem": c.chain_pem,
                          "fingerprint": c.fingerprint, "subject": c.subject, "issuer": c.issuer,
                          "not_before": c.not_before.isoformat(), "not_after": c.not_after.isoformat(),
                          "imported_at": c.imported_at.isoformat()} for c in p.certificates],
        "dip_ids": [{"id": d.id, "mpid": d.mpid, "role_code": d.role_code, "dcp_id": d.dcp_id,
                     "confirmed": d.confirmed} for d in p.dip_ids],
        "channels": [{"dip_id": c.dip_id, "channel": c.channel, "url": c.url, "confirmed": c.confirmed}
                     for c in p.channels],
        "role_codes": list(p.role_codes),
        "domain_txt": None if p.domain_txt is None else {"value": p.domain_txt.value,
                                                         "captured_at": p.domain_txt.captured_at.isoformat()},
        "domain_verified_on": p.domain_verified_on.isoformat() if p.domain_verified_on else None,
        "checklist": [{"id": i.id, "text": i.text, "done": i.done,
                       "done_at": i.done_at.isoformat() if i.done_at else None} for i in p.checklist],
        "identity": p.identity,
        "home": None if p.home is None else {"path": p.home.path, "file_id": p.home.file_id},
        "key_intents": [{"id": t.id, "kind": t.kind, "entry": t.entry, "vault": t.vault,
                         "started_at": t.started_at.isoformat()} for t in p.key_intents],
    }


class _Bad(Exception):
    """A value in the document has the wrong shape; the message names where."""


class _Reader:
    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, dict):
            raise _Bad(f"{where or 'project'} should be an object")
        self.data = data
        self.where = where

    def _at(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def text(self, key: str, default: str | None = None) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise _Bad(f"{self._at(key)} should be text")
        return value

    def opt_text(self, key: str) -> str | None:
        value = self.data.get(key)
        return None if value is None else self.text(key)

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise _Bad(f"{self._at(key)} should be true or false")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _Bad(f"{self._at(key)} should be a list of text")
        return tuple(value)

    def items(self, key: str) -> list[_Reader]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise _Bad(f"{self._at(key)} should be a list")
        return [_Reader(v, f"{self._at(key)}[{i}]") for i, v in enumerate(value)]

    def when(self, key: str) -> dt.datetime:
        try:
            value = dt.datetime.fromisoformat(self.text(key))
        except ValueError:
            raise _Bad(f"{self._at(key)} is not a date and time") from None
        if value.tzinfo is None:
            raise _Bad(f"{self._at(key)} has no time zone")
        return value

    def opt_when(self, key: str) -> dt.datetime | None:
        return None if self.data.get(key) is None else self.when(key)

    def day(self, key: str) -> dt.date | None:
        raw = self.opt_text(key)
        if raw is None:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise _Bad(f"{self._at(key)} is not a date") from None

    def choice(self, key: str, allowed: tuple[str, ...], default: str) -> str:
        value = self.text(key, default)
        if value not in allowed:
            raise _Bad(f"{self._at(key)} should be one of {', '.join(allowed)}")
        return value


def _valid(where: str, check: Callable[[str], object], value: str) -> None:
    """`value` passes the rule it passed when it was typed; otherwise the file was edited or damaged."""
    from wizard.core.shown import shown

    try:
        check(value)
    except InvalidInput as exc:
        raise _Bad(f"{where} is not valid: {shown(exc)}") from None


def _check_values(p: Project) -> None:
    """The same rules as on entry (validation.py), so an edited project file is trusted no more than typing is: a
    domain of `-f/etc/passwd` or a name holding a newline is refused as damage, naming the field."""
    from wizard.core.validation import (
        MAX_NAME,
        clean_text,
        normalise_company_number,
        normalise_domain,
        normalise_email,
        normalise_mpid,
        normalise_phone,
    )

    def text(label: str, *, required: bool = True, limit: int = MAX_NAME) -> Callable[[str], object]:
        def check(value: str) -> object:
            if value != " ".join(value.split()):
                raise InvalidInput("text", f"The {label} has line breaks or other spacing that cannot be typed.")
            return clean_text("text", value, label=label, required=required, limit=limit)
        return check

    def hex64(value: str) -> object:
        if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
            raise InvalidInput("fingerprint", "A fingerprint is 64 lower-case hexadecimal digits.")
        return value

    def one_line(value: str) -> object:
        from wizard.core.shown import is_plain

        if not is_plain(value):
            raise InvalidInput("text", "It holds control or invisible characters.")
        return value

    def entry_name(value: str) -> object:
        # A keychain entry name is ours to delete only when it carries the identity: nothing else may get in.
        if len(value) > 80 or any(c not in "abcdefghijklmnopqrstuvwxyz0123456789-/" for c in value):
            raise InvalidInput("text", "It is not a name this wizard gives keychain entries.")
        return value

    o = p.organisation
    _valid("organisation.name", text("registered company name"), o.name)
    _valid("organisation.company_number", normalise_company_number, o.company_number)
    _valid("organisation.domain", normalise_domain, o.domain)
    _valid("organisation.description", text("company description", required=False, limit=1000), o.description)
    for i, m in enumerate(p.mpids):
        _valid(f"mpids[{i}].mpid", normalise_mpid, m.mpid)
        for j, code in enumerate(m.role_codes):
            _valid(f"mpids[{i}].role_codes[{j}]", normalise_mpid, code)
    for i, person in enumerate(p.people):
        _valid(f"people[{i}].name", text("person's full name"), person.name)
        _valid(f"people[{i}].email", normalise_email, person.email)
        _valid(f"people[{i}].phone", normalise_phone, person.phone)
        _valid(f"people[{i}].job_title", text("job title", required=False), person.job_title)
    for i, k in enumerate(p.keys):
        _valid(f"keys[{i}].fingerprint", hex64, k.fingerprint)
        _valid(f"keys[{i}].id", one_line, k.id)
        _valid(f"keys[{i}].entry", entry_name, k.entry)
    for i, t in enumerate(p.key_intents):
        _valid(f"key_intents[{i}].entry", entry_name, t.entry)
    if p.atlas_credentials is not None:
        _valid("atlas_credentials.entry", entry_name, p.atlas_credentials.entry)
    _valid("identity", entry_name, p.identity)
    for i, c in enumerate(p.certificates):
        _valid(f"certificates[{i}].fingerprint", hex64, c.fingerprint)
    for i, d in enumerate(p.dip_ids):
        for name in ("id", "mpid", "role_code"):
            _valid(f"dip_ids[{i}].{name}", one_line, getattr(d, name))
    for i, ch in enumerate(p.channels):
        _valid(f"channels[{i}].url", one_line, ch.url)
        _valid(f"channels[{i}].channel", one_line, ch.channel)
    if p.domain_txt is not None:
        _valid("domain_txt.value", one_line, p.domain_txt.value)


def _from_doc(data: object) -> Project:
    project = _build(data)
    _check_values(project)
    return project


def _build(data: object) -> Project:
    r = _Reader(data, "")
    org = _Reader(r.data.get("organisation"), "organisation")
    notes = r.data.get("notes", {})
    if not isinstance(notes, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in notes.items()):
        raise _Bad("notes should map text to text")
    people = tuple(
        Person(id=x.text("id"), name=x.text("name"), email=x.text("email"), phone=x.text("phone", ""),
               job_title=x.text("job_title", ""), roles=x.texts("roles"), primary_roles=x.texts("primary_roles"),
               external=x.flag("external"), portal_status=x.choice("portal_status", PORTAL_STATUSES, "planned"))
        for x in r.items("people")
    )
    if len({p.id for p in people}) != len(people):
        raise _Bad("two people share the same id")
    keys = tuple(
        KeyRecord(id=k.text("id"), kind=k.text("kind"), algorithm=k.text("algorithm"),
                  fingerprint=k.text("fingerprint"), created_at=k.when("created_at"),
                  vault=k.choice("vault", VAULTS, "keychain"), replaces=k.opt_text("replaces"),
                  csr_pem=k.opt_text("csr_pem"), csr_exported_at=k.opt_when("csr_exported_at"),
                  state=k.choice("state", KEY_STATES, "pending"), entry=k.text("entry", ""),
                  brought_in=k.flag("brought_in"))
        for k in r.items("keys")
    )
    if len({k.id for k in keys}) != len(keys):
        raise _Bad("two keys share the same id")
    atlas = None
    if r.data.get("atlas_credentials") is not None:
        a = _Reader(r.data["atlas_credentials"], "atlas_credentials")
        atlas = StoredSecret(a.text("id"), a.choice("vault", VAULTS, "keychain"), a.when("saved_at"),
                             a.text("entry", ""))
    certificates = tuple(
        CertificateRecord(id=c.text("id"), kind=c.text("kind"), key_id=c.text("key_id"), pem=c.text("pem"),
                          chain_pem=c.text("chain_pem", ""), fingerprint=c.text("fingerprint"),
                          subject=c.text("subject", ""), issuer=c.text("issuer", ""),
                          not_before=c.when("not_before"), not_after=c.when("not_after"),
                          imported_at=c.when("imported_at"))
        for c in r.items("certificates")
    )
    dip_ids = tuple(DipId(d.text("id"), d.text("mpid"), d.text("role_code"), d.opt_text("dcp_id"),
                          d.flag("confirmed", True)) for d in r.items("dip_ids"))
    if len({d.id for d in dip_ids}) != len(dip_ids):
        raise _Bad("two DIP IDs are the same")
    channels = tuple(Channel(c.text("dip_id"), c.text("channel"), c.text("url"), c.flag("confirmed", True))
                     for c in r.items("channels"))
    if len({c.id for c in channels}) != len(channels):
        raise _Bad("a message channel is listed twice for one DIP ID")
    txt = None
    if r.data.get("domain_txt") is not None:
        t = _Reader(r.data["domain_txt"], "domain_txt")
        txt = DomainTxt(t.text("value"), t.when("captured_at"))
    checklist = tuple(ChecklistItem(i.text("id"), i.text("text"), i.flag("done"), i.opt_when("done_at"))
                      for i in r.items("checklist"))
    home = None
    if r.data.get("home") is not None:
        h = _Reader(r.data["home"], "home")
        home = FolderHome(h.text("path"), h.text("file_id"))
    intents = tuple(KeyIntent(t.text("id"), t.text("kind"), t.text("entry"), t.choice("vault", VAULTS, "keychain"),
                              t.when("started_at")) for t in r.items("key_intents"))
    return Project(
        profile_id=r.text("profile_id"),
        environment=r.text("environment"),
        created_at=r.when("created_at"),
        updated_at=r.when("updated_at"),
        promoted_from=r.opt_text("promoted_from"),
        organisation=Organisation(name=org.text("name"), company_number=org.text("company_number"),
                                  domain=org.text("domain"), description=org.text("description", ""),
                                  is_dcp=org.flag("is_dcp")),
        mpids=tuple(MarketParticipant(m.text("mpid"), m.texts("role_codes")) for m in r.items("mpids")),
        people=people,
        progress=tuple(StepProgress(s.text("step_id"), s.choice("status", STEP_STATUSES, "not-started"),
                                    s.day("started_on"), s.day("done_on"), s.text("note", ""))
                       for s in r.items("progress")),
        notes=dict(notes),
        keys=keys,
        atlas_credentials=atlas,
        certificates=certificates,
        dip_ids=dip_ids,
        channels=channels,
        role_codes=r.texts("role_codes"),
        domain_txt=txt,
        domain_verified_on=r.day("domain_verified_on"),
        checklist=checklist,
        identity=r.text("identity", ""),
        home=home,
        key_intents=intents,
    )
