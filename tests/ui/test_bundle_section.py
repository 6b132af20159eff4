"""Handoff bundles on the Packages page: export one (with the chosen certificate's PFX when asked) in the background
and see its fingerprint; open one, see its fingerprint, instructions and files, and unpack it; a damaged bundle is
refused on the page; the instructions view loads nothing the bundle's HTML points at."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QTextBrowser
from pytestqt.qtbot import QtBot

from wizard.core.bundle_describe import describe_bundle
from wizard.core.bundle_format import (
    FileEntry,
    FileKind,
    Manifest,
    Party,
    SenderOrganisation,
    manifest_bytes,
    sha256_hex,
)
from wizard.core.bundle_read import VerifiedBundle, read_bundle_file
from wizard.ui.bundle_dialog import BundleDialog
from wizard.ui.pages.packages import PackagesPage
from wizard.ui.workers import pending_count

from .conftest import FIXED_NOW, FakeDialogs
from .test_packages_page import PASSWORD, certified, page, type_password

__all__ = ["certified", "page"]  # fixtures, imported so pytest finds them here
TIMEOUT_MS = 30_000


def export(qtbot: QtBot, page: PackagesPage, dialogs: FakeDialogs, audience: str, out: Path) -> str:
    section = page.handoff
    section.audience.setCurrentIndex(section.audience.findData(audience))
    dialogs.save_paths.append(out)
    with qtbot.waitSignal(section.exported, timeout=TIMEOUT_MS) as blocker:
        qtbot.mouseClick(section.export_button, Qt.MouseButton.LeftButton)
        assert page.is_busy(), "the bundle is written in the background"
    return str(blocker.args[0])


def test_a_lead_bundle_with_the_pfx_shows_the_fingerprint_verify_gives(qtbot: QtBot, page: PackagesPage,
                                                                       dialogs: FakeDialogs, tmp_path: Path) -> None:
    page.choose_kind("dip-mtls")
    type_password(page, PASSWORD)
    page.handoff.audience.setCurrentIndex(page.handoff.audience.findData("technical-lead"))
    assert page.handoff.include_pfx.isEnabled()
    page.handoff.include_pfx.setChecked(True)
    out = tmp_path / "lead.zip"
    shown = export(qtbot, page, dialogs, "technical-lead", out)
    verified = read_bundle_file(out)
    assert shown == verified.fingerprint
    assert verified.fingerprint in page.handoff.result.text()
    assert "password is not in the bundle" in page.handoff.result.text()
    assert dialogs.save_suggestions[-1].name == "technical-lead-northwind-networks-ltd.zip"
    loaded = pkcs12.load_pkcs12(verified.files["pfx/dip-mtls.pfx"], PASSWORD.encode())
    assert loaded.key is not None
    assert page.password.text() == ""  # the password did its job and is cleared
    from wizard.core.audit import read_entries

    last = read_entries(page.session().folder)[-1]
    assert last.event == "bundle exported", "the export is in the audit trail"
    assert last.details["fingerprint"] == verified.fingerprint
    assert PASSWORD not in str(last.details)


def test_the_dns_admin_bundle_cannot_take_a_key(qtbot: QtBot, page: PackagesPage, dialogs: FakeDialogs,
                                               tmp_path: Path) -> None:
    page.handoff.include_pfx.setChecked(True)
    page.handoff.audience.setCurrentIndex(page.handoff.audience.findData("dns-admin"))
    assert not page.handoff.include_pfx.isEnabled()
    assert not page.handoff.include_pfx.isChecked()
    out = tmp_path / "dns.zip"
    export(qtbot, page, dialogs, "dns-admin", out)
    assert not any(f.contains_key for f in read_bundle_file(out).manifest.files)


@pytest.fixture
def dns_bundle(qtbot: QtBot, page: PackagesPage, dialogs: FakeDialogs, tmp_path: Path) -> Path:
    out = tmp_path / "dns.zip"
    export(qtbot, page, dialogs, "dns-admin", out)
    return out


def test_opening_a_bundle_shows_it_and_unpacks_it(qtbot: QtBot, page: PackagesPage, dialogs: FakeDialogs,
                                                  dns_bundle: Path, tmp_path: Path) -> None:
    dialogs.open_answers.append([dns_bundle])
    dialogs.bundle_answers.append(True)
    (tmp_path / "received").mkdir()
    dialogs.folders.append(tmp_path / "received")
    with qtbot.waitSignal(page.handoff.imported, timeout=TIMEOUT_MS) as blocker:
        qtbot.mouseClick(page.handoff.open_button, Qt.MouseButton.LeftButton)
    [dialog] = dialogs.bundle_dialogs
    fingerprint = read_bundle_file(dns_bundle).fingerprint
    assert fingerprint in dialog.fingerprint.text()
    assert "The DNS record to add" in dialog.instructions.toPlainText()
    assert [dialog.files.item(r, 0).text() for r in range(dialog.files.rowCount())] == ["instructions.html",
                                                                                         "instructions.txt"]
    # What each file is comes from its kind in the manifest; the words are the describer the CLI prints too.
    assert [dialog.files.item(r, 2).text() for r in range(dialog.files.rowCount())] == [
        "instructions (to open in a browser)", "instructions (plain text)"]
    described = describe_bundle(read_bundle_file(dns_bundle))
    assert dialog.findChildren(QLabel)[0].text() == described.about
    assert any(line.startswith("  instructions.txt ") and line.endswith(f"{described.files[1].size}  instructions "
                                                                        "(plain text)") for line in described.lines())
    into = Path(blocker.args[0])
    assert into == tmp_path / "received" / "dns"
    assert sorted(p.name for p in into.iterdir()) == ["instructions.html", "instructions.txt", "manifest.json"]


def test_closing_the_bundle_view_unpacks_nothing(qtbot: QtBot, page: PackagesPage, dialogs: FakeDialogs,
                                                 dns_bundle: Path, tmp_path: Path) -> None:
    dialogs.open_answers.append([dns_bundle])
    dialogs.bundle_answers.append(False)
    before = sorted(tmp_path.rglob("*"))
    qtbot.mouseClick(page.handoff.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(dialogs.bundle_dialogs) == 1, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: pending_count() == 0)
    assert dialogs.folders == []
    assert sorted(tmp_path.rglob("*")) == before


def test_a_damaged_bundle_is_refused_on_the_page(qtbot: QtBot, page: PackagesPage, dialogs: FakeDialogs,
                                                 dns_bundle: Path) -> None:
    source = io.BytesIO(dns_bundle.read_bytes())
    changed = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(changed, "w") as new:
        for info in old.infolist():
            new.writestr(info.filename, old.read(info).replace(b"TXT", b"TXX"))
    dns_bundle.write_bytes(changed.getvalue())
    dialogs.open_answers.append([dns_bundle])
    qtbot.mouseClick(page.handoff.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.is_busy() and pending_count() == 0, timeout=TIMEOUT_MS)
    assert "is not the file that was sent" in page.page_error.text()
    assert dialogs.bundle_dialogs == []


def test_the_instructions_view_loads_nothing_the_html_names(qtbot: QtBot, tmp_path: Path) -> None:
    image = tmp_path / "tracker.png"
    picture = QImage(4, 4, QImage.Format.Format_RGB32)
    picture.fill(0)
    assert picture.save(str(image))
    url = QUrl.fromLocalFile(str(image))
    page_html = (f'<html><head><link rel="stylesheet" href="https://example.invalid/s.css"></head><body>'
                 f'<p>Hello</p><img src="{url.toString()}"><img src="https://example.invalid/t.png"></body></html>')
    data = page_html.encode()
    entry = FileEntry("instructions.html", len(data), sha256_hex(data), "x", FileKind.INSTRUCTIONS_HTML)
    manifest = Manifest("0.1.0", FIXED_NOW, SenderOrganisation("1", "Acme", "acme.example"), Party("uit", "UIT"),
                        Party("dns-admin", "DNS Admin"), (entry,))
    raw = manifest_bytes(manifest)
    bundle = VerifiedBundle(manifest, raw, "AAAA-BBBB-CCCC-DDDD-EEEE", {"instructions.html": data})
    dialog = BundleDialog(None, bundle, "b.zip")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.instructions.viewport().grab()  # lays the page out and paints it, which is when images are asked for
    assert "Hello" in dialog.instructions.toPlainText()
    # The page asked for the local image, and was refused it:
    qtbot.waitUntil(lambda: url.toString() in dialog.instructions.requested, timeout=5000)
    assert dialog.instructions.loadResource(2, url) is None
    assert QTextBrowser().loadResource(2, url) is not None  # where a plain QTextBrowser would have loaded it
    assert not dialog.instructions.openLinks()
    assert not dialog.instructions.openExternalLinks()


def test_manifest_texts_show_as_escaped_plain_text_on_one_line(qtbot: QtBot) -> None:
    fake = "Acme\nFingerprint: ABCD-EFGH-IJKL-MNOP-QRST\x1b[8m\u202egnp.exe"
    data = b"Hello"
    entry = FileEntry("instructions.txt", len(data), sha256_hex(data), f"notes{fake}", FileKind.INSTRUCTIONS_TEXT)
    manifest = Manifest(f"0.1.0{fake}", FIXED_NOW, SenderOrganisation("1", fake, "acme.example"), Party("uit", fake),
                        Party("dns-admin", fake), (entry,))
    bundle = VerifiedBundle(manifest, manifest_bytes(manifest), "AAAA-BBBB-CCCC-DDDD-EEEE",
                            {"instructions.txt": data})
    dialog = BundleDialog(None, bundle, "b.zip")
    qtbot.addWidget(dialog)
    about = dialog.findChildren(QLabel)[0].text()
    shown_texts = [about, *(dialog.files.item(0, c).text() for c in range(dialog.files.columnCount()))]
    for text in shown_texts:
        assert not any(ch in text for ch in "\n\r\x1b\u202e"), repr(text)
    assert "Acme\\nFingerprint: ABCD-EFGH-IJKL-MNOP-QRST\\x1b[8m\\u202egnp.exe" in about
    assert dialog.fingerprint.text().count("Fingerprint:") == 1
    assert "AAAA-BBBB-CCCC-DDDD-EEEE" in dialog.fingerprint.text()


def test_the_file_list_columns_fit_their_text(qtbot: QtBot) -> None:
    """Issue 17, item 4 (h): the name, size and kind columns are as wide as their longest text."""
    html_data, text_data = b"<p>Hello</p>" * 300, b"Hello"
    entries = (FileEntry("instructions.html", len(html_data), sha256_hex(html_data), "These instructions, to open "
                         "in a web browser.", FileKind.INSTRUCTIONS_HTML),
               FileEntry("instructions.txt", len(text_data), sha256_hex(text_data), "The same as plain text.",
                         FileKind.INSTRUCTIONS_TEXT))
    manifest = Manifest("0.1.0", FIXED_NOW, SenderOrganisation("1", "Acme", "acme.example"), Party("uit", "UIT"),
                        Party("dns-admin", "DNS Admin"), entries)
    bundle = VerifiedBundle(manifest, manifest_bytes(manifest), "AAAA-BBBB-CCCC-DDDD-EEEE",
                            {"instructions.html": html_data, "instructions.txt": text_data})
    dialog = BundleDialog(None, bundle, "b.zip")
    qtbot.addWidget(dialog)
    dialog.resize(900, 700)
    dialog.show()
    table = dialog.files
    metrics = table.fontMetrics()
    for column in range(3):
        for row in range(table.rowCount()):
            text = table.item(row, column).text()
            assert table.columnWidth(column) >= metrics.horizontalAdvance(text), (column, text)
