"""A verified handoff bundle in words: who it is for, its fingerprint and its files, for the command line (`bundle
verify`, `bundle import`) and the window's bundle view alike.

Every text from the manifest is the sender's (or a forger's), so it goes through `shown`: it stays on its own line,
with controls and bidi characters as visible escapes, and can never start a line of its own (a fake "Fingerprint:"
line above the real one). What a file is comes from its kind in the manifest, in the wizard's own words.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from wizard.core.bundle_format import FileEntry, FileKind, Manifest
from wizard.core.bundle_read import VerifiedBundle
from wizard.core.shown import shown

CHECK_FINGERPRINT = "Compare it with the sender's, by phone. If it differs, do not use the bundle."


@dataclass(frozen=True, slots=True)
class FileRow:
    """One file of the bundle, every text safe to show."""

    name: str
    size: str  # "1,234 bytes"
    what: str  # the file's kind in the wizard's words, and the certificate kind it is for
    description: str  # the sender's description
    holds_key: bool


@dataclass(frozen=True, slots=True)
class BundleDescription:
    about: str  # one sentence: for whom, from which organisation and environment, made when and by what
    fingerprint: str
    check: str
    files: tuple[FileRow, ...]

    def lines(self) -> list[str]:
        """As the command line prints it (the sender's descriptions are left out: the kinds say what each is)."""
        width = max((len(row.name) for row in self.files), default=0)
        size_width = max((len(row.size) for row in self.files), default=0)
        return [self.about, f"Fingerprint: {self.fingerprint}", self.check,
                f"The bundle holds {files_held(len(self.files))}.", "Files:",
                *(f"  {row.name.ljust(width)}  {row.size.rjust(size_width)}  {row.what}" for row in self.files)]


def files_held(count: int) -> str:
    """How export, verify and import all count a bundle's files: the files its manifest lists, and the manifest."""
    return f"{count:,} file{'' if count == 1 else 's'} and the manifest that lists them"


def describe_bundle(bundle: VerifiedBundle) -> BundleDescription:
    m = bundle.manifest
    made = m.created_at.astimezone(dt.UTC)
    # The environment's name may hold brackets itself ("UIT (User Integration Testing)"): not wrapped in more.
    about = (f"A handoff bundle for the {shown(m.audience.name)} of \"{shown(m.organisation.name)}\" in "
             f"{shown(m.environment.name)}, made on {made:%d %b %Y %H:%M} UTC by the wizard "
             f"{shown(m.tool_version)}. Every file matches its manifest.")
    return BundleDescription(about, bundle.fingerprint, CHECK_FINGERPRINT, tuple(_row(f) for f in m.files))


def _row(entry: FileEntry) -> FileRow:
    what = entry.kind.words + (f" for {shown(entry.certificate_kind)}" if entry.certificate_kind else "")
    return FileRow(shown(entry.name), f"{entry.size:,} bytes", what, shown(entry.description), entry.contains_key)


def instructions(bundle: VerifiedBundle) -> tuple[str, bool] | None:
    """The bundle's instructions and whether they are HTML (preferred) or plain text; None if it has neither."""
    for kind, is_html in ((FileKind.INSTRUCTIONS_HTML, True), (FileKind.INSTRUCTIONS_TEXT, False)):
        for entry in bundle.manifest.files:
            if entry.kind is kind:
                return bundle.text(entry.name), is_html
    return None


def files_json(manifest: Manifest) -> list[dict[str, Any]]:
    return [{"name": f.name, "size": f.size, "sha256": f.sha256, "description": f.description, "kind": str(f.kind),
             "certificate_kind": f.certificate_kind, "contains_key": f.contains_key} for f in manifest.files]


def bundle_json(bundle: VerifiedBundle) -> dict[str, Any]:
    m = bundle.manifest
    return {"ok": True, "fingerprint": bundle.fingerprint, "format_version": m.format_version,
            "tool_version": m.tool_version, "created_at": m.created_at.isoformat(),
            "organisation": asdict(m.organisation), "environment": asdict(m.environment),
            "audience": asdict(m.audience), "files": files_json(m)}
