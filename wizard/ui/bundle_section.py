"""The Packages page's handoff bundles: export one for a colleague (with the chosen certificate's PFX if asked, under
the page's password), and open one someone sent (verify, read, import). Bundle work runs in the background.

The section knows the page it sits on only as a `BasePage` and is lent the rest (the chosen certificate, the
password) as functions, so it never imports the Packages page, which makes it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from wizard.ui.widgets import result_label
from wizard.ui.workers import run_in_background

if TYPE_CHECKING:
    from wizard.core.bundle_export import ExportedBundle
    from wizard.core.bundle_read import ImportedBundle, VerifiedBundle
    from wizard.core.model import CertificateRecord, KeyRecord
    from wizard.core.profile import CertificateKind
    from wizard.core.vault import Vault
    from wizard.ui.pages.base import BasePage

    Chosen = tuple[CertificateKind, KeyRecord, CertificateRecord]

BUNDLE_FILTER = "Handoff bundles (*.zip);;All files (*)"


class HandoffSection(QGroupBox):
    exported = Signal(str)   # the fingerprint
    imported = Signal(str)   # the folder

    def __init__(self, page: BasePage, *, has_certificate: Callable[[], bool], chosen: Callable[[], Chosen | None],
                 checked_password: Callable[[], str | None], clear_password: Callable[[], None]) -> None:
        """`has_certificate`: whether the page offers a certificate at all; `chosen`: the one chosen, with its key;
        `checked_password`: the page's password if acceptable (otherwise None, the page saying why);
        `clear_password`: empty the page's password fields once a bundle holding a key is written."""
        super().__init__("5. Handoff bundles")
        self.page = page
        self._has_certificate = has_certificate
        self._chosen = chosen
        self._checked_password = checked_password
        self._clear_password = clear_password
        layout = QVBoxLayout(self)
        about = QLabel("A bundle gives a colleague what they need, with instructions written for them. When you "
                       "export one the wizard shows its fingerprint: read it to them by phone so they can check it.")
        about.setWordWrap(True)
        layout.addWidget(about)
        row = QHBoxLayout()
        audience_label = QLabel("F&or:")
        self.audience = QComboBox()
        self.audience.setAccessibleName("Who the bundle is for")
        audience_label.setBuddy(self.audience)
        row.addWidget(audience_label)
        row.addWidget(self.audience, 1)
        layout.addLayout(row)
        self.include_pfx = QCheckBox("Include the chosen certificate with its &key (PFX, protected by the password)")
        layout.addWidget(self.include_pfx)
        buttons = QHBoxLayout()
        self.export_button = QPushButton("&Export a handoff bundle…")
        self.open_button = QPushButton("Open a han&doff bundle…")
        self.open_button.setAccessibleDescription("Check a bundle someone sent you, read its instructions and "
                                                  "unpack it")
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.result = result_label("Handoff bundle result")
        layout.addWidget(self.result)
        self._last_folder: Path | None = None
        self.audience.currentIndexChanged.connect(lambda _i: self.update_actions())
        self.export_button.clicked.connect(self._on_export)
        self.open_button.clicked.connect(self._on_open)

    def refresh(self) -> None:
        session = self.page.session()
        previous = self.audience.currentData()
        self.audience.blockSignals(True)
        self.audience.clear()
        for audience in session.profile.audiences:
            self.audience.addItem(audience.name, audience.id)
        self.audience.setCurrentIndex(max(0, self.audience.findData(previous)))
        self.audience.blockSignals(False)
        self.update_actions()

    def update_actions(self) -> None:
        busy = self.page.is_busy()
        audience_id = self.audience.currentData()
        keys_allowed = False
        if audience_id is not None:
            audience = self.page.session().profile.audience(str(audience_id))
            keys_allowed = "pfx" in audience.receives and audience.may_receive_key_material
        has_certificate = self._has_certificate()
        self.include_pfx.setEnabled(not busy and keys_allowed and has_certificate)
        if not keys_allowed:
            self.include_pfx.setChecked(False)
        self.audience.setEnabled(not busy)
        self.export_button.setEnabled(not busy and audience_id is not None)
        self.open_button.setEnabled(not busy)

    def _say(self, text: str) -> None:
        self.result.setText(text)
        self.result.setVisible(bool(text))

    # Export ------------------------------------------------------------------------------------------------

    def _on_export(self) -> None:
        audience_id = self.audience.currentData()
        if audience_id is None or self.page.is_busy():
            return
        page = self.page
        session = page.session()
        audience = session.profile.audience(str(audience_id))
        page.clear_error()
        self._say("")
        password: str | None = None
        selected = self._chosen() if self.include_pfx.isChecked() else None
        if self.include_pfx.isChecked():
            if selected is None:
                return
            password = self._checked_password()
            if password is None:
                return
        start = self._last_folder or Path.home()
        org = re.sub(r"[^A-Za-z0-9]+", "-", session.project.organisation.name).strip("-").lower() or "bundle"
        out = page.onboarding().dialogs.save_file(page, f"Save the handoff bundle for the {audience.name}",
                                                  start / f"{audience.id}-{org}.zip", BUNDLE_FILTER)
        if out is None:
            return
        self._last_folder = out.parent
        if selected is None:
            self._start_export(audience.id, out, None, None)
            return
        kind, key, _record = selected
        page.vault_access().with_vault_for(page, key.vault, lambda vault: self._start_export(
            audience.id, out, (kind.id, key.id, vault), password))

    def _start_export(self, audience_id: str, out: Path, pfx: tuple[str, str, Vault] | None,
                      password: str | None) -> None:
        from wizard.core.bundle_export import PfxRequest, export_bundle
        from wizard.core.keys import load_private_key
        from wizard.core.pfx_maker import make_elsewhere

        session = self.page.session()
        profile, project, now = session.profile, session.project, session.clock()

        def export() -> ExportedBundle:
            # On a worker: the key goes from its vault straight into the PFX; replacing was confirmed on saving.
            requests = []
            if pfx is not None:
                kind_id, key_id, vault = pfx
                # Made and re-opened in a child process: here they would freeze the window (pfx_maker.py).
                requests.append(PfxRequest(kind_id, load_private_key(vault, project.key(key_id)),
                                           maker=make_elsewhere))
            return export_bundle(profile, project, audience_id, out, now, pfx=requests, password=password,
                                 overwrite=True)

        self.page.set_busy("Writing the handoff bundle…")
        run_in_background(export, on_success=self._on_exported, on_error=self.page.report_failure, owner=self.page)

    def _on_exported(self, exported: ExportedBundle) -> None:
        from wizard.core.bundle_export import bundle_audit_details
        from wizard.core.errors import WizardError

        self.page.clear_busy()
        try:
            details = bundle_audit_details(exported, exported.manifest.audience.id)
            self.page.session().record("bundle exported", details)
        except WizardError as exc:
            self.page.show_error(f"The bundle was written, but not added to the audit trail: {exc}")
        has_key = any(f.contains_key for f in exported.manifest.files)
        text = (f"<b>The bundle is ready:</b> {html.escape(str(exported.path))}.<br>Fingerprint: "
                f"<b><tt>{html.escape(exported.fingerprint)}</tt></b><br>Read the fingerprint to the recipient by "
                "phone; they see the same one when they open the bundle.")
        if has_key:
            text += (" <b>The password is not in the bundle</b>: give it to them separately, never in the same "
                     "e-mail.")
            self._clear_password()
        self._say(text)
        self.exported.emit(exported.fingerprint)

    # Open and import ---------------------------------------------------------------------------------------

    def _on_open(self) -> None:
        if self.page.is_busy():
            return
        page = self.page
        page.clear_error()
        self._say("")
        chosen = page.onboarding().dialogs.open_files(page, "Open a handoff bundle", self._last_folder or Path.home(),
                                                      BUNDLE_FILTER)
        if not chosen:
            return
        path = chosen[0]
        self._last_folder = path.parent
        from wizard.core.bundle_read import read_bundle_file

        page.set_busy("Checking the handoff bundle…")
        run_in_background(lambda: read_bundle_file(path), on_success=lambda bundle: self._on_verified(path, bundle),
                          on_error=page.report_failure, owner=page)

    def _on_verified(self, path: Path, bundle: VerifiedBundle) -> None:
        page = self.page
        page.clear_busy()
        dialogs = page.onboarding().dialogs
        if not dialogs.view_bundle(page, bundle, path.name):
            return
        folder = dialogs.choose_folder(page, "Choose where to unpack the bundle (a new folder is made there)",
                                       path.parent)
        if folder is None:
            return
        into = folder / path.stem
        from wizard.core.bundle_read import import_bundle

        page.set_busy("Unpacking the handoff bundle…")
        run_in_background(lambda: import_bundle(bundle, into), on_success=self._on_imported,
                          on_error=page.report_failure, owner=page)

    def _on_imported(self, imported: ImportedBundle) -> None:
        self.page.clear_busy()
        self._say(f"<b>Unpacked</b> {len(imported.written)} files into {html.escape(str(imported.folder))}. Start "
                  "with instructions.html.")
        self.imported.emit(str(imported.folder))
