"""The audit trail: what was done in this project, by whom and when, and a check that nobody changed it."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidgetItem,
    QWidget,
)

from wizard.core import audit
from wizard.core.audit_words import detail_words, event_words, raw_details
from wizard.core.errors import WizardError
from wizard.ui.pages.base import BasePage
from wizard.ui.tones import tone
from wizard.ui.widgets import result_label, row_table
from wizard.ui.workers import run_in_background

if TYPE_CHECKING:
    from wizard.actions.evidence import PackWritten

INTRO = ("Everything done in this project is written down here as it happens: keys made (with their "
         "fingerprints), requests and packages saved, certificates imported, people and DIP IDs changed. Each line "
         "is sealed to the one before it, so a changed, removed or reordered line is noticed when you check. "
         "The seal is not proof against someone who can edit the project folder: they could rewrite every line "
         "and seal. Passwords, keys and secrets are never written here. <b>Make the evidence pack</b> puts the "
         "whole project, this trail and its check in one PDF (or HTML) document for your own assurance, the DIP "
         "Manager or its Code Body, with no key or secret in it; its SHA-256 is added here.")


class AuditPage(BasePage):
    def __init__(self) -> None:
        super().__init__("Audit trail", "What was done, by whom and when.", INTRO)
        self.table = row_table(["#", "When (UTC)", "Who", "What", "Details"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Audit trail")
        self.body.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.verify_button = QPushButton("Check the audit t&rail")
        row.addWidget(self.verify_button)
        self.pack_button = QPushButton("Make the &evidence pack…")
        self.pack_button.setAccessibleDescription("Save one PDF or HTML document of what was done in this project")
        row.addWidget(self.pack_button)
        row.addStretch(1)
        self.body.addLayout(row)
        self.result = result_label("Result of the check")
        self.body.addWidget(self.result)
        self.pack_result = result_label("The evidence pack saved")
        self.body.addWidget(self.pack_result)
        self.finish_layout()
        self.verify_button.clicked.connect(self.check)
        self.pack_button.clicked.connect(self.make_pack)
        # One pack at a time: the button waits while one is being printed and written.
        self.busy_changed.connect(lambda busy: self.pack_button.setDisabled(busy))

    def first_field(self) -> QWidget:
        return self.table

    def initializePage(self) -> None:
        self.clear_error()
        self.result.hide()
        self.pack_result.hide()
        self._fill()

    def _fill(self) -> None:
        session = self.session()
        entries = audit.read_entries(session.folder)
        self.table.setRowCount(len(entries))
        for row, e in enumerate(reversed(entries)):  # newest first
            # In words (kind names, step headings, yes/no, short fingerprints); the tooltip keeps what was recorded.
            details = detail_words(e.event, e.details, session.profile, session.project)
            recorded = f"{e.event}: {raw_details(e.details)}" if e.details else e.event
            texts = (str(e.n), f"{e.at:%d %b %Y %H:%M}", e.user, event_words(e.event), details)
            for col, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setToolTip(f"{text}\n\nAs recorded: {recorded}" if col >= 3 else text)
                self.table.setItem(row, col, item)

    def check(self) -> None:
        verdict = audit.verify(self.session().folder, self.session().revision)
        if verdict.ok:
            self.result.setStyleSheet(f"color: {tone('ok')};")
            self.result.setText(f"The audit trail checks out: {verdict.lines} lines, none changed, removed, "
                                "inserted, moved or cut off.")
        else:
            self.result.setStyleSheet(f"color: {tone('error')};")
            self.result.setText(f"<b>The audit trail does not check out:</b> {html.escape(verdict.problem)}.")
        self.result.show()

    def make_pack(self) -> None:
        """Ask where to save the pack (PDF unless an .html name is given), then print and write it in the background;
        its SHA-256 goes into the trail once it is written."""
        from wizard import APP_NAME, __version__
        from wizard.actions.evidence import build_pack, write_pack
        from wizard.core.evidence import pack_format
        from wizard.evidence_pdf import pdf_bytes

        session = self.session()
        self.clear_error()
        self.pack_result.hide()
        out = self.onboarding().dialogs.save_file(self, "Save the evidence pack", session.folder.parent /
                                                  _suggested_name(session.project.organisation.name,
                                                                  session.project.environment, session.today()),
                                                  "PDF document (*.pdf);;Web page (*.html)")
        if out is None:
            return
        # The dialog asked before replacing a file it was given; a name typed without a suffix becomes a PDF, and
        # an existing file of that name is refused rather than replaced unasked.
        overwrite = bool(out.suffix)
        out = out if out.suffix else out.with_name(out.name + ".pdf")
        try:
            pack_format(out.suffix)
            pack = build_pack(session, f"{APP_NAME} {__version__}")
        except WizardError as exc:
            self.show_error(str(exc))
            return
        self.set_busy("Making the evidence pack…")
        run_in_background(lambda: write_pack(pack, out, pdf_bytes, overwrite=overwrite),
                          on_success=self._on_pack_written, on_error=self.report_failure, owner=self)

    def _on_pack_written(self, written: PackWritten) -> None:
        from wizard.actions.evidence import record_pack

        self.clear_busy()
        try:
            record_pack(self.session(), written)
        except WizardError as exc:
            self.show_error(str(exc))
            return
        self._fill()
        kind = "PDF" if written.format == "pdf" else "HTML page"
        self.pack_result.setStyleSheet(f"color: {tone('ok')};")
        self.pack_result.setText(f"Saved the evidence pack ({kind}) to {html.escape(str(written.path))}. Its SHA-256, "
                                 f"now the newest line of the trail: <code>{written.sha256}</code>")
        self.pack_result.show()


def _suggested_name(organisation: str, environment: str, today: dt.date) -> Path:
    """`evidence-pack-acme-energy-ltd-uit-2026-12-05.pdf`: the organisation's letters and digits only."""
    slug = "-".join("".join(ch if ch.isalnum() else " " for ch in organisation.lower()).split())[:40] or "project"
    return Path(f"evidence-pack-{slug}-{environment}-{today}.pdf")
