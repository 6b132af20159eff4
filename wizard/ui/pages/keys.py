"""Keys and CSRs: a private key for each certificate the profile asks for, and the request (CSR) to send for it.

Everything slow or that touches a vault (the keychain lookup, key generation, reading a key to sign a CSR,
opening the file vault, saving the Atlas credentials) runs through `run_in_background`; the page only starts the
work and shows its outcome. Making a key is the action layer's three halves (wizard/actions/keys.py): the intent is
recorded on the UI thread, the key made and stored in the background, and recorded back on the UI thread.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wizard.core.algorithms import choose_algorithm, describe_algorithm, fingerprint_start, fingerprint_text
from wizard.core.atlas import AtlasCredentials, commit_credentials, store_credentials
from wizard.core.errors import InvalidInput, WizardError
from wizard.core.lifecycle import kind_state, owns_entry
from wizard.core.model import KeyRecord, Organisation, StoredSecret
from wizard.core.profile import CertificateKind
from wizard.core.session import ProjectSession
from wizard.core.vault import NO_KEYCHAIN, Vault
from wizard.ui.pages.base import BasePage
from wizard.ui.tones import tone
from wizard.ui.widgets import row_table
from wizard.ui.workers import run_in_background

if TYPE_CHECKING:
    from wizard.actions.keys import KeyJob
    from wizard.core.csr import ExportedCSR

INTRO = ("Each certificate starts with a <b>private key</b>: a secret that only your organisation holds, which "
         "proves that a certificate is yours. The wizard makes it on this computer and keeps it in a safe store; it "
         "never goes into project files or anything you send. For each key the wizard then makes a <b>CSR "
         "(certificate signing request)</b>: a file that names your organisation and holds only the public half of "
         "the key. You send the CSR to the certificate supplier, who issues the certificate.")
SLOW_ALGORITHMS = ("rsa-3072", "rsa-4096")
CSR_FILTER = "Certificate signing requests (*.csr.pem *.pem *.csr);;All files (*)"


class KeysPage(BasePage):
    key_generated = Signal(str)     # the certificate kind id
    csr_exported = Signal(str)      # the path of the CSR file
    csr_copied = Signal(str)        # the certificate kind id
    atlas_saved = Signal()
    vault_changed = Signal()

    def __init__(self) -> None:
        super().__init__("Keys and CSRs", "Make a private key for each certificate, and the request to send "
                         "for it.", INTRO)
        self.setCommitPage(True)  # keys go into the keychain and files are written: effects outside the project

        vault_row = QHBoxLayout()
        self.vault_label = QLabel()
        self.vault_label.setWordWrap(True)
        self.vault_label.setTextFormat(Qt.TextFormat.RichText)
        self.vault_label.setAccessibleName("Where private keys are kept")
        vault_row.addWidget(self.vault_label, 1)
        self.file_vault_button = QPushButton("&Use a passphrase-protected file instead…")
        self.file_vault_button.setAccessibleDescription("Keep private keys in an encrypted file protected by a "
                                                        "passphrase, because this computer has no keychain")
        self.file_vault_button.hide()
        vault_row.addWidget(self.file_vault_button, 0, Qt.AlignmentFlag.AlignTop)
        self.body.addLayout(vault_row)

        self.table = row_table(["Certificate", "State", "Key type", "Fingerprint"])
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setAccessibleName("Certificates and their keys")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.sectionResized.connect(lambda *_: self._fit_table())
        self.body.addWidget(self.table)

        lower_layout = QHBoxLayout()
        left = QVBoxLayout()
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAccessibleName("About the selected certificate")
        left.addWidget(self.details)
        algorithm_row = QHBoxLayout()
        self.algorithm_label = QLabel("&Key type for a new key:")
        self.algorithm = QComboBox()
        self.algorithm_label.setBuddy(self.algorithm)
        algorithm_row.addWidget(self.algorithm_label)
        algorithm_row.addWidget(self.algorithm)
        algorithm_row.addStretch(1)
        left.addLayout(algorithm_row)
        actions = QHBoxLayout()
        self.make_button = QPushButton("&Make key")
        self.export_button = QPushButton("E&xport CSR…")
        self.export_button.setAccessibleDescription("Save the CSR as a file, with the OpenSSL config and commands "
                                                    "for your technical colleague")
        self.copy_button = QPushButton("C&opy CSR")
        self.copy_button.setAccessibleDescription("Put the CSR on the clipboard; it holds no private key")
        self.fingerprint_button = QPushButton("Copy fin&gerprint")
        self.fingerprint_button.setAccessibleDescription("Put the newest key's fingerprint on the clipboard, to "
                                                         "compare with what the certificate supplier or a colleague "
                                                         "sees")
        self.fingerprint_button.clicked.connect(self._on_copy_fingerprint)
        self.abandon_button = QPushButton("Aban&don new key…")
        self.abandon_button.setAccessibleDescription("Destroy the new key that is waiting for its certificate, when "
                                                     "you will not use it; asks first")
        self.abandon_button.clicked.connect(self._on_abandon)
        for button in (self.make_button, self.export_button, self.copy_button, self.fingerprint_button):
            actions.addWidget(button)
        actions.addStretch(1)
        left.addLayout(actions)
        rare = QHBoxLayout()  # on its own line: shown only while a new key waits, and never pressed by habit
        rare.addWidget(self.abandon_button)
        rare.addStretch(1)
        left.addLayout(rare)
        left.addWidget(self.busy_indicator)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.setAccessibleName("Result")
        self.notice.hide()
        left.addWidget(self.notice)
        self.csr_text = QLabel()
        self.csr_text.setWordWrap(True)
        self.csr_text.setTextFormat(Qt.TextFormat.RichText)
        self.csr_text.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.csr_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.csr_text.setAccessibleName("What the CSR says")
        left.addWidget(self.csr_text)
        left.addStretch(1)
        left_widget = QWidget()
        left_widget.setLayout(left)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(left_widget)
        lower_layout.addWidget(scroll, 3)

        self.atlas_box = QGroupBox("GlobalSign Atlas API key and secret")
        atlas_layout = QVBoxLayout(self.atlas_box)
        atlas_about = QLabel("When you create an API credential in GlobalSign Atlas (the certificate supplier's "
                             "portal) it shows an API key and an API secret, which the DIP asks for. "
                             "Atlas shows the secret <b>only once</b>, so save both here straight away: they go "
                             "into your keychain, never into project files.")
        atlas_about.setWordWrap(True)
        atlas_layout.addWidget(atlas_about)
        self.atlas_status = QLabel()
        self.atlas_status.setWordWrap(True)
        self.atlas_status.setAccessibleName("Atlas API key and secret")
        atlas_layout.addWidget(self.atlas_status)
        self.atlas_button = QPushButton("Enter the &Atlas API key and secret…")
        atlas_layout.addWidget(self.atlas_button)
        lower_layout.addWidget(self.atlas_box, 2, Qt.AlignmentFlag.AlignTop)
        self.body.addLayout(lower_layout, 1)
        self.finish_layout()

        self._kinds: tuple[CertificateKind, ...] = ()
        self._shown_vault: Vault | None = None    # where new keys went when the page last said so
        self._watching_vaults = False
        self._last_folder: Path | None = None

        self.table.currentCellChanged.connect(lambda *_: self._show_details())
        self.make_button.clicked.connect(self._on_make_key)
        self.export_button.clicked.connect(self._on_export)
        self.copy_button.clicked.connect(self._on_copy)
        self.file_vault_button.clicked.connect(self._on_use_file_vault)
        self.atlas_button.clicked.connect(self._on_atlas)
        self.busy_changed.connect(lambda _busy: self._update_actions())

    def first_field(self) -> QWidget:
        return self.table

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Columns get their final widths only after the first layout pass; wrap the rows again then.
        QTimer.singleShot(0, self.table, self._fit_table)

    def _fit_table(self) -> None:
        """Wrap the rows, then make the table exactly as tall as its rows: the details below need the room."""
        self.table.resizeRowsToContents()
        height = self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(height)

    def initializePage(self) -> None:
        access = self.vault_access()
        if not self._watching_vaults:
            self._watching_vaults = True
            access.changed.connect(self._on_vaults_changed)
        self.clear_error()
        self._say("")
        self._refresh()
        access.look_for_keychain(after_paint=True)

    @property
    def _vault(self) -> Vault | None:
        """Where new keys and secrets go: the keychain, or the file vault by choice; None while there is neither."""
        return self.vault_access().chosen if self.wizard() is not None else None

    def _on_vaults_changed(self) -> None:
        self._show_vault()
        if self._vault is not self._shown_vault:
            self._shown_vault = self._vault
            if self._vault is not None:
                self.vault_changed.emit()

    def _say(self, text: str) -> None:
        """The outcome of the last action, in a sentence under the buttons; hidden when there is none."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    # Reading the project ---------------------------------------------------------------------------------


    def select_kind(self, kind_id: str) -> None:
        for row, kind in enumerate(self._kinds):
            if kind.id == kind_id:
                self.table.setCurrentCell(row, 0)
                return

    def selected_kind(self) -> CertificateKind | None:
        row = self.table.currentRow()
        return self._kinds[row] if 0 <= row < len(self._kinds) else None

    def _refresh(self) -> None:
        session = self.session()
        project = session.project
        self._kinds = session.profile.certificate_kinds
        current = self.table.currentRow()
        self.table.setRowCount(len(self._kinds))
        for row, kind in enumerate(self._kinds):
            keys = project.keys_for(kind.id)
            newest = keys[-1] if keys else None
            cells = [kind.name, kind_state(project, kind.id), describe_algorithm(newest.algorithm) if newest else "—",
                     fingerprint_start(newest.fingerprint) if newest else "—"]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, kind.id)
                self.table.setItem(row, col, item)
        self._fit_table()
        self.table.setCurrentCell(current if 0 <= current < len(self._kinds) else 0, 0)
        self._show_details()
        self._show_atlas()
        self._show_vault()

    def _show_details(self) -> None:
        kind = self.selected_kind()
        if kind is None:
            self.details.clear()
            self.csr_text.clear()
            self._update_actions()
            return
        session = self.session()
        keys = session.project.keys_for(kind.id)
        parts = [f"<b>{html.escape(kind.name)}</b><br>{html.escape(kind.purpose)}",
                 f"<b>Why you need it:</b> {html.escape(kind.why)}"]
        if not keys:
            parts.append("No key yet. Choose the key type (the one marked default is the wizard's suggestion) "
                         "and press Make key.")
            if not kind.provenance.confirmed and kind.provenance.note:
                # Shown before a key is made: the key type and names are our guess until the DIP confirms them.
                parts.append(f"<i>Not yet confirmed: {html.escape(kind.provenance.note)}</i>")
        for key in keys:
            role = ("Replacement key, waiting for its certificate (the key above stays in use until then)"
                    if key.replaces else "Key")
            line = (f"{role}: {describe_algorithm(key.algorithm)}, made {key.created_at:%d %b %Y}, fingerprint "
                    f"{fingerprint_text(key.fingerprint)}.")
            if key.csr_exported_at is not None:
                line += f" CSR exported {key.csr_exported_at:%d %b %Y}."
            parts.append(html.escape(line))
        self.details.setText("<br>".join(parts))
        self.algorithm.clear()
        for algorithm in kind.algorithms:
            text = describe_algorithm(algorithm)
            self.algorithm.addItem(f"{text} (default)" if algorithm == kind.default_algorithm else text,
                                   algorithm)
        self.algorithm.setCurrentIndex(max(0, self.algorithm.findData(kind.default_algorithm)))
        self._show_csr(kind, keys[-1] if keys else None, session.project.organisation)
        self._update_actions()

    def _show_csr(self, kind: CertificateKind, record: KeyRecord | None, organisation: Organisation) -> None:
        if record is None:
            self.csr_text.clear()
            return
        from wizard.core.csr_subject import describe_csr  # no cryptography: see its docstring

        try:
            lines = describe_csr(kind, organisation, record)
        except InvalidInput as exc:
            self.csr_text.setText(f"<span style='color:{tone('error')}'>{html.escape(str(exc))}</span>")
            return
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        self.csr_text.setText(f"<b>What its CSR says — check it before you send it:</b>"
                              f"<ul style='margin-left:-20px'>{items}</ul>")

    def _show_atlas(self) -> None:
        saved = self.session().project.atlas_credentials
        if saved is None:
            self.atlas_status.setText("Not saved yet.")
            self.atlas_button.setText("Enter the &Atlas API key and secret…")
            return
        where = "your keychain" if saved.vault == "keychain" else "your passphrase-protected file vault"
        self.atlas_status.setText(f"Saved {saved.saved_at:%d %b %Y}, in {where}.")
        self.atlas_button.setText("Replace the saved &Atlas API key and secret…")

    def _show_vault(self) -> None:
        vaults = self.onboarding().services.vaults
        checking = self.vault_access().checking
        if self._vault is not None and self._vault.kind == "file":
            self.vault_label.setText(f"Private keys are kept in your passphrase-protected file vault "
                                     f"({html.escape(str(vaults.file_path))}), as you chose for this computer. "
                                     "Without its passphrase they cannot be used, so keep the passphrase safe.")
        elif self._vault is not None:
            self.vault_label.setText(f"Private keys are kept in your keychain, <b>{html.escape(self._vault.name)}"
                                     "</b>. They never leave it; the project records only which key is where.")
        elif checking:
            self.vault_label.setText("Looking for this computer's keychain…")
        else:
            self.vault_label.setText(f"<span style='color:{tone('error')}'>"
                                     f"{html.escape(self.vault_access().keychain_problem or NO_KEYCHAIN)}</span>")
        self._update_actions()

    def _update_actions(self) -> None:
        busy = self.is_busy()
        kind = self.selected_kind()
        session = self.onboarding().session if self.wizard() is not None else None
        keys = session.project.keys_for(kind.id) if session is not None and kind is not None else ()
        self.make_button.setText("&Make replacement key…" if keys else "&Make key")
        self.make_button.setEnabled(not busy and kind is not None and self._vault is not None)
        self.make_button.setAccessibleDescription("" if self._vault is not None else
                                                  "Not available until there is somewhere to keep the key")
        for button in (self.export_button, self.copy_button, self.fingerprint_button):
            button.setEnabled(not busy and bool(keys))
        pending = any(k.state == "pending" for k in keys)
        self.abandon_button.setVisible(pending)  # only where there is a new key to give up
        self.abandon_button.setEnabled(not busy and pending)
        self.algorithm.setEnabled(not busy and kind is not None)
        self.atlas_button.setEnabled(not busy and self._vault is not None)
        checking = self.vault_access().checking if self.wizard() is not None else False
        self.file_vault_button.setVisible(self._vault is None and not checking)
        self.file_vault_button.setEnabled(not busy)

    # Where keys are kept -----------------------------------------------------------------------------------

    def _on_use_file_vault(self) -> None:
        self.vault_access().use_file_vault(self, self._on_file_vault_chosen)

    def _on_file_vault_chosen(self, vault: Vault) -> None:
        self._say(f"Private keys and the Atlas credentials will be kept in {vault.name} for as long as "
                  "the wizard is open. When you next open the wizard, it asks for the passphrase when a "
                  "key in the file is needed.")
        self._show_vault()

    def _with_vault_for(self, record: KeyRecord, then: Callable[[Vault], None]) -> None:
        """Call `then` with the vault that holds `record`'s key, asking for the file vault's passphrase if needed."""
        self.vault_access().with_vault_for(self, record.vault, then)

    # Making keys ---------------------------------------------------------------------------------------

    def _on_make_key(self) -> None:
        from wizard.actions.keys import begin_key_generation, generate_and_store
        from wizard.core.lifecycle import KeyRuleError, plan_new_key

        kind = self.selected_kind()
        vault = self._vault
        if kind is None or vault is None or self.is_busy():
            return
        wizard = self.onboarding()
        session = self.session()
        try:
            algorithm = choose_algorithm(kind, str(self.algorithm.currentData()))
            plan = plan_new_key(session.project, kind.id, kind.name, replace_key=True,
                                folder=str(session.folder))
        except KeyRuleError as exc:
            self.show_error(str(exc).split(" If you will not use it")[0] + " If you will not use it, abandon it "
                            "first with Abandon new key.")
            return
        except InvalidInput as exc:
            self.show_error(str(exc))
            return
        if plan.replaces is not None or plan.supersedes is not None:
            text = ("Make a replacement key? The current key is kept, and stays in use, until the certificate for "
                    "the new key is imported." if plan.replaces is not None else "")
            if plan.supersedes is not None:
                text += (f" The new key made {plan.supersedes.created_at:%d %b %Y}, whose CSR was never exported, "
                         "will be discarded.")
            if not wizard.dialogs.confirm(self, "Make a replacement key", f"The {kind.name} already has a key. "
                                          + text.strip(), action="Make replacement key"):
                return
        self.clear_error()
        self._say("")
        try:
            job = begin_key_generation(session, kind, algorithm, vault.kind, replace_key=True,
                                       folder_label=str(session.folder))
        except WizardError as exc:
            self.show_error(str(exc))
            return
        wait = " This can take a few seconds." if algorithm in SLOW_ALGORITHMS else ""
        self.set_busy(f"Making an {describe_algorithm(algorithm)} key for the {kind.name}…{wait}")
        now = session.clock()
        run_in_background(lambda: generate_and_store(job, vault, now),
                          on_success=lambda record: self._on_key_created(session, job, vault, record),
                          on_error=lambda error: self._on_key_failed(session, job, vault, error), owner=self)

    def _on_key_failed(self, session: ProjectSession, job: KeyJob, vault: Vault, error: BaseException) -> None:
        from wizard.actions.keys import key_generation_failed

        key_generation_failed(session, job, error)
        self._on_failed(error)

    def _on_key_created(self, session: ProjectSession, job: KeyJob, vault: Vault, record: KeyRecord) -> None:
        from wizard.actions.keys import finish_key_generation

        self.clear_busy()
        wizard = self.onboarding()
        if wizard.session is not session:
            return  # another project was opened meanwhile: that project's next open rolls this key back
        try:
            made = finish_key_generation(session, job, record, vault)
        except WizardError as exc:
            self.show_error(str(exc))
            self._refresh()
            return
        wizard.project_changed.emit()
        text = (f"Made an {describe_algorithm(made.record.algorithm)} key for the {job.kind.name} and stored it in "
                f"{vault.name}.")
        if made.record.replaces:
            text += " It will replace the current key once its certificate is imported."
        self._say(text)
        self._refresh()
        self.key_generated.emit(job.kind.id)

    def _on_abandon(self) -> None:
        from wizard.actions.keys import abandon_question

        kind = self.selected_kind()
        if kind is None or self.is_busy():
            return
        key = self.session().project.key_in_state(kind.id, "pending")
        if key is None or not self.onboarding().dialogs.confirm(self, "Abandon the new key",
                                                                 abandon_question(kind, key),
                                                                 action="Destroy the new key"):
            return
        self._with_vault_for(key, lambda vault: self._abandon(kind, vault))

    def _abandon(self, kind: CertificateKind, vault: Vault) -> None:
        from wizard.actions.keys import abandon_key

        self.clear_error()
        try:
            gone = abandon_key(self.session(), kind, lambda _kind: vault)
        except WizardError as exc:
            self.show_error(str(exc))
            return
        self.onboarding().project_changed.emit()
        self._say(f"Destroyed the new {kind.name} key ({fingerprint_start(gone.fingerprint)}). The key "
                  "in use, if any, is unchanged.")
        self._refresh()

    # CSRs ----------------------------------------------------------------------------------------------

    def _selected_key(self) -> tuple[CertificateKind, KeyRecord] | None:
        kind = self.selected_kind()
        project = self.session().project
        record = (project.key_in_state(kind.id, "pending") or project.newest_key(kind.id)) if kind is not None \
            else None
        return (kind, record) if kind is not None and record is not None else None

    def _on_export(self) -> None:
        selected = self._selected_key()
        if selected is None or self.is_busy():
            return
        kind, record = selected
        start = self._last_folder or Path.home()
        out = self.onboarding().dialogs.save_file(self, f"Save the CSR for the {kind.name}",
                                                  start / f"{kind.id}.csr.pem", CSR_FILTER)
        if out is None:
            return
        self._last_folder = out.parent
        self._with_vault_for(record, lambda vault: self._start_export(kind, record, vault, out))

    def _start_export(self, kind: CertificateKind, record: KeyRecord, vault: Vault, out: Path) -> None:
        from wizard.core.csr import export_csr  # loads cryptography: only when needed, not at start-up
        session = self.session()
        organisation = session.project.organisation
        self.clear_error()
        self._say("")
        self.set_busy(f"Making the CSR for the {kind.name}…")

        def done(result: ExportedCSR) -> None:
            self.clear_busy()
            if self._record_csr(session, record, result.pem):
                self._say(f"Wrote the CSR to {result.csr}. Beside it, for your technical colleague: "
                                    f"{result.config.name} (the OpenSSL config) and {result.commands.name} (the "
                                    "OpenSSL commands that make a request of the same shape).")
                self.csr_exported.emit(str(result.csr))

        # The save dialog has already asked before replacing an existing file of that name.
        run_in_background(lambda: export_csr(kind, organisation, record, vault, out, overwrite=True), on_success=done,
                          on_error=self._on_failed, owner=self)

    def _on_copy_fingerprint(self) -> None:
        kind = self.selected_kind()
        newest = self.session().project.newest_key(kind.id) if kind is not None else None
        if kind is None or newest is None:
            return
        # The whole fingerprint, not the short form shown: whoever compares it may want every digit.
        QGuiApplication.clipboard().setText(fingerprint_text(newest.fingerprint))
        self._say(f"Copied the fingerprint of the {kind.name} key. It identifies the key's public half only.")

    def _on_copy(self) -> None:
        selected = self._selected_key()
        if selected is None or self.is_busy():
            return
        kind, record = selected
        self._with_vault_for(record, lambda vault: self._start_copy(kind, record, vault))

    def _start_copy(self, kind: CertificateKind, record: KeyRecord, vault: Vault) -> None:
        from wizard.core.csr import make_csr_pem  # loads cryptography: only when needed, not at start-up
        session = self.session()
        organisation = session.project.organisation
        self.clear_error()
        self._say("")
        self.set_busy(f"Making the CSR for the {kind.name}…")

        def done(pem: str) -> None:
            self.clear_busy()
            QGuiApplication.clipboard().setText(pem)
            if self._record_csr(session, record, pem):
                self._say(f"Copied the CSR for the {kind.name} to the clipboard. It holds only the "
                                    "public half of the key; paste it where you are asked for a CSR.")
                self.csr_copied.emit(kind.id)

        run_in_background(lambda: make_csr_pem(kind, organisation, record, vault), on_success=done,
                          on_error=self._on_failed, owner=self)

    def _record_csr(self, session: ProjectSession, record: KeyRecord, pem: str) -> bool:
        """Record the CSR as exported (it is public data); False, with the reason shown, if that failed."""
        from wizard.actions.keys import record_csr_exported

        wizard = self.onboarding()
        try:
            if wizard.session is not session:
                return False
            record_csr_exported(session, record, pem)
            wizard.project_changed.emit()
        except WizardError as exc:
            self.show_error(str(exc))
            return False
        self._refresh()
        return True

    def _discard_in_background(self, vault: Vault) -> Callable[[str], None]:
        """Vault deletions for core functions, done on a worker like every keychain call from the GUI."""
        def discard(entry: str) -> None:
            run_in_background(lambda: vault.delete(entry), on_success=lambda _: None, on_error=self._on_failed,
                              owner=self)
        return discard

    # Atlas credentials -------------------------------------------------------------------------------------

    def _on_atlas(self) -> None:
        vault = self._vault
        if vault is None or self.is_busy():
            return
        wizard = self.onboarding()
        credentials = wizard.dialogs.atlas_credentials(self, vault_name=vault.name)
        if credentials is None:
            return
        self._save_atlas(self.session(), vault, credentials)

    def _save_atlas(self, session: ProjectSession, vault: Vault, credentials: AtlasCredentials) -> None:
        self.clear_error()
        self._say("")
        self.set_busy("Saving the Atlas API key and secret…")

        def saved(record: StoredSecret) -> None:
            self.clear_busy()
            discard = self._discard_in_background(vault)
            if self.onboarding().session is not session:
                discard(record.vault_entry)  # another project was opened meanwhile: this entry belongs to nobody
                return
            try:
                previous = commit_credentials(session, record)
            except WizardError as exc:
                discard(record.vault_entry)
                self.show_error(str(exc))
                return
            # Only an entry under this project's identity is its own to remove (a copy's is the original's).
            if previous is not None and previous.vault == vault.kind and owns_entry(session.project,
                                                                                     previous.vault_entry):
                discard(previous.vault_entry)
            self.onboarding().project_changed.emit()
            self._say(f"Saved the Atlas API key and secret in {vault.name}. They are not written to "
                                "the project, logs or handoff bundles.")
            self._refresh()
            self.atlas_saved.emit()

        now = session.clock()
        identity = session.project.identity
        run_in_background(lambda: store_credentials(vault, credentials, now, identity), on_success=saved,
                          on_error=self._on_failed, owner=self)

    # Failures --------------------------------------------------------------------------------------------

    def _on_failed(self, error: BaseException) -> None:
        self.report_failure(error)
        self._update_actions()
