"""Verifying and importing a handoff bundle, which may come from anywhere and so is treated as hostile.

Everything is checked before anything is written: the zip's own structure (names, links, duplicates, sizes,
compression ratios), then the manifest, then every file against its size and SHA-256, with exactly the listed
files present. Import then writes into a temp folder beside the target and renames it into place only when all
files are written. Every problem is a `BundleError`, whatever the bytes.
"""

from __future__ import annotations

import contextlib
import glob
import io
import os
import shutil
import stat
import struct
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from wizard.core.bundle_format import (
    MANIFEST_NAME,
    MAX_BUNDLE_BYTES,
    MAX_MANIFEST_BYTES,
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_RATIO,
    MAX_TOTAL_BYTES,
    RATIO_FLOOR_BYTES,
    BundleError,
    Manifest,
    check_name,
    fingerprint,
    name_key,
    parse_manifest,
    sha256_hex,
)

# zipfile raises these (and more) for damaged archives; every one of them becomes a BundleError.
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError, NotImplementedError,
               OverflowError, KeyError, IndexError, TypeError, AttributeError, RuntimeError, struct.error, OSError,
               UnicodeDecodeError)
_CUT = "is damaged or cut short (the zip file could not be read)"


@dataclass(frozen=True, slots=True)
class VerifiedBundle:
    """A bundle whose every file matched its manifest."""

    manifest: Manifest
    manifest_bytes: bytes
    fingerprint: str
    files: dict[str, bytes]

    def __repr__(self) -> str:
        return f"VerifiedBundle(audience={self.manifest.audience.id!r}, fingerprint={self.fingerprint!r})"

    def text(self, name: str) -> str:
        return self.files[name].decode("utf-8", errors="replace")


def read_bundle_file(path: Path) -> VerifiedBundle:
    """Read and verify the bundle at `path`."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise BundleError(f"{path} is a folder, not a handoff bundle.")
        if not stat.S_ISREG(info.st_mode):
            raise BundleError(f"{path} is not an ordinary file, so it is not a handoff bundle.")
        if info.st_size > MAX_BUNDLE_BYTES:
            raise BundleError(f"{path} is far larger than any handoff bundle, so it was not opened.")
        with path.open("rb") as handle:
            data = handle.read(MAX_BUNDLE_BYTES + 1)
    except FileNotFoundError:
        raise BundleError(f"There is no file {path}.") from None
    except OSError as exc:
        raise BundleError(f"Could not read {path}: {exc.strerror or exc}.") from None
    return read_bundle(data, path.name)


def read_bundle(data: bytes, label: str = "The file") -> VerifiedBundle:
    """Verify a bundle held in memory; `label` names it in messages."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleError(f"{label} is far larger than any handoff bundle, so it was not opened.")
    if not data:
        raise BundleError(f"{label} is empty, so it is not a handoff bundle.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise BundleError(f"{label} is not a handoff bundle: it is not a zip file, or it is cut short.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_nothing_outside(data, archive, label)
            return _verify(archive, label)
    except BundleError:
        raise
    except _ZIP_ERRORS:
        raise BundleError(f"{label} {_CUT}.") from None


_LOCAL_HEADER = struct.Struct("<4s5H3I2H")  # signature ... file name length, extra field length
_END_RECORD = struct.Struct("<4s4H2IH")  # signature, disk numbers, entries, size and offset of the directory


def _check_nothing_outside(data: bytes, archive: zipfile.ZipFile, label: str) -> None:
    """Every byte of the file belongs to an entry, the central directory or its end record, in that order and with
    no comment: a prefix, a gap, a comment ("Fingerprint: ... (trust me)") or trailing bytes would be content that
    the manifest, the fingerprint and the file list do not cover."""
    outside = BundleError(f"{label} holds bytes outside its files (before, between or after them, or a comment), "
                          "which a handoff bundle never has; it may have been altered. It was not opened.")
    if archive.comment or len(data) < _END_RECORD.size:
        raise outside
    end = _END_RECORD.unpack_from(data, len(data) - _END_RECORD.size)
    if end[0] != b"PK\x05\x06" or end[7] != 0:
        raise outside
    directory_size, directory_at = end[5], end[6]
    expected = 0
    for info in sorted(archive.infolist(), key=lambda i: i.header_offset):
        if info.header_offset != expected or expected + _LOCAL_HEADER.size > len(data):
            raise outside
        header = _LOCAL_HEADER.unpack_from(data, expected)
        if header[0] != b"PK\x03\x04":
            raise outside
        expected += _LOCAL_HEADER.size + header[9] + header[10] + info.compress_size
        if info.flag_bits & 0x08:  # a data descriptor follows the data: its signature is optional
            expected += 16 if data[expected:expected + 4] == b"PK\x07\x08" else 12
    if directory_at != expected or directory_at + directory_size != len(data) - _END_RECORD.size:
        raise outside


def _verify(archive: zipfile.ZipFile, label: str) -> VerifiedBundle:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise BundleError(f"{label} holds {len(members)} files, more than any handoff bundle, so it was refused.")
    seen: dict[str, str] = {}
    total = 0
    for m in members:
        if m.filename != MANIFEST_NAME:
            check_name(m.filename)
        key = name_key(m.filename)
        if key in seen:
            raise BundleError(f'{label} holds two files named "{m.filename}", so which one is meant cannot be told. '
                              "It was refused.")
        seen[key] = m.filename
        _check_member(m, label)
        total += m.file_size
        if total > MAX_TOTAL_BYTES:
            raise BundleError(f"{label} would unpack to more than {MAX_TOTAL_BYTES // (1024 * 1024)} MB, far more "
                              "than any handoff bundle, so it was refused.")
    if MANIFEST_NAME not in seen.values():
        raise BundleError(f"{label} has no {MANIFEST_NAME}, so it is not a handoff bundle (or it was altered).")
    raw_manifest = _read_member(archive, archive.getinfo(MANIFEST_NAME), MAX_MANIFEST_BYTES, label)
    manifest = parse_manifest(raw_manifest)
    listed = {f.name for f in manifest.files}
    if len({name_key(n) for n in listed}) != len(manifest.files) or name_key(MANIFEST_NAME) in {
            name_key(n) for n in listed}:
        raise BundleError(f"{label}'s manifest lists a file twice, so it was refused.")
    present = set(seen.values()) - {MANIFEST_NAME}
    missing = sorted(listed - present)
    extra = sorted(present - listed)
    if missing:
        raise BundleError(f"{label} is missing {missing[0]}, which its manifest lists: it is incomplete or was "
                          "altered. Ask the sender for a new bundle.")
    if extra:
        raise BundleError(f"{label} holds {extra[0]}, which its manifest does not list: it was altered after it "
                          "was made. Ask the sender for a new bundle.")
    files: dict[str, bytes] = {}
    for entry in manifest.files:
        content = _read_member(archive, archive.getinfo(entry.name), MAX_MEMBER_BYTES, label)
        if len(content) != entry.size or sha256_hex(content) != entry.sha256:
            raise BundleError(f"{entry.name} in {label} is not the file that was sent (its size or SHA-256 does not "
                              "match the manifest): it was altered or damaged. Ask the sender for a new bundle.")
        files[entry.name] = content
    return VerifiedBundle(manifest, raw_manifest, fingerprint(raw_manifest), files)


def _check_member(m: zipfile.ZipInfo, label: str) -> None:
    mode = (m.external_attr >> 16) & 0xFFFF
    kind = stat.S_IFMT(mode)
    if kind == stat.S_IFLNK:
        raise BundleError(f'{label} holds a link ("{m.filename}"), which could point outside the folder it is '
                          "opened into, so it was refused.")
    if m.is_dir() or (kind and kind != stat.S_IFREG):
        raise BundleError(f'{label} holds "{m.filename}", which is not an ordinary file, so it was refused.')
    if m.flag_bits & 0x1:
        raise BundleError(f"{label} holds an encrypted file; handoff bundles never do, so it was refused.")
    if m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise BundleError(f"{label} uses a kind of compression this wizard never writes, so it was refused.")
    if m.file_size > MAX_MEMBER_BYTES:
        raise BundleError(f'"{m.filename}" in {label} is larger than any file in a handoff bundle, so the bundle '
                          "was refused.")
    if m.file_size > RATIO_FLOOR_BYTES and m.file_size > MAX_RATIO * max(m.compress_size, 1):
        raise BundleError(f'"{m.filename}" in {label} is compressed far more than real files are (a "zip bomb" '
                          "trick), so the bundle was refused.")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, label: str) -> bytes:
    """Read at most `cap` bytes: the sizes in a zip's headers are not trusted to stop a bomb."""
    with archive.open(info) as handle:
        content = handle.read(cap + 1)
    if len(content) > cap:
        raise BundleError(f'"{info.filename}" in {label} is larger than it may be, so the bundle was refused.')
    return content


@dataclass(frozen=True, slots=True)
class ImportedBundle:
    """An imported bundle: `written` holds the files its manifest lists (as export and verify count them), and
    `manifest` the manifest written beside them."""

    bundle: VerifiedBundle
    folder: Path
    written: tuple[Path, ...]
    manifest: Path


def check_import_target(into: Path) -> None:
    """A bundle is imported into a new or empty folder whose parent exists; raises BundleError otherwise."""
    if into.exists() and (not into.is_dir() or any(into.iterdir())):
        raise BundleError(f"{into} already exists and is not an empty folder. Choose a new folder to import into; "
                          "nothing was written.")
    if not into.parent.is_dir():
        raise BundleError(f"The folder {into.parent} does not exist; create it or choose another. Nothing was "
                          "written.")


def import_bundle(bundle: VerifiedBundle, into: Path) -> ImportedBundle:
    """Write a verified bundle's files (and manifest) into a new folder `into`, all or nothing; `written` holds the
    listed files, `manifest` the manifest.

    `into` must not exist, or be an empty folder; its parent must exist. The files go to a temp folder beside it,
    which is renamed into place once every file is written; on any failure the temp folder is removed.
    """
    check_import_target(into)
    parent = into.parent
    _remove_stale_imports(parent, into.name)
    try:
        temp = Path(tempfile.mkdtemp(prefix=f".{into.name}.", suffix=".import", dir=parent))
    except OSError as exc:
        raise BundleError(f"Could not write in {parent}: {exc.strerror or exc}. Nothing was written.") from None
    written: list[Path] = []
    try:
        root = temp.resolve()
        items = [(entry.name, bundle.files[entry.name], entry.contains_key) for entry in bundle.manifest.files]
        for name, content, secret in [(MANIFEST_NAME, bundle.manifest_bytes, False), *items]:
            target = temp.joinpath(*check_name(name).split("/")) if name != MANIFEST_NAME else temp / name
            if root not in target.resolve().parents:  # a second line of defence after check_name
                raise BundleError(f'"{name}" would be written outside the import folder, so nothing was written.')
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_new(target, content, 0o600 if secret else 0o644)
            written.append(into / target.relative_to(temp))
        if into.exists():
            into.rmdir()  # empty, checked above; rename cannot replace a folder on every system
        os.replace(temp, into)
    except BundleError:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    except OSError as exc:
        shutil.rmtree(temp, ignore_errors=True)
        raise BundleError(f"Could not import into {into}: {exc.strerror or exc}. Nothing was left behind.") from None
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return ImportedBundle(bundle, into, tuple(written[1:]), written[0])  # the manifest is written first


STALE_IMPORT_SECONDS = 600


def _remove_stale_imports(parent: Path, name: str) -> None:
    """Remove what an import into `name` killed before its final rename left behind (a hidden `.NAME.*.import`
    folder), once it is old enough that no import can still be writing it."""
    now = time.time()
    for leftover in parent.glob(f".{glob.escape(name)}.*.import"):
        with contextlib.suppress(OSError):
            old = now - leftover.stat().st_mtime > STALE_IMPORT_SECONDS
            if old and leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover)


def _write_new(path: Path, content: bytes, mode: int) -> None:
    # O_EXCL: never follow or reuse anything already there; O_NOFOLLOW where the system has it.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    if mode != 0o600 and hasattr(os, "chmod"):
        os.chmod(path, mode)
