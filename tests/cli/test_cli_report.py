"""`dip-onboarding report DIR --out FILE.pdf|FILE.html`: the evidence pack as a user would make it. The HTML runs
in-process; the PDF runs as its own process (QPdfWriter needs a QGuiApplication, and one made inside the test
process would stand where the GUI tests' QApplication must), with no display, as on a server or in CI."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.core.evidence_project import EvidenceProject, evidence_project, key_material, leaked
from tests.pdf_text import flat, pdf_text
from wizard.core import audit
from wizard.core.algorithms import fingerprint_text
from wizard.core.profile import load_profile

REPO = Path(__file__).resolve().parents[2]
Cli = Callable[..., Any]


@pytest.fixture
def made(tmp_path: Path) -> EvidenceProject:
    profile = load_profile(REPO / "resources" / "profiles" / "dip-mhhs.toml")
    return evidence_project(tmp_path / "northwind", profile, dt.datetime.now(dt.UTC))


def last_event(folder: Path) -> audit.Entry:
    return audit.read_entries(folder)[-1]


def test_report_writes_the_html_pack_and_records_its_sha256(cli: Cli, made: EvidenceProject, tmp_path: Path) -> None:
    folder, out = made.session.folder, tmp_path / "evidence.html"
    done = cli("report", folder, "--out", out)
    assert done.code == 0, done.err
    sha = hashlib.sha256(out.read_bytes()).hexdigest()
    assert f"Saved the evidence pack for Northwind Networks Ltd in UIT (User Integration Testing) as a HTML page: " \
           f"{out}. Its SHA-256 is {sha}; it is recorded in the audit trail." in done.out
    assert "The audit trail checks out:" in done.out
    entry = last_event(folder)
    assert (entry.event, entry.details) == ("evidence pack made", {"file": str(out), "format": "html", "sha256": sha})
    assert cli("audit", folder, "--verify").code == 0
    page = out.read_text(encoding="utf-8")
    for record in made.certificates:
        assert fingerprint_text(record.fingerprint) in page
    assert leaked(page, key_material(made)) == []


def test_report_json(cli: Cli, made: EvidenceProject, tmp_path: Path) -> None:
    out = tmp_path / "evidence.htm"
    done = cli("report", made.session.folder, "--out", out, "--json")
    assert done.code == 0, done.err
    data = json.loads(done.out)
    assert data["written"] == str(out)
    assert data["format"] == "html"
    assert data["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest() == last_event(made.session.folder).details[
        "sha256"]
    assert data["bytes"] == out.stat().st_size
    assert data["organisation"] == "Northwind Networks Ltd"
    assert data["environment"] == "UIT (User Integration Testing)"
    assert data["audit"]["ok"] is True
    assert data["sections"][0] == "Organisation and environment"
    assert "Audit trail" in data["sections"]


def test_an_existing_file_is_refused_unless_forced(cli: Cli, made: EvidenceProject, tmp_path: Path) -> None:
    folder, out = made.session.folder, tmp_path / "evidence.html"
    out.write_text("an earlier pack", encoding="utf-8")
    lines = len(audit.read_entries(folder))
    done = cli("report", folder, "--out", out)
    assert done.code == 1
    assert done.err == (f"dip-onboarding: {out} already exists. Choose another name, or replace it with --force. "
                        "Nothing was written.\n")
    assert out.read_text(encoding="utf-8") == "an earlier pack"
    assert len(audit.read_entries(folder)) == lines
    done = cli("report", folder, "--out", out, "--force")
    assert done.code == 0, done.err
    assert last_event(folder).details["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", ["evidence.txt", "evidence", "evidence.pdf.bak"])
def test_a_file_that_is_not_pdf_or_html_is_a_usage_error(cli: Cli, made: EvidenceProject, tmp_path: Path,
                                                         name: str) -> None:
    done = cli("report", made.session.folder, "--out", tmp_path / name)
    assert done.code == 2
    assert "argument --out: The evidence pack is saved as PDF or HTML: give a file name ending .pdf or .html" \
        in done.err
    assert not (tmp_path / name).exists()


def test_report_writes_a_pdf_with_selectable_text_and_no_key_material(made: EvidenceProject, tmp_path: Path,
                                                                      user_home: Path) -> None:
    """As typed, on a machine with no display: the PDF is A4, its text names the organisation, holds the audit
    check's verdict and every certificate's fingerprint, and no key material in any form."""
    folder, out = made.session.folder, tmp_path / "evidence.pdf"
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    if sys.platform == "win32":  # Windows always has a display; the Windows stage's Qt can only run offscreen
        env["QT_QPA_PLATFORM"] = "offscreen"
    result = subprocess.run([sys.executable, "-m", "wizard", "report", str(folder), "--out", str(out)],
                            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                            env={**env, "DIP_ONBOARDING_HOME": str(user_home)}, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    data = out.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    assert b"/MediaBox [0 0 595" in data  # A4: 595 x 842 points
    assert last_event(folder).details == {"file": str(out), "format": "pdf",
                                          "sha256": hashlib.sha256(data).hexdigest()}
    pages = pdf_text(data)
    text = flat("".join(pages))
    verdict = audit.verify(folder)  # the pack was made before its own line was added
    assert verdict.ok
    assert flat("Northwind Networks Ltd") in text
    assert flat(f"The audit trail checks out: {verdict.lines - 1} lines, none changed, removed, inserted, moved or "
                "cut off.") in text
    for record in made.certificates:
        assert flat(fingerprint_text(record.fingerprint)) in text
    assert leaked("".join(pages), key_material(made)) == []
    # Page numbers: each page ends with its own (QTextDocument prints them at the foot).
    assert len(pages) > 3
    assert all(flat(page).endswith(str(n)) for n, page in enumerate(pages, start=1))
    if shutil.which("pdftotext"):  # what a PDF viewer's search finds, read by poppler too
        poppler = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, timeout=60).stdout
        assert "Northwind Networks Ltd" in poppler
        assert flat(f"The audit trail checks out: {verdict.lines - 1} lines,") in flat(poppler)
        for record in made.certificates:
            assert flat(fingerprint_text(record.fingerprint)).replace("-", "") in flat(poppler).replace("-", "")
