"""Handoff bundle format v2: the manifest, its fingerprint, safe member names and the limits a reader enforces.

A bundle is one zip file holding `manifest.json` and the files it lists, each with its size, SHA-256 and what it is
(`FileKind`, and the certificate kind it belongs to), so no reader has to guess a file's meaning from its name. The
manifest's own bytes are what the fingerprint is taken over, so a person can compare a short code by phone and know
that every file is the one the sender made. Format 1 manifests (no kinds) are still read: `_kind_of_v1_file`
gives their files a kind once, from the names the format 1 writer used.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from wizard.core.errors import WizardError

FORMAT_NAME = "dip-onboarding-handoff-bundle"
FORMAT_VERSION = 2
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


class FileKind(StrEnum):
    """What a file in a bundle is: a closed set, so a manifest that names any other kind is refused."""

    INSTRUCTIONS_HTML = "instructions-html"
    INSTRUCTIONS_TEXT = "instructions-text"
    FULLCHAIN = "fullchain"  # before CERTIFICATE: format 1's "certificates/{}.pem" would also match its names
    CERTIFICATE = "certificate"
    CSR = "csr"
    OPENSSL_CONFIG = "openssl-config"
    OPENSSL_COMMANDS = "openssl-commands"
    PFX = "pfx"
    DIP_IDS = "dip-ids"
    CHANNELS = "channels"
    REMINDERS = "reminders"

    @property
    def content(self) -> str:
        """What an audience must receive (`profile.BUNDLE_CONTENTS`, or "instructions") for the file to go in."""
        return _FACTS[self].content

    @property
    def words(self) -> str:
        """What the file is, in plain words."""
        return _FACTS[self].words

    @property
    def holds_key(self) -> bool:
        return _FACTS[self].holds_key

    @property
    def per_certificate(self) -> bool:
        """Whether a file of this kind belongs to one certificate kind (and so names it in the manifest)."""
        return "{}" in _FACTS[self].template

    @property
    def extension(self) -> str:
        return "." + _FACTS[self].template.rsplit(".", 1)[1]

    def file_name(self, certificate_kind: str | None = None) -> str:
        """The name the wizard gives a file of this kind (for `certificate_kind`, if it belongs to one)."""
        template = _FACTS[self].template
        if self.per_certificate != (certificate_kind is not None):
            raise ValueError(f"{self}: certificate kind {certificate_kind!r}")
        return template.format(certificate_kind) if certificate_kind is not None else template


@dataclass(frozen=True, slots=True)
class _Facts:
    content: str
    template: str  # the wizard's name for such a file; "{}" is the certificate kind's id
    words: str
    holds_key: bool = False


_FACTS = {
    FileKind.INSTRUCTIONS_HTML: _Facts("instructions", "instructions.html", "instructions (to open in a browser)"),
    FileKind.INSTRUCTIONS_TEXT: _Facts("instructions", "instructions.txt", "instructions (plain text)"),
    FileKind.FULLCHAIN: _Facts("certificates", "certificates/{}-fullchain.pem", "certificate with its chain (PEM)"),
    FileKind.CERTIFICATE: _Facts("certificates", "certificates/{}.pem", "certificate (PEM)"),
    FileKind.CSR: _Facts("csrs", "csrs/{}.csr.pem", "certificate signing request (CSR)"),
    FileKind.OPENSSL_CONFIG: _Facts("csrs", "csrs/{}.cnf", "OpenSSL config for a CSR"),
    FileKind.OPENSSL_COMMANDS: _Facts("csrs", "csrs/{}.openssl.txt", "OpenSSL commands for a CSR"),
    FileKind.PFX: _Facts("pfx", "pfx/{}.pfx", "certificate with its private key (PFX, password-protected)",
                         holds_key=True),
    FileKind.DIP_IDS: _Facts("tables", "dip-ids.csv", "DIP IDs (CSV)"),
    FileKind.CHANNELS: _Facts("tables", "message-channels.csv", "message channels and webhooks (CSV)"),
    FileKind.REMINDERS: _Facts("reminders", "certificate-reminders.ics", "renewal reminders (calendar)"),
}


@dataclass(frozen=True, slots=True)
class FileEntry:
    name: str
    size: int
    sha256: str
    description: str  # the sender's words
    kind: FileKind
    certificate_kind: str | None = None  # the certificate kind's id, for the kinds that belong to one

    @property
    def contains_key(self) -> bool:
        return self.kind.holds_key


@dataclass(frozen=True, slots=True)
class SenderOrganisation:
    """The sending organisation, as its project names it."""

    id: str  # the Companies House number
    name: str
    domain: str


@dataclass(frozen=True, slots=True)
class Party:
    """The environment or the audience of a bundle: the sender's profile's id and name for it."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Manifest:
    tool_version: str
    created_at: dt.datetime
    organisation: SenderOrganisation
    environment: Party
    audience: Party
    files: tuple[FileEntry, ...]
    format_version: int = FORMAT_VERSION  # as read; always written as FORMAT_VERSION


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fingerprint(manifest_bytes: bytes) -> str:
    """A short code for the exact manifest bytes, e.g. `7KQ2-M9XD-...`: base32 of SHA-256, 100 bits in groups."""
    code = base64.b32encode(hashlib.sha256(manifest_bytes).digest()).decode("ascii")[:FINGERPRINT_CHARS]
    return "-".join(code[i:i + 4] for i in range(0, FINGERPRINT_CHARS, 4))


def manifest_bytes(manifest: Manifest) -> bytes:
    """The manifest as written: sorted keys, ASCII, so the same manifest always gives the same fingerprint."""
    org, env, audience = manifest.organisation, manifest.environment, manifest.audience
    data = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "tool_version": manifest.tool_version,
        "created_at": manifest.created_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "organisation": {"id": org.id, "name": org.name, "domain": org.domain},
        "environment": {"id": env.id, "name": env.name},
        "audience": {"id": audience.id, "name": audience.name},
        "files": [{"name": f.name, "size": f.size, "sha256": f.sha256, "description": f.description,
                   "kind": str(f.kind), "certificate_kind": f.certificate_kind, "contains_key": f.contains_key}
                  for f in manifest.files],
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
    """Read a manifest strictly; a newer format version gets its own message, format 1 is read as it was written."""
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
                          f"{version} does not).")
    try:
        created = dt.datetime.fromisoformat(_text(data, "created_at").replace("Z", "+00:00"))
    except ValueError:
        raise BundleError(f"{damaged} (its creation time is not a date and time).") from None
    if created.tzinfo is None:
        raise BundleError(f"{damaged} (its creation time has no time zone).")
    files_raw = data["files"]
    if not isinstance(files_raw, list) or len(files_raw) > MAX_MEMBERS:
        raise BundleError(f"{damaged} (its file list is missing or far too long).")
    files = tuple(_entry(item, version, damaged) for item in files_raw)
    org = _texts(data, "organisation", ("id", "name", "domain"), damaged)
    env = _texts(data, "environment", ("id", "name"), damaged)
    audience = _texts(data, "audience", ("id", "name"), damaged)
    return Manifest(_text(data, "tool_version"), created, SenderOrganisation(*org), Party(*env), Party(*audience),
                    files, version)


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or len(value) > 4096:
        raise BundleError(f"The bundle's manifest is damaged ({key} is not text).")
    return value


def _texts(data: dict[str, Any], key: str, fields: tuple[str, ...], damaged: str) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, dict) or set(value) != set(fields):
        raise BundleError(f"{damaged} ({key} does not have exactly {' and '.join(fields)}).")
    return tuple(_text(value, field) for field in fields)


_V2_FIELDS = {"name", "size", "sha256", "description", "kind", "certificate_kind", "contains_key"}
_V1_FIELDS = {"name", "size", "sha256", "description", "contains_key"}
_CERTIFICATE_KIND = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # as the profile's ids


def _entry(item: object, version: int, damaged: str) -> FileEntry:
    fields = _V2_FIELDS if version >= 2 else _V1_FIELDS
    if not isinstance(item, dict) or set(item) != fields:
        raise BundleError(f"{damaged} (a file entry does not have exactly a name, size, SHA-256, description"
                          f"{', kind, certificate kind' if version >= 2 else ''} and whether it holds a key).")
    size, digest, key = item["size"], item["sha256"], item["contains_key"]
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_MEMBER_BYTES:
        raise BundleError(f"{damaged} (a file's size is not a whole number within the limit).")
    if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise BundleError(f"{damaged} (a file's SHA-256 is not 64 hexadecimal digits).")
    if not isinstance(key, bool):
        raise BundleError(f"{damaged} (whether a file holds a key is not true or false).")
    name = check_name(_text(item, "name"))
    kind, certificate_kind = _kind_of(item, name, damaged) if version >= 2 else _kind_of_v1_file(name)
    if not name.endswith(kind.extension):
        raise BundleError(f'{damaged} (it lists {name} as a file of kind "{kind}" ({kind.words}), but such files '
                          f"end in {kind.extension}).")
    if key != kind.holds_key:
        raise BundleError(f'{damaged} (whether {name} holds a private key does not fit its kind, "{kind}").')
    return FileEntry(name, size, digest, _text(item, "description"), kind, certificate_kind)


def _kind_of(item: dict[str, Any], name: str, damaged: str) -> tuple[FileKind, str | None]:
    """A format 2 entry's kind, one of `FileKind`, and its certificate kind, exactly where the kind has one."""
    from wizard.core.shown import shown

    kind, certificate_kind = item["kind"], item["certificate_kind"]
    try:
        file_kind = FileKind(kind)
    except ValueError:
        raise BundleError(f'{damaged} (it lists {name} as a kind of file this wizard does not know, '
                          f'"{shown(kind)[:40]}"), so nothing in it can be trusted.') from None
    if not file_kind.per_certificate:
        if certificate_kind is not None:
            raise BundleError(f'{damaged} (it says {name}, a file of kind "{file_kind}", belongs to a certificate '
                              "kind, which such files never do).")
        return file_kind, None
    if not isinstance(certificate_kind, str) or len(certificate_kind) > 64 or not _CERTIFICATE_KIND.fullmatch(
            certificate_kind):
        raise BundleError(f"{damaged} (it does not say which certificate {name} is for).")
    return file_kind, certificate_kind


def _kind_of_v1_file(name: str) -> tuple[FileKind, str | None]:
    """The one place a file's kind comes from its name: format 1 manifests had no kinds, and the format 1 writer
    named every file from its kind (`FileKind.file_name`), so the name gives it back."""
    for kind in FileKind:
        pattern = re.escape(kind.file_name("{}") if kind.per_certificate else kind.file_name())
        found = re.fullmatch(pattern.replace(re.escape("{}"), f"({_CERTIFICATE_KIND.pattern})"), name)
        if found is not None:
            return kind, found.group(1) if kind.per_certificate else None
    raise BundleError(f"The bundle was made by an older wizard (bundle format 1) and holds {name}, a file that "
                      "version never wrote, so it was refused.")
