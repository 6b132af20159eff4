"""Hostile and damaged bundles: every one refused with a clear message (a BundleError), nothing written outside
the target, and, over random and mutated bytes, the reader never fails in any other way."""

from __future__ import annotations

import io
import json
import stat
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.bundles import AT, certified_project
from wizard.core import bundle_read
from wizard.core.bundle_export import build_bundle
from wizard.core.bundle_format import (
    BundleError,
    FileEntry,
    FileKind,
    Manifest,
    Party,
    SenderOrganisation,
    sha256_hex,
)
from wizard.core.bundle_read import VerifiedBundle, import_bundle, read_bundle, read_bundle_file
from wizard.core.profile import Profile

Member = tuple[str, bytes]


@pytest.fixture(scope="module")
def good(profile: Profile) -> bytes:
    return build_bundle(profile, certified_project(profile), "certificate-admin", AT)[0]


def unpack(data: bytes) -> tuple[dict[str, Any], list[Member]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        files = [(i.filename, archive.read(i)) for i in archive.infolist() if i.filename != "manifest.json"]
    return manifest, files


def pack(manifest: dict[str, Any] | bytes, files: list[Member], *, relist: bool = False,
         tweak: Callable[[zipfile.ZipInfo], None] | None = None, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip with `manifest` and `files`; `relist` rewrites the manifest's file list to match the files exactly
    (so only the property under test is wrong); `tweak` changes each non-manifest member's header."""
    if isinstance(manifest, dict) and relist:
        manifest = {**manifest, "files": [{"name": n, "size": len(d), "sha256": sha256_hex(d), "description": "x",
                                           "kind": "instructions-text", "certificate_kind": None,
                                           "contains_key": False} for n, d in files]}
    raw = manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode()
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names, which one test writes on purpose
        with zipfile.ZipFile(buffer, "w", compression=method) as archive:
            archive.writestr("manifest.json", raw)
            for name, data in files:
                info = zipfile.ZipInfo(name)
                info.compress_type = method
                info.external_attr = 0o100644 << 16
                if tweak is not None:
                    tweak(info)
                archive.writestr(info, data)
    return buffer.getvalue()


def refused(data: bytes, tmp_path: Path, expected: str) -> None:
    """Reading refuses it with `expected` in the message, and importing it (as the CLI and GUI do: read, then
    import) writes nothing anywhere in tmp_path."""
    bundle = tmp_path / "offered.zip"
    bundle.write_bytes(data)
    before = sorted(tmp_path.rglob("*"))
    with pytest.raises(BundleError) as caught:
        import_bundle(read_bundle_file(bundle), tmp_path / "target")
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)
    assert sorted(tmp_path.rglob("*")) == before


def test_the_untampered_bundle_is_accepted(good: bytes) -> None:
    assert read_bundle(good).manifest.audience.id == "certificate-admin"


def test_a_changed_byte_in_any_file_is_a_hash_mismatch(good: bytes, tmp_path: Path) -> None:
    manifest, files = unpack(good)
    name, data = files[3]
    files[3] = (name, data[:-2] + bytes([data[-2] ^ 1]) + data[-1:])
    refused(pack(manifest, files), tmp_path, f"{name} in offered.zip is not the file that was sent")


def test_a_changed_manifest_entry_is_a_hash_mismatch(good: bytes, tmp_path: Path) -> None:
    manifest, files = unpack(good)
    manifest["files"][2]["sha256"] = "0" * 64
    refused(pack(manifest, files), tmp_path, "its size or SHA-256 does not match the manifest")


def test_a_missing_file_is_refused(good: bytes, tmp_path: Path) -> None:
    manifest, files = unpack(good)
    refused(pack(manifest, files[1:]), tmp_path, f"is missing {files[0][0]}, which its manifest lists")


def test_an_extra_file_is_refused(good: bytes, tmp_path: Path) -> None:
    manifest, files = unpack(good)
    refused(pack(manifest, [*files, ("run-me.txt", b"extra")]), tmp_path, "holds run-me.txt, which its manifest "
                                                                           "does not list")


@pytest.mark.parametrize(("name", "expected"), [
    ("../evil.txt", "climbs out of its folder"),
    ("certificates/../../evil.txt", "climbs out of its folder"),
    ("..\\evil.txt", "climbs out of its folder"),
    ("/etc/evil.txt", "absolute path"),
    ("C:/Windows/evil.txt", "absolute path"),
    ("\\\\server\\share\\evil.txt", "absolute path"),
    (".hidden", "a name this wizard never writes"),
    ("a/b/c/d.txt", "a name this wizard never writes"),
    ("certificates/CON.pem", "a name this wizard never writes"),
    ("nul\x00.txt", "a name this wizard never writes"),
])
def test_unsafe_names_are_refused_even_when_listed_with_the_right_hash(good: bytes, tmp_path: Path, name: str,
                                                                       expected: str) -> None:
    manifest, files = unpack(good)
    refused(pack(manifest, [*files, (name, b"payload")], relist=True), tmp_path, expected)


def test_a_symlink_entry_is_refused(good: bytes, tmp_path: Path) -> None:
    manifest, files = unpack(good)

    def link(info: zipfile.ZipInfo) -> None:
        if info.filename == files[0][0]:
            info.external_attr = (stat.S_IFLNK | 0o777) << 16

    refused(pack(manifest, [(files[0][0], b"/etc/passwd"), *files[1:]], relist=True, tweak=link), tmp_path,
            "holds a link")


def test_a_device_or_folder_entry_is_refused(good: bytes, tmp_path: Path) -> None:
    manifest, files = unpack(good)

    def fifo(info: zipfile.ZipInfo) -> None:
        info.external_attr = (stat.S_IFIFO | 0o644) << 16

    refused(pack(manifest, files, relist=True, tweak=fifo), tmp_path, "not an ordinary file")
    refused(pack(manifest, [*files, ("certificates/", b"")], relist=True), tmp_path, "a name this wizard never writes")


@pytest.mark.parametrize("second", ["instructions.txt", "INSTRUCTIONS.TXT"])
def test_duplicate_names_are_refused(good: bytes, tmp_path: Path, second: str) -> None:
    manifest, files = unpack(good)
    refused(pack(manifest, [*files, (second, b"the other one")]), tmp_path, "holds two files named")


def test_a_member_over_the_size_cap_is_refused(good: bytes, tmp_path: Path) -> None:
    manifest, files = unpack(good)
    big = bytes(range(256)) * (4 * 1024 * 1024 // 256 + 1)  # compresses, but not like a bomb
    refused(pack(manifest, [*files, ("big.bin", big)], relist=True, method=zipfile.ZIP_STORED), tmp_path,
            "larger than any file in a handoff bundle")


def test_members_over_the_total_cap_are_refused(good: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundle_read, "MAX_TOTAL_BYTES", 20_000)  # the real cap, scaled down to keep the test small
    manifest, files = unpack(good)
    refused(pack(manifest, files), tmp_path, "would unpack to more than")


def test_a_compression_bomb_is_refused(good: bytes, tmp_path: Path) -> None:
    manifest, files = unpack(good)
    refused(pack(manifest, [*files, ("zeros.txt", bytes(2 * 1024 * 1024))], relist=True), tmp_path,
            "compressed far more than real files are")


def test_a_header_that_understates_the_size_cannot_smuggle_a_bomb(good: bytes) -> None:
    """The reader stops at the cap however small the header claims the member is."""
    manifest, files = unpack(good)
    data = pack(manifest, [*files, ("zeros.txt", bytes(5 * 1024 * 1024))], relist=True)
    # Lie in the central directory: the declared size becomes 1 000 bytes.
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("zeros.txt")
    lie = info.file_size.to_bytes(4, "little")
    assert data.count(lie) >= 1
    forged = data.replace(lie, (1000).to_bytes(4, "little"))
    with pytest.raises(BundleError):
        read_bundle(forged)


def test_a_newer_format_version_is_refused_by_name(good: bytes, tmp_path: Path) -> None:
    manifest, files = unpack(good)
    refused(pack({**manifest, "format_version": 3}, files), tmp_path,
            "made by a newer version of the wizard (bundle format 3; this wizard reads format 2)")


# ---------------------------------------------------------------- what each file is


def _entry(manifest: dict[str, Any], name: str) -> dict[str, Any]:
    [entry] = [f for f in manifest["files"] if f["name"] == name]
    return entry


@pytest.mark.parametrize(("name", "change", "expected"), [
    ("instructions.txt", {"kind": "script"}, 'a kind of file this wizard does not know, "script"'),
    ("instructions.txt", {"kind": "pfx\n  Fingerprint: AAAA"}, r'"pfx\n  Fingerprint: AAAA"'),
    ("instructions.txt", {"kind": 7}, "a kind of file this wizard does not know"),
    ("instructions.txt", {"kind": "pfx", "certificate_kind": "dip-mtls"}, "such files end in .pfx"),
    ("instructions.txt", {"kind": "pfx", "certificate_kind": "dip-mtls", "contains_key": True},
     "such files end in .pfx"),
    ("csrs/dip-mtls.csr.pem", {"contains_key": True}, "holds a private key does not fit its kind"),
    ("csrs/dip-mtls.csr.pem", {"certificate_kind": None}, "does not say which certificate"),
    ("csrs/dip-mtls.csr.pem", {"certificate_kind": "../dip-mtls"}, "does not say which certificate"),
    ("instructions.txt", {"certificate_kind": "dip-mtls"}, "belongs to a certificate kind"),
])
def test_a_kind_that_is_unknown_or_does_not_fit_its_file_is_refused(good: bytes, tmp_path: Path, name: str,
                                                                    change: dict[str, Any], expected: str) -> None:
    manifest, files = unpack(good)
    _entry(manifest, name).update(change)  # e.g. a .txt that an importer would take for a PFX
    refused(pack(manifest, files), tmp_path, expected)


@pytest.mark.parametrize("missing", ["kind", "certificate_kind", "contains_key"])
def test_an_entry_without_its_kind_is_refused(good: bytes, tmp_path: Path, missing: str) -> None:
    manifest, files = unpack(good)
    del _entry(manifest, "instructions.txt")[missing]
    refused(pack(manifest, files), tmp_path, "a file entry does not have exactly")


def test_format_1_bundles_are_still_read_with_the_kinds_their_names_gave(good: bytes) -> None:
    manifest, files = unpack(good)
    old = {**manifest, "format_version": 1,
           "files": [{k: v for k, v in f.items() if k not in ("kind", "certificate_kind")} for f in manifest["files"]]}
    read = read_bundle(pack(old, files)).manifest
    assert read.format_version == 1
    assert [(f.name, f.kind, f.certificate_kind) for f in read.files] == [
        (f.name, f.kind, f.certificate_kind) for f in read_bundle(good).manifest.files]
    assert {f.kind for f in read.files} >= {FileKind.INSTRUCTIONS_HTML, FileKind.CSR, FileKind.OPENSSL_CONFIG,
                                             FileKind.OPENSSL_COMMANDS, FileKind.REMINDERS}


def test_a_format_1_file_that_version_never_wrote_is_refused(good: bytes, tmp_path: Path) -> None:
    manifest, files = unpack(good)
    files.append(("notes.md", b"hello"))
    old = {**manifest, "format_version": 1,
           "files": [*({k: v for k, v in f.items() if k not in ("kind", "certificate_kind")} for f in
                       manifest["files"]),
                     {"name": "notes.md", "size": 5, "sha256": sha256_hex(b"hello"), "description": "x",
                      "contains_key": False}]}
    refused(pack(old, files), tmp_path, "holds notes.md, a file that version never wrote")


@pytest.mark.parametrize(("manifest", "expected"), [
    (b"not json", "manifest is damaged"),
    (json.dumps({"format": "something-else"}).encode(), "manifest names another format"),
    (json.dumps({"format": "dip-onboarding-handoff-bundle", "format_version": "1"}).encode(), "format version"),
])
def test_a_damaged_or_foreign_manifest_is_refused(good: bytes, tmp_path: Path, manifest: bytes,
                                                  expected: str) -> None:
    _m, files = unpack(good)
    refused(pack(manifest, files), tmp_path, expected)


def test_no_manifest_is_refused(good: bytes, tmp_path: Path) -> None:
    _manifest, files = unpack(good)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            archive.writestr(name, data)
    refused(buffer.getvalue(), tmp_path, "has no manifest.json")


def test_an_encrypted_member_is_refused(good: bytes, tmp_path: Path) -> None:
    data = bytearray(good)
    # zipfile cannot write encrypted members, so set the "encrypted" flag in every header by hand.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = data.find(signature)
        while start != -1:
            data[start + offset] |= 0x1
            start = data.find(signature, start + 4)
    refused(bytes(data), tmp_path, "holds an encrypted file")


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "is empty"),
    (b"Dear DNS admin, please add the record.\n", "not a zip file"),
    (b"%PDF-1.7\n" + bytes(500), "not a zip file"),
])
def test_other_files_are_refused(tmp_path: Path, content: bytes, expected: str) -> None:
    refused(content, tmp_path, expected)


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99])
def test_a_truncated_bundle_is_refused(good: bytes, tmp_path: Path, keep: float) -> None:
    refused(good[:int(len(good) * keep)], tmp_path, "offered.zip")


def test_import_itself_refuses_a_name_outside_the_target(tmp_path: Path) -> None:
    """A second line of defence: even a VerifiedBundle built by hand cannot write outside the target."""
    entry = FileEntry("../escaped.txt", 1, sha256_hex(b"x"), "x", FileKind.INSTRUCTIONS_TEXT)
    manifest = Manifest("0.1.0", AT, SenderOrganisation("1", "Acme", "acme.example"), Party("uit", "UIT"),
                        Party("dns-admin", "DNS Admin"), (entry,))
    forged = VerifiedBundle(manifest, b"{}", "AAAA", {"../escaped.txt": b"x"})
    with pytest.raises(BundleError, match="climbs out"):
        import_bundle(forged, tmp_path / "target")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_or_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="is a folder"):
        read_bundle_file(tmp_path)
    with pytest.raises(BundleError, match="There is no file"):
        read_bundle_file(tmp_path / "nothing.zip")


# ---------------------------------------------------------------- properties over the reader


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4096))
def test_random_bytes_only_ever_raise_a_bundle_error(data: bytes) -> None:
    with pytest.raises(BundleError):
        read_bundle(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8),
       cut=st.one_of(st.none(), st.floats(0, 1)))
def test_mutated_bundles_are_refused_or_read_exactly_as_sent(good: bytes, edits: list[tuple[float, int]],
                                                             cut: float | None) -> None:
    """Any change is either refused with a BundleError, or (a byte no check covers, e.g. a timestamp) the files
    and manifest read back are exactly the sender's."""
    original = read_bundle(good)
    data = bytearray(good)
    for where, value in edits:
        data[int(where * len(data))] = value
    mutated = bytes(data[:int(cut * len(data))] if cut is not None else data)
    try:
        verified = read_bundle(mutated)
    except BundleError:
        return
    assert verified.manifest_bytes == original.manifest_bytes
    assert verified.files == original.files
    assert verified.fingerprint == original.fingerprint


@pytest.mark.parametrize("where", ["prefix", "comment", "between", "after"])
def test_bytes_outside_the_zip_entries_are_refused(good: bytes, where: str) -> None:
    # A prefix (a self-extractor's stub), a zip comment ("Fingerprint: AAAA-... (trust me)"), a gap between two
    # entries or bytes after the end: the fingerprint and the file list would no longer cover the whole file.
    if where == "prefix":
        hostile = b"MZ" + b"\0" * 3000 + good
    elif where == "comment":
        buffer = io.BytesIO(good)
        with zipfile.ZipFile(buffer, "a") as archive:
            archive.comment = b"Fingerprint: AAAA-BBBB-CCCC-DDDD-EEEE (trust me)"
        hostile = buffer.getvalue()
    elif where == "between":
        with zipfile.ZipFile(io.BytesIO(good)) as archive:
            second = sorted(i.header_offset for i in archive.infolist())[1]
        hostile = _with_gap(good, second, b"hidden bytes")
    else:
        hostile = good + b"trailing"
    with pytest.raises(BundleError, match="outside"):
        read_bundle(hostile)


def _with_gap(data: bytes, at: int, gap: bytes) -> bytes:
    """`data` with `gap` inserted at `at`, every offset after it in the central directory moved along."""
    import struct

    out = bytearray(data[:at] + gap + data[at:])
    eocd = out.rfind(b"PK\x05\x06")
    size_cd, offset_cd = struct.unpack_from("<II", out, eocd + 12)
    offset_cd += len(gap)
    struct.pack_into("<I", out, eocd + 16, offset_cd)
    pos = offset_cd
    while pos < offset_cd + size_cd:
        header = struct.unpack_from("<IHHHHHHIIIHHHHHII", out, pos)
        if header[16] >= at:
            struct.pack_into("<I", out, pos + 42, header[16] + len(gap))
        pos += 46 + header[10] + header[11] + header[12]
    return bytes(out)


def test_an_interrupted_import_leaves_nothing_that_the_next_import_keeps(good: bytes, tmp_path: Path) -> None:
    import os
    import time

    bundle = read_bundle(good)
    leftover = tmp_path / ".into.abc123.import"  # a kill -9 just before the final rename left this
    leftover.mkdir()
    (leftover / "manifest.json").write_text("{}")
    old = time.time() - 3600
    os.utime(leftover, (old, old))
    other = tmp_path / ".elsewhere.abc123.import"  # another target's: not ours to remove
    other.mkdir()
    os.utime(other, (old, old))
    import_bundle(bundle, tmp_path / "into")
    assert not leftover.exists()
    assert other.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [".elsewhere.abc123.import", "into"]
