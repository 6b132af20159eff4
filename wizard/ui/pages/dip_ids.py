"""DIP IDs (steps 7 and 8): one per MPID and DIP role, and for each the message channels with the webhook address
that receives them. Tables can be saved as CSV for the integration engineer."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wizard.core.dipids import (
    build_dip_id,
    channel_findings,
    channels_csv,
    dip_ids_csv,
    known_role_codes,
    set_channel,
    without_dip_id,
)
from wizard.core.errors import InvalidInput, WizardError
from wizard.core.files import atomic_write
from wizard.core.findings import Finding
from wizard.core.wording import counted
from wizard.ui.pages.base import BasePage
from wizard.ui.tones import tone
from wizard.ui.widgets import FieldMessage, FindingsPanel, result_label, row_table
from wizard.ui.workers import run_in_background

if TYPE_CHECKING:  # the check's modules (and pyOpenSSL) load when the check is first asked for
    from wizard.actions.webhooks import WebhookTarget
    from wizard.core.tls_probe import HandshakeFacts

INTRO = ("In the DIP portal, each pair of MPID and DIP role gets a <b>DIP ID</b>. Record them here as the portal "
         "shows them, then give each message channel (IF-… or PUB-…) the web address of the system that receives "
         "it (its <b>webhook</b>). Your integration engineer can have both tables as spreadsheets.")


# The channel table's column of "Check…" buttons, one beside each channel (issue 18: the readiness check).
CHECK_COLUMN = 3


def _table(headers: list[str], name: str) -> QTableWidget:
    table = row_table(headers, name)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class DipIdsPage(BasePage):
    def __init__(self) -> None:
        super().__init__("DIP IDs and message channels", "Your DIP IDs, and the webhook that receives each message "
                         "channel.", INTRO)
        columns = QHBoxLayout()
        left = QVBoxLayout()
        self.dip_table = _table(["DIP ID", "MPID", "Role", "DCP ID", "State"], "DIP IDs")
        left.addWidget(self.dip_table, 1)
        add_box = QGroupBox("Add a DIP ID")
        form = QFormLayout(add_box)
        self.mpid = QComboBox()
        self.mpid.setEditable(True)
        self.role_code = QComboBox()
        self.role_code.setEditable(True)
        self.dip_id = QLineEdit()
        self.dip_id.setPlaceholderText("e.g. 8795183096")
        self.dcp_id = QLineEdit()
        self.dcp_id.setPlaceholderText("only if a DIP Connection Provider acts for this role")
        self.new_role_code = QCheckBox("This role code is on our qualification records but not in the list")
        self.messages: dict[str, FieldMessage] = {}
        for field, label, widget in (("mpid", "&MPID:", self.mpid), ("role_code", "&Role code:", self.role_code),
                                     ("dip_id", "&DIP ID:", self.dip_id), ("dcp_id", "DC&P ID:", self.dcp_id)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            widget.setAccessibleName(label.replace("&", "").rstrip(":"))
            inner = widget.lineEdit() if isinstance(widget, QComboBox) else None
            if inner is not None:  # an editable combo's text field is what a screen reader lands on
                inner.setAccessibleName(label.replace("&", "").rstrip(":"))
            column = QVBoxLayout()
            column.addWidget(widget)
            self.messages[field] = FieldMessage()
            column.addWidget(self.messages[field])
            form.addRow(caption, column)
        form.addRow(self.new_role_code)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add DIP ID")
        self.remove_button = QPushButton("R&emove selected")
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        left.addWidget(add_box)
        columns.addLayout(left, 1)

        right = QVBoxLayout()
        self.channel_heading = QLabel()
        right.addWidget(self.channel_heading)
        self.channel_table = _table(["Channel", "Webhook address", "Checks", "Readiness"], "Message channels")
        # The address takes what room is left; the checks column says "OK" or the first words of a warning.
        self.channel_table.horizontalHeader().setStretchLastSection(False)
        self.channel_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        right.addWidget(self.channel_table, 1)
        right.addLayout(self._webhook_check_row())
        channel_box = QGroupBox("Set a channel's webhook")
        cform = QFormLayout(channel_box)
        self.channel = QLineEdit()
        self.channel.setPlaceholderText("IF-001 or PUB-035")
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://dip.example.co.uk/webhook/if-001")
        for field, label, widget in (("channel", "Channe&l:", self.channel), ("url", "&Webhook address:", self.url)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            widget.setAccessibleName(label.replace("&", "").rstrip(":"))
            column = QVBoxLayout()
            column.addWidget(widget)
            self.messages[field] = FieldMessage()
            column.addWidget(self.messages[field])
            cform.addRow(caption, column)
        self.set_channel_button = QPushButton("&Save channel")
        cform.addRow(self.set_channel_button)
        right.addWidget(channel_box)
        self.checks = FindingsPanel("Checks on the last address", "No problems found.")
        self.checks.hide()
        right.addWidget(self.checks)
        columns.addLayout(right, 1)
        self.body.addLayout(columns, 1)
        export = QHBoxLayout()
        self.export_ids_button = QPushButton("Save DIP ID table (CS&V)…")
        self.export_channels_button = QPushButton("Save channel &table (CSV)…")
        export.addWidget(self.export_ids_button)
        export.addWidget(self.export_channels_button)
        export.addStretch(1)
        self.body.addLayout(export)
        self.result = result_label("What the last action did")
        self.body.addWidget(self.result)
        self.finish_layout()
        self.add_button.clicked.connect(self._on_add)
        self.remove_button.clicked.connect(self._on_remove)
        self.set_channel_button.clicked.connect(self._on_set_channel)
        self.export_ids_button.clicked.connect(lambda: self._export(True))
        self.export_channels_button.clicked.connect(lambda: self._export(False))
        self.dip_table.currentCellChanged.connect(lambda *_: self._show_channels())
        self.channel_table.currentCellChanged.connect(lambda *_: self._enable_webhook_check())
        self.check_webhook_button.clicked.connect(self._on_check_webhook)
        self.busy_changed.connect(lambda _busy: self._enable_webhook_check())

    def _webhook_check_row(self) -> QVBoxLayout:
        """The webhook readiness check of the selected channel (a network action, only when pressed) and what it
        found."""
        column = QVBoxLayout()
        row = QHBoxLayout()
        self.check_webhook_button = QPushButton("Check the selected webhoo&k…")
        self.check_webhook_button.setAccessibleDescription(
            "Opens one secure connection to the selected channel's webhook to see whether it is ready for the DIP; "
            "nothing is checked unless you press this, and you are asked first")
        row.addWidget(self.check_webhook_button)
        row.addStretch(1)
        column.addLayout(row)
        self.webhook_result = result_label("The last webhook check")
        column.addWidget(self.webhook_result)
        return column

    def first_field(self) -> QWidget:
        return self.mpid

    def initializePage(self) -> None:
        self.clear_error()
        self.result.hide()
        self.checks.hide()
        self.webhook_result.hide()
        session = self.session()
        self.mpid.clear()
        self.mpid.addItems([m.mpid for m in session.project.mpids])
        self._fill_codes()
        self._refresh()

    def _fill_codes(self) -> None:
        current = self.role_code.currentText()
        self.role_code.clear()
        self.role_code.addItems(list(known_role_codes(self.session().profile, self.session().project)))
        if current:
            self.role_code.setCurrentText(current)

    def selected_dip_id(self) -> str | None:
        row = self.dip_table.currentRow()
        item = self.dip_table.item(row, 0) if row >= 0 else None
        return item.text() if item is not None else None

    def select_dip_id(self, dip_id: str) -> None:
        for row in range(self.dip_table.rowCount()):
            item = self.dip_table.item(row, 0)
            if item is not None and item.text() == dip_id:
                self.dip_table.setCurrentCell(row, 0)

    def _refresh(self, select: str | None = None) -> None:
        project = self.session().project
        keep = select or self.selected_dip_id()
        self.dip_table.setRowCount(len(project.dip_ids))
        for row, d in enumerate(project.dip_ids):
            state = "Recorded" if d.confirmed else "Confirm in this environment"
            for col, text in enumerate((d.id, d.mpid, d.role_code, d.dcp_id or "—", state)):
                self.dip_table.setItem(row, col, QTableWidgetItem(text))
        if keep:
            self.select_dip_id(keep)
        if self.dip_table.currentRow() < 0 and project.dip_ids:
            self.dip_table.setCurrentCell(0, 0)
        self.remove_button.setEnabled(bool(project.dip_ids))
        self.export_ids_button.setEnabled(bool(project.dip_ids))
        self.export_channels_button.setEnabled(bool(project.channels))
        self._show_channels()

    def _show_channels(self) -> None:
        session = self.session()
        dip_id = self.selected_dip_id()
        channels = session.project.channels_for(dip_id) if dip_id else ()
        self.channel_heading.setText(f"<b>Channels of DIP ID {html.escape(dip_id)}</b>" if dip_id else
                                     "<b>Channels</b>: add a DIP ID first")
        self.set_channel_button.setEnabled(dip_id is not None)
        self.channel_table.setRowCount(len(channels))
        for row, c in enumerate(channels):
            found = channel_findings(session.profile, session.project, c)
            checks = "; ".join(f.message for f in found) or "OK"
            if not c.confirmed:
                checks = "Confirm in this environment. " + checks
            for col, text in enumerate((c.channel, c.url, checks)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.channel_table.setItem(row, col, item)
            present = self.channel_table.cellWidget(row, CHECK_COLUMN)
            if present is None or present.property("channel") != c.channel:
                # Replaced only when the row's channel changed: a replaced button lingers until deleted later.
                self.channel_table.setCellWidget(row, CHECK_COLUMN, self._check_button(c.channel))
        if channels and self.channel_table.currentRow() < 0:
            self.channel_table.setCurrentCell(0, 0)
        self._enable_webhook_check()

    def selected_channel(self) -> str | None:
        row = self.channel_table.currentRow()
        item = self.channel_table.item(row, 0) if row >= 0 else None
        return item.text() if item is not None else None

    def _check_button(self, channel: str) -> QPushButton:
        """The "Check…" beside a channel: selects its row and checks its webhook (a network action, asked first)."""
        button = QPushButton("Check…")
        button.setProperty("channel", channel)
        button.setAccessibleName(f"Check the webhook of {channel}")
        button.setToolTip(f"Check that the webhook of {channel} is ready for the DIP: one TLS handshake, after "
                          "you agree")
        button.setEnabled(not self.is_busy())
        button.clicked.connect(lambda: self._check_channel(channel))
        return button

    def _check_channel(self, channel: str) -> None:
        for row in range(self.channel_table.rowCount()):
            item = self.channel_table.item(row, 0)
            if item is not None and item.text() == channel:
                self.channel_table.setCurrentCell(row, 0)
                self._on_check_webhook()
                return

    def _enable_webhook_check(self) -> None:
        self.check_webhook_button.setEnabled(self.selected_channel() is not None and not self.is_busy())
        for row in range(self.channel_table.rowCount()):
            button = self.channel_table.cellWidget(row, CHECK_COLUMN)
            if button is not None:
                button.setEnabled(not self.is_busy())

    def _say(self, text: str) -> None:
        self.result.setText(text)
        self.result.show()

    def _clear_messages(self) -> None:
        for message in self.messages.values():
            message.show_message("")
        self.clear_error()

    def _commit(self, project: object) -> bool:
        from wizard.core.model import Project

        assert isinstance(project, Project)
        try:
            self.onboarding().commit(project)
        except WizardError as exc:
            self.show_error(str(exc))
            return False
        return True

    def _show_findings(self, findings: tuple[Finding, ...]) -> None:
        self.checks.set_findings(findings)
        self.checks.show()

    def _on_add(self) -> None:
        self._clear_messages()
        session = self.session()
        try:
            project, record, findings = build_dip_id(
                session.profile, session.project, mpid=self.mpid.currentText(), role_code=self.role_code.currentText(),
                dip_id=self.dip_id.text(), dcp_id=self.dcp_id.text(), new_role_code=self.new_role_code.isChecked(),
                now=session.clock())
        except InvalidInput as exc:
            self.messages.get(exc.field, self.page_error).show_message(str(exc))
            return
        if not self._commit(project):
            return
        self.dip_id.clear()
        self.dcp_id.clear()
        self.new_role_code.setChecked(False)
        self._fill_codes()
        self._refresh(select=record.id)
        self._show_findings(findings)
        self._say(f"Recorded DIP ID {html.escape(record.id)} for {html.escape(record.mpid)} as "
                  f"{html.escape(record.role_code)}.")

    def _on_remove(self) -> None:
        dip_id = self.selected_dip_id()
        if dip_id is None:
            return
        count = len(self.session().project.channels_for(dip_id))
        if not self.onboarding().dialogs.confirm(self, "Remove DIP ID", f"Remove DIP ID {dip_id} and its "
                                                 f"{counted(count, 'channel')} from this project? The DIP portal is "
                                                 "not changed.",
                                                 action="Remove"):
            return
        if self._commit(without_dip_id(self.session().project, dip_id)):
            self._refresh()
            self._say(f"Removed DIP ID {html.escape(dip_id)}.")

    def _on_set_channel(self) -> None:
        self._clear_messages()
        dip_id = self.selected_dip_id()
        if dip_id is None:
            return
        session = self.session()
        try:
            project, record, findings = set_channel(session.profile, session.project, dip_id=dip_id,
                                                    channel=self.channel.text(), url=self.url.text(),
                                                    now=session.clock())
        except InvalidInput as exc:
            self.messages.get(exc.field, self.page_error).show_message(str(exc))
            return
        if not self._commit(project):
            return
        self.channel.clear()
        self.url.clear()
        self._refresh(select=dip_id)
        self._show_findings(findings)
        self._say(f"{html.escape(record.channel)} of DIP ID {html.escape(record.dip_id)} goes to "
                  f"{html.escape(record.url)}.")

    def _export(self, ids: bool) -> None:
        session = self.session()
        name = "dip-ids.csv" if ids else "dip-channels.csv"
        out = self.onboarding().dialogs.save_file(self, "Save the table for your integration engineer",
                                                  session.folder.parent / f"{session.project.environment}-{name}",
                                                  "CSV files (*.csv);;All files (*)")
        if out is None:
            return
        text = dip_ids_csv(session.project) if ids else channels_csv(session.project)
        try:
            atomic_write(out, text.encode("utf-8"), public=True)
            session.record("table exported", {"table": "dip_ids" if ids else "channels", "file": str(out)})
        except (OSError, WizardError) as exc:
            self.show_error(f"Could not save {out}: {getattr(exc, 'strerror', None) or exc}.")
            return
        self._say(f"Saved {html.escape(str(out))}. It opens in any spreadsheet program.")

    def _on_check_webhook(self) -> None:
        from wizard.actions.webhooks import webhook_target
        from wizard.core.tls_probe import probe

        dip_id, channel = self.selected_dip_id(), self.selected_channel()
        if dip_id is None or channel is None:
            return
        self.clear_error()
        try:
            target = webhook_target(self.session(), dip_id, channel)
        except WizardError as exc:
            self._show_webhook_result(f"<b>{html.escape(channel)} was not checked.</b> {html.escape(str(exc))}")
            return
        if not self.onboarding().dialogs.confirm(self, "Check the webhook", f"{target.announcement()} Connect now?",
                                                 action="Connect"):
            return
        endpoint = target.endpoint
        self.set_busy(f"Checking the webhook of {channel} at {endpoint.server_name}…")
        run_in_background(lambda: probe(endpoint), on_success=lambda facts: self._on_webhook_checked(target, facts),
                          on_error=lambda error: self._on_webhook_failed(target, error), owner=self)

    def _on_webhook_checked(self, target: WebhookTarget, facts: HandshakeFacts) -> None:
        from wizard.actions.webhooks import finish_webhook_check
        from wizard.core.webhook_readiness import summary

        self.clear_busy()
        self._enable_webhook_check()
        try:
            readiness = finish_webhook_check(self.session(), target, facts)
        except WizardError as exc:
            self.show_error(str(exc))
            return
        marks = {"ok": ("OK", tone("ok")), "problem": ("Not ready", tone("error")), "note": ("Note", "")}
        items = "".join(f"<li><b style='color:{marks[c.status][1]}'>{marks[c.status][0]}:</b> "
                        f"{html.escape(c.message)}</li>" for c in readiness.checks)
        colour = tone("ok" if readiness.ready else "error")
        self._show_webhook_result(f"<b style='color:{colour}'>{html.escape(target.channel.channel)}: "
                                  f"{html.escape(summary(readiness))}</b>"
                                  f"<ul style='margin-left:-20px'>{items}</ul>")

    def _on_webhook_failed(self, target: WebhookTarget, error: BaseException) -> None:
        from wizard.core.tls_probe import ProbeFailed

        if not isinstance(error, ProbeFailed):
            self.report_failure(error)
            self._enable_webhook_check()
            return
        self.clear_busy()
        self._enable_webhook_check()
        self._show_webhook_result(f"<b style='color:{tone('error')}'>Not ready: the webhook of "
                                  f"{html.escape(target.channel.channel)} could not be checked.</b> "
                                  f"{html.escape(str(error))}")

    def _show_webhook_result(self, text: str) -> None:
        self.webhook_result.setText(text)
        self.webhook_result.show()
