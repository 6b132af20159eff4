"""The audit trail in plain words, for the Audit page: each event's details with the profile's names for kinds,
steps, roles, environments and audiences, yes/no for flags, dates as days, and keys and certificates by their kind
and short fingerprint — never an internal id (`k-…`, `p-…`, `c-…`, `step-2`). Qt-free, so it is tested headless.

Only what is shown changes: `audit.jsonl` and its check are untouched, and the page keeps the raw details in a
tooltip.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from wizard.core.algorithms import describe_algorithm, fingerprint_start
from wizard.core.errors import WizardError
from wizard.core.model import PORTAL_STATUS_WORDS, Project
from wizard.core.profile import Profile

_INTERNAL_ID = re.compile(r"^[a-z]-[0-9a-f]{4,}$")

STEP_STATUS_WORDS = {"not-started": "not started", "in-progress": "in progress", "done": "done"}
_KEY_STATE = {"pending": "waiting for its certificate", "active": "in use", "retired": "retired",
              "replacement": "replacement waiting for its certificate"}
# Where a key or secret is kept (the evidence pack says it in the same words).
VAULT_WORDS = {"keychain": "the computer's keychain", "file": "the passphrase-protected key file"}
_EVENTS = {"step status": "Step status changed"}
# What is said first (the audit file's keys are sorted by name); the rest follow in the file's order.
# What a reader looks for first comes first: the long fingerprints last, so a narrow column cuts off only them.
_ORDER = {key: n for n, key in enumerate(("kind", "step", "status", "name", "organisation", "environment", "audience",
                                          "dip_id", "mpid", "role_code", "dcp_id", "channel", "subject", "not_after",
                                          "algorithm", "state", "was", "fingerprint", "key"))}
# Events whose name already says the key's new state.
_STATE_IN_NAME = {"key in use", "key retired"}
# Details that only repeat an id whose meaning is already said by the other details.
_DROPPED = {"person", "item"}


def event_words(event: str) -> str:
    """The event's name, sentence case ("key generated" → "Key generated")."""
    words = _EVENTS.get(event, event)
    return words[:1].upper() + words[1:]


def detail_words(event: str, details: Mapping[str, Any], profile: Profile, project: Project | None) -> str:
    """The details of one event in words, "; " between them."""
    parts: list[str] = []
    for key, value in sorted(details.items(), key=lambda kv: _ORDER.get(kv[0], len(_ORDER))):
        if key in _DROPPED or value in (None, "", [], ()) or (key == "state" and event in _STATE_IN_NAME):
            continue
        if key == "key" and "fingerprint" in details:
            if event == "certificate imported":
                parts.append(f"for the key {_key(value, project)}")
            continue  # the key's fingerprint is said already
        text = _value(key, value, profile, project)
        if text:
            parts.append(text)
    return "; ".join(parts)


def raw_details(details: Mapping[str, Any]) -> str:
    """The details as recorded (for a tooltip)."""
    return ", ".join(f"{k}: {v}" for k, v in details.items())


def _value(key: str, value: Any, profile: Profile, project: Project | None) -> str:
    special = _SPECIAL.get(key)
    if special is not None:
        return special(value, profile, project)
    label = key.replace("_", " ")
    return f"{label}: {_plain(value)}" if label else _plain(value)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value if not _is_internal(v))
    if _is_internal(value):
        return "(recorded)"
    return str(value)


def _is_internal(value: Any) -> bool:
    return isinstance(value, str) and bool(_INTERNAL_ID.match(value))


def _lookup(fn: Callable[[str], str], value: str) -> str:
    try:
        return fn(value)
    except WizardError:
        return value


def _kind(value: Any, profile: Profile, _project: Project | None) -> str:
    return _lookup(lambda v: profile.certificate_kind(v).name, str(value))


def _step(value: Any, profile: Profile, _project: Project | None) -> str:
    return _lookup(lambda v: profile.step(v).heading, str(value))


def _roles(label: str) -> Callable[[Any, Profile, Project | None], str]:
    def words(value: Any, profile: Profile, _project: Project | None) -> str:
        names = [_lookup(lambda v: profile.role(v).name, str(r)) for r in value]
        return f"{label}: {', '.join(names)}"
    return words


def _key(value: Any, project: Project | None) -> str:
    """A key id as its kind's short fingerprint, or "an earlier key" once the project no longer has it."""
    for k in project.keys if project is not None else ():
        if k.id == value:
            return fingerprint_start(k.fingerprint)
    return "(no longer in the project)"


def _day(value: Any) -> str:
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} {day:%b %Y}"


def _field(label: str, fn: Callable[[Any], str]) -> Callable[[Any, Profile, Project | None], str]:
    return lambda value, _profile, _project: f"{label} {fn(value)}"


def _env(value: Any, profile: Profile, _project: Project | None) -> str:
    return "in " + _lookup(lambda v: profile.environment(v).name, str(value))


def _audience(value: Any, profile: Profile, _project: Project | None) -> str:
    return "for " + _lookup(lambda v: profile.audience(v).name, str(value))


_SPECIAL: dict[str, Callable[[Any, Profile, Project | None], str]] = {
    "kind": _kind,
    "name": lambda v, _p, _j: str(v),
    "step": _step,
    "status": _field("now", lambda v: STEP_STATUS_WORDS.get(str(v), str(v))),
    "fingerprint": _field("fingerprint", fingerprint_start),
    "algorithm": lambda v, _p, _j: describe_algorithm(str(v)),
    "vault": _field("kept in", lambda v: VAULT_WORDS.get(str(v), str(v))),
    "replaces": lambda v, _p, project: f"replaces the key {_key(v, project)}",
    "state": _field("now", lambda v: _KEY_STATE.get(str(v), str(v))),
    "was": _field("was", lambda v: _KEY_STATE.get(str(v), str(v))),
    "not_after": _field("expires", _day),
    "verified_on": _field("verified on", _day),
    "sha256": lambda v, _p, _j: fingerprint_start(str(v)),  # a saved file's (the evidence pack's) SHA-256
    "roles": _roles("roles"),
    "primary_roles": _roles("primary for"),
    "roles_before": _roles("roles before"),
    "portal_status": _field("DIP portal account:", lambda v: PORTAL_STATUS_WORDS.get(str(v), str(v))),
    "environment": _env,
    "audience": _audience,
    "confirmed": _field("confirmed:", _plain),
    "ok": lambda v, _p, _j: "passed" if v else "failed",
    "found": lambda v, _p, _j: "the TXT value was found" if v else "the TXT value was not found",
    "with_key": lambda v, _p, _j: "holds the private key" if v else "no private key in it",
    "dip_id": _field("DIP ID", str),
    "dcp_id": _field("DCP ID", str),
    "mpid": _field("MPID", str),
    "role_code": _field("role code", str),
    "company_number": _field("company number", str),
    "is_dcp": lambda v, _p, _j: "a DCP" if v else "not a DCP",
}
