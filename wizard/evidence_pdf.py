"""The evidence pack's HTML printed to PDF with what the program already ships: Qt's QTextDocument and QPdfWriter.

Why Qt and not a PDF library: the wheel (and the installed app) already carries QtGui, whose PDF engine embeds the
fonts and writes real text (selectable, searchable, read by `pdftotext`), lays out tables across pages with their
header rows repeated, and numbers the pages; a PDF library would be a new dependency doing the same. The pack's
content and HTML are made Qt-free in wizard/core (evidence.py, evidence_html.py); only this module needs Qt.

QPdfWriter needs a QGuiApplication. The GUI has one; the CLI makes one when none exists, on the offscreen platform
when there is no display (a server, CI), so `dip-onboarding report` works headless.
"""

from __future__ import annotations

import os
import sys

PAGE_MARGIN_MM = 18.0
FONT_POINTS = 9.0  # the body text; headings are sized by the HTML's style

_app: object = None  # the QGuiApplication made here for the CLI, kept alive for the process


def _no_display() -> bool:
    """True on a Unix-like system with neither an X11 nor a Wayland display (Windows and macOS always have one)."""
    if sys.platform in ("win32", "darwin"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def ensure_gui_application() -> None:
    """A QGuiApplication for QPdfWriter: the running one, or one made now (offscreen when there is no display)."""
    global _app
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is not None:
        return
    if _no_display() and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    _app = QGuiApplication([sys.argv[0] if sys.argv else "dip-onboarding"])


def pdf_bytes(html: str, title: str, author: str) -> bytes:
    """`html` printed to an A4 PDF with readable margins and page numbers (QTextDocument adds them at the foot of
    each page when the document has no page size of its own), returned as bytes so the caller writes it
    atomically. Safe on a worker thread: QTextDocument and QPdfWriter are not widgets."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
    from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

    ensure_gui_application()
    document = QTextDocument()
    font = QFont(document.defaultFont())
    font.setPointSizeF(FONT_POINTS)
    # No ligatures: "fi" and "ffi" stay separate letters in the PDF's text, so a search or `pdftotext` finds
    # "certificate" and "Griffin" as they were written.
    for feature in ("liga", "clig"):
        font.setFeature(QFont.Tag(feature), 0)
    document.setDefaultFont(font)
    document.setHtml(html)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM, PAGE_MARGIN_MM),
                          QPageLayout.Unit.Millimeter)
    writer.setTitle(title)
    writer.setCreator(author)
    document.print_(writer)  # paints every page and ends the PDF
    buffer.close()
    return bytes(data.data())
