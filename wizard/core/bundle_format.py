"""Handoff bundle format v1: the manifest, its fingerprint, safe member names and the limits a reader enforces.

A bundle is one zip file holding `manifest.json` and the files it lists, each with its size and SHA-256. The
manifest's own bytes are what the fingerprint is taken over, so a person can compare a short code by phone and
know that every file is the one the sender made.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from wizard.core.errors import WizardError

FORMAT_NAME = "dip-onboarding-handoff-bundle"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"

# Limits, for writing and reading alike. A real bundle is tens of kilobytes: a few certificates, CSRs, a PFX and
# two instruction files. The caps are generous for that and far below anything that could fill a disk.
MAX_BUNDLE_BYTES = 16 * 1024 * 1024    # the zip file itself
MAX_MEMBER_BYTES = 4 * 1024 * 1024     # one file, uncompressed
MAX_TOTAL_BYTES = 16 * 1024 * 1024     # all files, uncompressed
MAX_MEMBERS = 200
MAX_MANIFEST_BYTES = 256 * 1024
MAX_RATIO = 50                         # uncompressed / compressed; text compresses ~5x, a zip bomb ~1000x
RATIO_FLOOR_BYTES = 4096               # below this a file cannot be a bomb, whatever its ratio
MAX_NAME = 160
FINGERPRINT_CHARS = 20                 # base32: 5 bits each, so 100 bits in five groups of four


class BundleError(WizardError):
    """A bundle that cannot be written, or one that is damaged or hostile; nothing was written outside the target."""


@dataclass(frozen=True, slots=True)
class FileEntry:
    name: str
    size: int
    sha256: str
    description: str
    contains_key: bool = False


@dataclass(frozen=True, slots=True)
class Manifest:
    tool_version: str
    created_at: dt.datetime
    organisation: dict[str, str]
    environment: dict[str, str]
    audience: dict[str, str]
    files: tuple[FileEntry, ...]
    format_version: int = FORMAT_VERSION

    def entry(self, name: str) -> FileEntry:
        for f in self.files:
            if f.name == name:
                return f
        raise BundleError(f"The bundle lists no file named {name}.")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fingerprint(manifest_bytes: bytes) -> str:
    """A short code for the exact manifest bytes, e.g. `7KQ2-M9XD-...`: base32 of SHA-256, 100 bits in groups."""
    code = base64.b32encode(hashlib.sha256(manifest_bytes).digest()).decode("ascii")[:FINGERPRINT_CHARS]
    return "-".join(code[i:i + 4] for i in range(0, FINGERPRINT_CHARS, 4))


def manifest_bytes(manifest: Manifest) -> bytes:
    """The manifest as written: sorted keys, ASCII, so the same manifest always gives the same fingerprint."""
    data = {
        "format": FORMAT_NAME,
        "format_version": manifest.format_version,
        "tool_version": manifest.tool_version,
        "created_at": manifest.created_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "organisation": manifest.organisation,
        "environment": manifest.environment,
        "audience": manifest.audience,
        "files": [{"name": f.name, "size": f.size, "sha256": f.sha256, "description": f.description,
                   "contains_key": f.contains_key} for f in manifest.files],
    }
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=True) + "\n").encode("ascii")


_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))})


def check_name(name: str) -> str:
    """`name` if it is a safe relative path inside a bundle; otherwise `BundleError` saying what is wrong.

    Only plain ASCII parts separated by `/`: no absolute paths, drive letters, backslashes, `..`, empty parts,
    hidden files or names Windows reserves, so a name means the same place on every system.
    """
    shown = repr(name)[1:-1][:80]
    if not name or len(name) > MAX_NAME:
        raise BundleError(f'The bundle holds a file with an empty or overlong name ("{shown}"), so it was refused.')
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        raise BundleError(f'The bundle holds a file with an absolute path ("{shown}"), which could write outside '
                          "the folder it is opened into, so it was refused.")
    if "\\" in name or any(part == ".." for part in name.split("/")):
        raise BundleError(f'The bundle holds a file whose name climbs out of its folder ("{shown}"), so it was '
                          "refused.")
    parts = name.split("/")
    if len(parts) > 3 or not all(_PART.fullmatch(p) for p in parts) or any(
            p.split(".")[0].upper() in _RESERVED for p in parts):
        raise BundleError(f'The bundle holds a file with a name this wizard never writes ("{shown}"), so it was '
                          "refused.")
    return name


def name_key(name: str) -> str:
    """Two names that would be the same file on Windows or macOS (case-insensitive) have the same key."""
    return unicodedata.normalize("NFC", name).casefold()


def parse_manifest(raw: bytes) -> Manifest:
    """Read a manifest strictly; a newer format version gets its own message."""
    damaged = "The bundle's manifest is damaged"
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise BundleError(f"{damaged} (it is not JSON), so nothing in it can be trusted.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise BundleError("This is not a handoff bundle from the DIP Onboarding Wizard (its manifest names another "
                          "format).")
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BundleError(f"{damaged} (its format version is missing or not a whole number).")
    if version > FORMAT_VERSION:
        raise BundleError(f"This bundle was made by a newer version of the wizard (bundle format {version}; this "
                          f"wizard reads format {FORMAT_VERSION}). Install a newer version of the wizard to open it.")
    expected = {"format", "format_version", "tool_version", "created_at", "organisation", "environment", "audience",
                "files"}
    if set(data) != expected:
        raise BundleError(f"{damaged} (it has the fields {', '.join(sorted(set(data) ^ expected))} where format "
                          f"{FORMAT_VERSION} does not).")
    try:
        created = dt.datetime.fromisoformat(_text(data, "created_at").replace("Z", "+00:00"))
    except ValueError:
        raise BundleError(f"{damaged} (its creation time is not a date and time).") from None
    if created.tzinfo is None:
        raise BundleError(f"{damaged} (its creation time has no time zone).")
    files_raw = data["files"]
    if not isinstance(files_raw, list) or len(files_raw) > MAX_MEMBERS:
        raise BundleError(f"{damaged} (its file list is missing or far too long).")
    files = tuple(_entry(item, damaged) for item in files_raw)
    return Manifest(_text(data, "tool_version"), created, _texts(data, "organisation", damaged),
                    _texts(data, "environment", damaged), _texts(data, "audience", damaged), files, version)


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or len(value) > 4096:
        raise BundleError(f"The bundle's manifest is damaged ({key} is not text).")
    return value


def _texts(data: dict[str, Any], key: str, damaged: str) -> dict[str, str]:
    value = data.get(key)
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) and len(v) <= 4096
                                              for k, v in value.items()) or "id" not in value:
        raise BundleError(f"{damaged} ({key} is not a set of named texts with an id).")
    return dict(value)


def _entry(item: object, damaged: str) -> FileEntry:
    if not isinstance(item, dict) or set(item) != {"name", "size", "sha256", "description", "contains_key"}:
        raise BundleError(f"{damaged} (a file entry does not have exactly a name, size, SHA-256, description and "
                          "whether it holds a key).")
    size, digest, key = item["size"], item["sha256"], item["contains_key"]
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_MEMBER_BYTES:
        raise BundleError(f"{damaged} (a file's size is not a whole number within the limit).")
    if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise BundleError(f"{damaged} (a file's SHA-256 is not 64 hexadecimal digits).")
    if not isinstance(key, bool):
        raise BundleError(f"{damaged} (whether a file holds a key is not true or false).")
    name = _text(item, "name")
    return FileEntry(check_name(name), size, digest, _text(item, "description"), key)
