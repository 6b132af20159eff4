"""`dip-onboarding report DIR --out FILE.pdf|FILE.html [--force]`: the qualification evidence pack
(wizard/actions/evidence.py), its SHA-256 then recorded in the audit trail."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from wizard.app import Services
from wizard.cli_keys import open_session
from wizard.cli_output import emit
from wizard.core.errors import WizardError
from wizard.core.evidence import pack_format


def _pack_file(text: str) -> Path:
    """--out: a file name ending .pdf or .html (the format follows it); anything else is a usage error."""
    path = Path(text)
    try:
        pack_format(path.suffix)
    except WizardError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return path


def add_parsers(sub: Any, common: argparse.ArgumentParser, folder_arg: Callable[[str], Path]) -> None:
    report = sub.add_parser("report", parents=[common], help="the evidence pack: one PDF or HTML document of what "
                            "was done (organisation, people, journey, certificates, DIP IDs, domain, audit trail)")
    report.add_argument("dir", type=folder_arg, metavar="DIR")
    report.add_argument("--out", required=True, type=_pack_file, metavar="FILE.pdf|FILE.html",
                        help="where to save it; PDF or HTML, as the name ends")
    report.add_argument("--force", action="store_true", help="replace a file that already exists")


def report(args: argparse.Namespace, s: Services) -> int:
    from wizard import APP_NAME, __version__
    from wizard.actions.evidence import build_pack, record_pack, write_pack
    from wizard.core.files import check_output
    from wizard.evidence_pdf import pdf_bytes

    session = open_session(args, s)
    check_output(args.out, overwrite=args.force)  # before any work
    pack = build_pack(session, f"{APP_NAME} {__version__}")
    written = write_pack(pack, args.out, pdf_bytes, overwrite=args.force)
    record_pack(session, written)
    lines = [written.summary(), pack.audit_result]
    emit(args, "\n".join(lines), {"written": str(written.path), "format": written.format, "sha256": written.sha256,
                                  "bytes": written.size, "organisation": pack.organisation,
                                  "environment": pack.environment, "made_at": pack.made_at.isoformat(),
                                  "made_by": pack.made_by,
                                  "audit": {"ok": pack.audit_ok, "result": pack.audit_result},
                                  "sections": [section.title for section in pack.sections]})
    return 0


COMMANDS: dict[tuple[str, str | None], Callable[[argparse.Namespace, Services], int]] = {("report", None): report}
