"""Renewals and reminders: which certificates need renewing, a guided renewal (a new key and CSR while the current
certificate stays in use), the verified domain's expiry (renewed outside the wizard, as the profile says), the
reminder dates and a calendar file, and the signing self-test for the integration engineer."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QWidget,
)

from wizard.core.domain_expiry import DomainExpiry, domain_expiry, unconfirmed_words
from wizard.core.errors import WizardError
from wizard.core.files import atomic_write
from wizard.core.model import KeyRecord
from wizard.core.reminders import reminders, to_ics
from wizard.core.renewal import RenewalState, renewable_kinds
from wizard.core.session import ProjectSession
from wizard.core.vault import Vault
from wizard.ui.pages.base import BasePage
from wizard.ui.tones import tone
from wizard.ui.widgets import result_label, row_table
from wizard.ui.workers import run_in_background

if TYPE_CHECKING:
    from wizard.actions.keys import KeyJob
    from wizard.core.csr import ExportedCSR

INTRO = ("Certificates last a limited time. When one is close to its end date, start its renewal here: the wizard "
         "makes a new key and request (CSR) while the current certificate <b>stays in use</b> until the new one is "
         "imported on the Certificates page. The verified domain runs out too: its row says how it is renewed. "
         "Save the reminders to your calendar so nobody is caught out.")
# Tone names (ui/tones.py), turned into a colour for light or dark mode when drawn.
STATUS = {"ok": ("OK", "ok"), "soon": ("Renew soon", "warning"), "expired": ("Expired", "error")}


class RenewalPage(BasePage):
    def __init__(self) -> None:
        super().__init__("Renewals and reminders", "Keep certificates renewed before they run out.", INTRO)
        self.table = row_table(["Certificate or domain", "Expires", "Status", "Renewal"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Certificates, the verified domain, and their renewal")
        self.body.addWidget(self.table, 1)
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.advice.setAccessibleName("What to do next")
        self.body.addWidget(self.advice)
        row = QHBoxLayout()
        self.renew_button = QPushButton("&Start renewal")
        self.export_csr_button = QPushButton("Save the new CS&R…")
        self.ics_button = QPushButton("Save reminders to calen&dar (.ics)…")
        self.sign_button = QPushButton("&Test message signing")
        self.sign_button.setAccessibleDescription("For the integration engineer: signs a sample DIP request with "
                                                  "the signing key and checks it against the certificate")
        for button in (self.renew_button, self.export_csr_button, self.ics_button, self.sign_button):
            row.addWidget(button)
        row.addStretch(1)
        self.body.addLayout(row)
        self.reminder_list = QLabel()
        self.reminder_list.setWordWrap(True)
        self.reminder_list.setAccessibleName("Reminder dates")
        self.body.addWidget(self.reminder_list)
        self.result = result_label("What the last action did")
        self.body.addWidget(self.result)
        self.finish_layout()
        self._states: tuple[RenewalState, ...] = ()
        self._domain_row = False  # the last row is the verified domain's
        self.table.currentCellChanged.connect(lambda *_: self._show_selected())
        self.renew_button.clicked.connect(self._on_renew)
        self.export_csr_button.clicked.connect(self._on_export_csr)
        self.ics_button.clicked.connect(self._on_ics)
        self.sign_button.clicked.connect(self._on_sign)

    def first_field(self) -> QWidget:
        return self.table

    def initializePage(self) -> None:
        self.clear_error()
        self.result.hide()
        self._refresh()

    def _refresh(self, select: str | None = None) -> None:
        session = self.session()
        chosen = self.selected()
        keep = select or (chosen.kind.id if chosen else None)
        now = session.clock()
        self._states = renewable_kinds(session.profile, session.project, now)
        self._domain_row = session.profile.domain_verification.validity is not None
        self.table.setRowCount(len(self._states) + self._domain_row)
        for row, state in enumerate(self._states):
            assert state.current is not None
            word, tone_name = STATUS[state.status]
            colour = tone(tone_name)
            words = f"{word}: {state.days_left} days left" if state.status != "expired" else word
            renewal = ("New key waiting for its certificate" if state.replacement else
                       "Not needed yet" if state.status == "ok" else "Not started: press Start renewal")
            cells = (state.kind.name, f"{state.current.not_after:%d %b %Y}", words, renewal)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 2:
                    item.setForeground(QColor(colour))
                self.table.setItem(row, col, item)
        if self._domain_row:
            self._fill_domain_row(len(self._states), domain_expiry(session.profile, session.project, now.date()))
        index = next((i for i, s in enumerate(self._states) if s.kind.id == keep), 0)
        if self.table.rowCount():
            self.table.setCurrentCell(index, 0)
        self._show_selected()
        upcoming = [r for r in reminders(session.profile, session.project, now) if r.due >= now.date()][:6]
        caveat = "" if session.profile.reminders.provenance.confirmed else \
            f" <i>({html.escape(session.profile.reminders.provenance.note or '')})</i>"
        if upcoming:
            items = "".join(f"<li>{r.due:%d %b %Y}: {html.escape(r.summary())}</li>" for r in upcoming)
            self.reminder_list.setText(f"<b>Coming reminders</b>{caveat}<ul style='margin-left:-20px'>{items}</ul>")
        else:
            self.reminder_list.setText(f"<b>No reminders yet</b>: import a certificate, or record the day the domain "
                                       f"was verified on the Domain verification page.{caveat}")
        self.ics_button.setEnabled(bool(session.project.certificates)
                                   or domain_expiry(session.profile, session.project, now.date()) is not None)
        self.sign_button.setEnabled(any(session.project.current_certificate(k) is not None
                                        for k in session.profile.signing.certificate_kinds))

    def _fill_domain_row(self, row: int, expiry: DomainExpiry | None) -> None:
        domain = self.session().project.organisation.domain
        if expiry is None:
            cells = (f"Domain verification ({domain})", "—", "Date not recorded",
                     "Record the day it was verified on the Domain verification page")
            colour = ""
        else:
            word, tone_name = STATUS[expiry.status]
            colour = tone(tone_name)
            cells = (f"Domain verification ({domain})", f"{expiry.expires_on:%d %b %Y}",
                     f"{word}: {expiry.days_left} days left" if expiry.status != "expired" else word,
                     expiry.validity.renew_text)
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if col == 2 and colour:
                item.setForeground(QColor(colour))
            self.table.setItem(row, col, item)

    def _domain_advice(self) -> str:
        session = self.session()
        validity = session.profile.domain_verification.validity
        assert validity is not None
        expiry = domain_expiry(session.profile, session.project, session.clock().date())
        if expiry is None:
            return html.escape(f"No day of verification is recorded for {session.project.organisation.domain}. "
                               "Record it on the Domain verification page: a verified domain lasts a limited time. "
                               f"{validity.renew_text}")
        caveat = unconfirmed_words(validity)
        when = (f"ran out on {expiry.expires_on:%d %b %Y}" if expiry.status == "expired" else
                f"can be used until {expiry.expires_on:%d %b %Y}")
        return (html.escape(f"The verification of {expiry.domain} (verified on {expiry.verified_on:%d %b %Y}) {when}. "
                            f"{validity.renew_text} Then record the new date on the Domain verification page.")
                + (f"<br><small><i>{html.escape(caveat)}</i></small>" if caveat else ""))

    def selected(self) -> RenewalState | None:
        row = self.table.currentRow()
        return self._states[row] if 0 <= row < len(self._states) else None

    def select_kind(self, kind_id: str) -> None:
        for row, state in enumerate(self._states):
            if state.kind.id == kind_id:
                self.table.setCurrentCell(row, 0)

    def _show_selected(self) -> None:
        state = self.selected()
        if state is None and self._domain_row and self.table.currentRow() == len(self._states):
            self.advice.setText(self._domain_advice())
        else:
            self.advice.setText(html.escape(state.advice()) if state else "No certificates have been imported yet.")
        self.renew_button.setEnabled(state is not None and state.replacement is None)
        self.export_csr_button.setEnabled(state is not None and state.replacement is not None)

    def _say(self, text: str, colour: str = "") -> None:
        self.result.setStyleSheet(f"color: {colour};" if colour else "")
        self.result.setText(text)
        self.result.show()

    # Renewal ------------------------------------------------------------------------------------------------

    def _on_renew(self) -> None:
        state = self.selected()
        if state is None or state.current is None:
            return
        wizard = self.onboarding()
        if not wizard.dialogs.confirm(self, "Start renewal", f"Make a new key for the {state.kind.name}? The "
                                      f"current certificate (expiring {state.current.not_after:%d %b %Y}) stays "
                                      "in use until the new one is imported.", action="Make new key"):
            return
        from wizard.actions.renewal import renewal_vault_kind

        self.clear_error()
        # The new key goes where the key in use is kept (the same rule as `dip-onboarding renew`).
        self.vault_access().with_vault_for(self, renewal_vault_kind(self.session().project, state.kind.id),
                                           lambda vault: self._make_key(state, vault))

    def _make_key(self, state: RenewalState, vault: Vault) -> None:
        from wizard.actions.keys import begin_key_generation, generate_and_store, key_generation_failed

        session = self.session()
        kind, now = state.kind, session.clock()
        try:
            job = begin_key_generation(session, kind, kind.default_algorithm, vault.kind, replace_key=True,
                                       folder_label=str(session.folder))
        except WizardError as exc:
            self.show_error(str(exc))
            return

        def failed(error: BaseException) -> None:
            key_generation_failed(session, job, error)
            self.report_failure(error)

        self.set_busy(f"Making a new key for the {kind.name}…")
        run_in_background(lambda: generate_and_store(job, vault, now),
                          on_success=lambda record: self._on_key_made(session, state, job, vault, record),
                          on_error=failed, owner=self)

    def _on_key_made(self, session: ProjectSession, state: RenewalState, job: KeyJob, vault: Vault,
                     record: KeyRecord) -> None:
        from wizard.actions.keys import finish_key_generation

        self.clear_busy()
        if self.onboarding().session is not session:
            return  # another project was opened meanwhile: that project's next open rolls this key back
        try:
            finish_key_generation(session, job, record, vault)
        except WizardError as exc:
            self.show_error(str(exc))
            return
        self.onboarding().project_changed.emit()
        self._refresh(select=state.kind.id)
        self._say(f"Made a new key for the {html.escape(state.kind.name)}. Now save its CSR and send it to your "
                  "certificate supplier.")

    def _on_export_csr(self) -> None:
        state = self.selected()
        if state is None or state.replacement is None:
            return
        record = state.replacement
        session = self.session()
        out = self.onboarding().dialogs.save_file(self, f"Save the renewal CSR for the {state.kind.name}",
                                                  session.folder.parent / f"{state.kind.id}-renewal.csr.pem",
                                                  "CSR files (*.csr *.pem);;All files (*)")
        if out is None:
            return
        self.vault_access().with_vault_for(self, record.vault, lambda vault: self._write_csr(state, record, vault,
                                                                                             out))

    def _write_csr(self, state: RenewalState, record: KeyRecord, vault: Vault, out: Path) -> None:
        from wizard.core.csr import export_csr

        organisation = self.session().project.organisation
        self.set_busy("Writing the CSR…")
        run_in_background(lambda: export_csr(state.kind, organisation, record, vault, out, overwrite=True),
                          on_success=lambda exported: self._on_csr_written(record, exported),
                          on_error=self.report_failure, owner=self)

    def _on_csr_written(self, record: KeyRecord, exported: ExportedCSR) -> None:
        self.clear_busy()
        session = self.session()
        pem = exported.pem
        from wizard.actions.keys import record_csr_exported

        try:
            record_csr_exported(session, record, pem)
            self.onboarding().project_changed.emit()
        except WizardError as exc:
            self.show_error(str(exc))
            return
        self._refresh(select=record.kind)
        self._say(f"Saved the CSR to {html.escape(str(exported.csr))}. Import the new certificate on "
                  "the Certificates page when it arrives.")

    # Reminders ---------------------------------------------------------------------------------------------

    def _on_ics(self) -> None:
        session = self.session()
        out = self.onboarding().dialogs.save_file(self, "Save the reminders for your calendar",
                                                  session.folder.parent / "dip-certificate-reminders.ics",
                                                  "Calendar files (*.ics);;All files (*)")
        if out is None:
            return
        try:
            atomic_write(out, to_ics(session.profile, session.project, session.clock()).encode("utf-8"), public=True)
            session.record("reminders exported", {"file": str(out)})
        except (OSError, WizardError) as exc:
            self.show_error(f"Could not save {out}: {getattr(exc, 'strerror', None) or exc}.")
            return
        self._say(f"Saved {html.escape(str(out))}. Open it with Outlook, Apple Calendar or Google Calendar to add "
                  "the reminders.")

    # Signing self-test ------------------------------------------------------------------------------------

    def _on_sign(self) -> None:
        from wizard.core.signing import signing_certificate

        session = self.session()
        try:
            kind = signing_certificate(session.profile, session.project)
        except WizardError as exc:
            self.show_error(str(exc))
            return
        held = session.project.current_certificate(kind.id)
        assert held is not None
        self.clear_error()
        self.vault_access().with_vault_for(self, held[0].vault, self._run_sign_test)

    def _run_sign_test(self, vault: Vault) -> None:
        from wizard.core.signing import self_test

        session = self.session()
        profile, project, now = session.profile, session.project, session.clock()
        self.set_busy("Signing a sample request and checking it…")
        run_in_background(lambda: self_test(profile, project, lambda _record: vault, now),
                          on_success=self._on_signed, on_error=self.report_failure, owner=self)

    def _on_signed(self, result: object) -> None:
        from wizard.core.signing import SelfTest

        assert isinstance(result, SelfTest)
        self.clear_busy()
        session = self.session()
        session.record("signing self-test", {"kind": result.kind.id, "ok": result.ok, "url": result.request.url})
        scheme = session.profile.signing
        checks = "".join(f"<li>{'OK' if c.ok else 'FAILED'}: {html.escape(c.message)}</li>" for c in result.checks)
        headers = "".join(f"<li><code>{html.escape(k)}: {html.escape(v if len(v) < 60 else v[:56] + '…')}</code>"
                          "</li>" for k, v in result.request.headers.items())
        caveat = "" if scheme.provenance.confirmed else f"<br><i>{html.escape(scheme.provenance.note or '')}</i>"
        verdict = "The signature checks out" if result.ok else "The signature does NOT check out"
        self._say(f"<b>{verdict}</b> with the {html.escape(result.kind.name)}.<ul style='margin-left:-20px'>"
                  f"{checks}</ul>Headers sent:<ul style='margin-left:-20px'>{headers}</ul>{caveat}",
                  tone('ok') if result.ok else tone('error'))
