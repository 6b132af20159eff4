"""Domain verification (step 5): record the TXT value the DIP portal shows, hand the DNS Admin a sheet, check DNS
only when asked, and record the day the domain was verified, from which its expiry follows."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from wizard.core.domain import LookupResult, check_commands, dns_sheet, lookup_txt, with_txt_value
from wizard.core.domain_expiry import domain_expiry, parse_day, unconfirmed_words, with_domain_verified
from wizard.core.errors import InvalidInput, WizardError
from wizard.core.files import atomic_write
from wizard.ui.pages.base import BasePage
from wizard.ui.tones import tone
from wizard.ui.widgets import FieldMessage, add_field_row, result_label
from wizard.ui.workers import run_in_background

INTRO = ("The DIP checks that your organisation controls its domain. In the DIP portal's Certificates tab, enter "
         "your domain, choose it again from the list, and the portal shows a <b>TXT value</b>. Paste it here: the "
         "wizard makes a sheet for your DNS Admin, who adds it as a "
         "<a href='help:glossary.html#txt-record'>TXT record</a> (a short text entry in your domain's DNS).")


class DomainPage(BasePage):
    def __init__(self) -> None:
        super().__init__("Domain verification", "The DNS record that proves your organisation controls its "
                         "domain.", INTRO)
        form = QFormLayout()
        self.txt_edit = QLineEdit()
        self.txt_edit.setPlaceholderText("Paste the value exactly as the portal shows it")
        self.txt_message = add_field_row(form, "&TXT value from the portal:", self.txt_edit,
                                         accessible="TXT value from the DIP portal")
        self.body.addLayout(form)
        row = QHBoxLayout()
        self.save_txt_button = QPushButton("&Save the value")
        self.copy_button = QPushButton("Cop&y the value")
        self.copy_button.setAccessibleDescription("Put the TXT value on the clipboard, to paste elsewhere")
        self.save_sheet_button = QPushButton("Save the DNS Admin's sh&eet…")
        self.check_button = QPushButton("Check &DNS now")
        self.check_button.setAccessibleDescription("Looks the record up on the internet once; nothing is checked "
                                                   "unless you press this")
        for button in (self.save_txt_button, self.copy_button, self.save_sheet_button, self.check_button):
            row.addWidget(button)
        row.addStretch(1)
        self.body.addLayout(row)
        self.keep_label = QLabel()
        self.keep_label.setWordWrap(True)
        self.body.addWidget(self.keep_label)
        self.body.addLayout(self._verified_row())
        self.sheet = QLabel()
        self.sheet.setFont(QFont("monospace"))
        self.sheet.setWordWrap(True)
        self.sheet.setAccessibleName("The DNS Admin's sheet")
        self.sheet.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.sheet.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.body.addWidget(self.sheet, 1)
        self.result = result_label("What the last action did")
        self.body.addWidget(self.result)
        self.finish_layout()
        self.save_txt_button.clicked.connect(self._on_save_txt)
        self.copy_button.clicked.connect(self._on_copy)
        self.save_sheet_button.clicked.connect(self._on_save_sheet)
        self.check_button.clicked.connect(self._on_check)
        self.verified_button.clicked.connect(self._on_verified)

    def _verified_row(self) -> QFormLayout:
        """The day the domain was verified: a field, a button, the message line, and what follows from it."""
        form = QFormLayout()
        self.verified_edit = QLineEdit()
        self.verified_edit.setPlaceholderText("YYYY-MM-DD")
        self.verified_edit.setMaximumWidth(self.verified_edit.fontMetrics().horizontalAdvance("0000-00-00") * 2)
        self.verified_edit.setAccessibleName("Day the domain was verified")
        self.verified_edit.setAccessibleDescription("The day the DIP portal showed the domain as verified, as "
                                                    "year-month-day, for example 2026-12-01")
        self.verified_label = QLabel("Domain &verified on:")
        self.verified_label.setBuddy(self.verified_edit)
        self.verified_button = QPushButton("&Record the date")
        self.verified_button.setAccessibleDescription("Saves the day the domain was verified; its expiry follows")
        self.verified_message = FieldMessage()
        row = QHBoxLayout()
        row.addWidget(self.verified_edit)
        row.addWidget(self.verified_button)
        row.addStretch(1)
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addLayout(row)
        column.addWidget(self.verified_message)
        self.verified_status = QLabel()
        self.verified_status.setWordWrap(True)
        self.verified_status.setTextFormat(Qt.TextFormat.RichText)
        self.verified_status.setAccessibleName("When the domain verification runs out")
        column.addWidget(self.verified_status)
        form.addRow(self.verified_label, column)
        return form

    def first_field(self) -> QWidget:
        return self.txt_edit

    def initializePage(self) -> None:
        self.clear_error()
        self.result.hide()
        txt = self.session().project.domain_txt
        self.txt_edit.setText(txt.value if txt else "")
        verified = self.session().project.domain_verified_on
        self.verified_edit.setText(verified.isoformat() if verified else "")
        self.verified_message.show_message("")
        self._refresh()

    def _refresh(self) -> None:
        session = self.session()
        rules = session.profile.domain_verification
        has = session.project.domain_txt is not None
        for button in (self.copy_button, self.save_sheet_button, self.check_button):
            button.setEnabled(has)
        self.keep_label.setText(f"<b>{html.escape(rules.keep_text)}</b> {html.escape(rules.wait_text)}")
        if has:
            self.sheet.setText(dns_sheet(session.profile, session.project).text)
        else:
            commands = " or ".join(check_commands(session.profile, session.project.organisation.domain))
            self.sheet.setText(f"No value yet. Once the DNS Admin has added the record, anyone can check it with: "
                               f"{commands}")
        self.verified_status.setText(self._verified_text())

    def _verified_text(self) -> str:
        session = self.session()
        validity = session.profile.domain_verification.validity
        renew = html.escape(validity.renew_text) if validity else ""
        expiry = domain_expiry(session.profile, session.project, session.clock().date())
        if expiry is None:
            return ("No verified date recorded yet. When the DIP portal shows the domain as verified, record the "
                    f"day here: a verified domain lasts a limited time. {renew}")
        days = expiry.days_left
        left = (f"it ran out {-days} day{'s' if days != -1 else ''} ago" if days < 0 else
                "today is its last day" if days == 0 else f"{days} day{'s' if days != 1 else ''} left")
        until = f"can be used until {expiry.expires_on:%d %b %Y} ({left})"
        if expiry.status != "ok":
            until = f"<b style='color:{tone('error' if days < 0 else 'warning')}'>{until}</b>"
        caveat = unconfirmed_words(expiry.validity)
        return (f"Verified on {expiry.verified_on:%d %b %Y}: {until}. {renew} Then record the new date here."
                + (f"<br><small><i>{html.escape(caveat)}</i></small>" if caveat else ""))

    def _say(self, text: str, colour: str = "") -> None:
        self.result.setStyleSheet(f"color: {colour};" if colour else "")
        self.result.setText(text)
        self.result.show()

    def _on_save_txt(self) -> None:
        session = self.session()
        try:
            updated = with_txt_value(session.project, self.txt_edit.text(), session.clock())
            self.onboarding().commit(updated)
        except InvalidInput as exc:
            self.txt_message.show_message(str(exc))
            return
        except WizardError as exc:
            self.show_error(str(exc))
            return
        self.txt_message.show_message("")
        self.clear_error()
        assert session.project.domain_txt is not None
        self.txt_edit.setText(session.project.domain_txt.value)
        self._refresh()
        self._say("Saved. Give your DNS Admin the sheet below (Save the DNS Admin's sheet).")

    def _on_verified(self) -> None:
        session = self.session()
        try:
            day = parse_day(self.verified_edit.text())
            self.onboarding().commit(with_domain_verified(session.project, day, session.clock().date()))
        except InvalidInput as exc:
            self.verified_message.show_message(str(exc))
            return
        except WizardError as exc:
            self.show_error(str(exc))
            return
        self.verified_message.show_message("")
        self.clear_error()
        self.verified_edit.setText(day.isoformat())
        self._refresh()
        self._say(f"Saved: the domain was verified on {day:%d %b %Y}.")

    def _on_copy(self) -> None:
        txt = self.session().project.domain_txt
        if txt is not None:
            QGuiApplication.clipboard().setText(txt.value)
            self._say("The TXT value is on the clipboard.")

    def _on_save_sheet(self) -> None:
        session = self.session()
        suggested = session.folder.parent / f"dns-record-{session.project.organisation.domain}.html"
        out = self.onboarding().dialogs.save_file(self, "Save the DNS Admin's sheet", suggested,
                                                  "Web page (*.html);;Text (*.txt)")
        if out is None:
            return
        sheet = dns_sheet(session.profile, session.project)
        text = sheet.html if out.suffix.lower() in (".html", ".htm") else sheet.text
        try:
            atomic_write(out, text.encode("utf-8"), public=True)
            session.record("DNS sheet exported", {"file": str(out)})
        except (OSError, WizardError) as exc:
            self.show_error(f"Could not save {out}: {getattr(exc, 'strerror', None) or exc}.")
            return
        self._say(f"Saved the sheet to {html.escape(str(Path(out)))}.")

    def _on_check(self) -> None:
        session = self.session()
        txt = session.project.domain_txt
        if txt is None:
            return
        profile, domain, value = session.profile, session.project.organisation.domain, txt.value
        self.clear_error()
        self.set_busy(f"Asking DNS for the TXT records of {domain}…")
        run_in_background(lambda: lookup_txt(profile, domain, value), on_success=self._on_checked,
                          on_error=self.report_failure, owner=self)

    def _on_checked(self, result: LookupResult) -> None:
        self.clear_busy()
        session = self.session()
        domain = session.project.organisation.domain
        session.record("DNS checked", {"domain": domain, "found": result.found, "tool": result.tool})
        if result.found:
            self._say(f"Found: the record is published on {html.escape(domain)}.", tone('ok'))
        else:
            self._say(f"Not visible yet on {html.escape(domain)}. "
                      f"{html.escape(session.profile.domain_verification.wait_text)}", tone('warning'))
