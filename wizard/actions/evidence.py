"""Make the evidence pack, once for the GUI and the CLI: its content read from the project (`core/evidence.py`),
rendered as HTML or PDF, written atomically, and its SHA-256 added to the audit trail.

In three parts, as slow work is split elsewhere: `build_pack` reads the project (the caller's thread), `write_pack`
renders and writes the file (a worker in the GUI; it holds no session), `record_pack` adds the audit line (the
caller's thread again). The PDF printer is handed in (`wizard/evidence_pdf.pdf_bytes`), so this stays Qt-free.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from wizard.core.errors import WizardError
from wizard.core.evidence import EVENT, EvidencePack, build_pack, pack_format
from wizard.core.evidence_html import pack_html
from wizard.core.files import atomic_write, check_output
from wizard.core.session import ProjectSession

# (html, title, author) -> the PDF's bytes
PdfPrinter = Callable[[str, str, str], bytes]

__all__ = ["PackWritten", "PdfPrinter", "build_pack", "record_pack", "write_pack"]


@dataclass(frozen=True, slots=True)
class PackWritten:
    path: Path
    format: str  # "pdf" or "html"
    sha256: str  # of the file as written
    size: int
    pack: EvidencePack

    def summary(self) -> str:
        kind = "PDF" if self.format == "pdf" else "HTML page"
        return (f"Saved the evidence pack for {self.pack.organisation} in {self.pack.environment} as a {kind}: "
                f"{self.path}. Its SHA-256 is {self.sha256}; it is recorded in the audit trail.")


def write_pack(pack: EvidencePack, out: Path, to_pdf: PdfPrinter, *, overwrite: bool) -> PackWritten:
    """Render `pack` in the format `out`'s suffix names and write it atomically: on any failure no file, or the old
    one, is left. An existing file is refused unless `overwrite`."""
    fmt = pack_format(out.suffix)
    check_output(out, overwrite=overwrite)
    html = pack_html(pack)
    data = to_pdf(html, pack.title, pack.made_by) if fmt == "pdf" else html.encode("utf-8")
    try:
        atomic_write(out, data, public=True)
    except OSError as exc:
        raise WizardError(f"Could not write {out}: {exc.strerror or exc}. Nothing was written.") from None
    return PackWritten(out, fmt, hashlib.sha256(data).hexdigest(), len(data), pack)


def record_pack(session: ProjectSession, written: PackWritten) -> None:
    """The pack's file and SHA-256 as the audit trail's next line, so a copy can be checked against the trail."""
    try:
        session.record(EVENT, {"file": str(written.path), "format": written.format, "sha256": written.sha256})
    except WizardError as exc:
        raise WizardError(f"Saved the evidence pack to {written.path}, but its SHA-256 could not be added to the "
                          f"audit trail: {exc}") from exc
