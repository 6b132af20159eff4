"""The audit trail: what was done in this project, by whom and when, and a check that nobody changed it."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidgetItem,
    QWidget,
)

from wizard.core import audit
from wizard.core.audit_words import detail_words, event_words, raw_details
from wizard.ui.pages.base import BasePage
from wizard.ui.tones import tone
from wizard.ui.widgets import result_label, row_table

INTRO = ("Everything done in this project is written down here as it happens: keys made (with their "
         "fingerprints), requests and packages saved, certificates imported, people and DIP IDs changed. Each line "
         "is sealed to the one before it, so a changed, removed or reordered line is noticed when you check. "
         "The seal is not proof against someone who can edit the project folder: they could rewrite every line "
         "and seal. Passwords, keys and secrets are never written here.")


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
        row.addStretch(1)
        self.body.addLayout(row)
        self.result = result_label("Result of the check")
        self.body.addWidget(self.result)
        self.finish_layout()
        self.verify_button.clicked.connect(self.check)

    def first_field(self) -> QWidget:
        return self.table

    def initializePage(self) -> None:
        self.clear_error()
        self.result.hide()
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
