"""Packages: a certificate with its key (and chain), in the file its destination needs.

The user chooses where the certificate is going, then which certificate, then a password, then where to save.
Writing runs in the background (the key is read from its vault, the file written, re-opened with its password and
checked by core); the password lives only in the two fields and the job that uses it, and the fields are cleared
once the file is ready.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from wizard.core.errors import InvalidInput, WizardError
from wizard.core.model import CertificateRecord, KeyRecord
from wizard.core.pfx_choices import PFX_CHOICES
from wizard.core.profile import CertificateKind, Profile
from wizard.core.vault import Vault
from wizard.ui.clipboard import copy_secret
from wizard.ui.pages.base import BasePage
from wizard.ui.widgets import FieldMessage, result_label
from wizard.ui.workers import run_in_background

if TYPE_CHECKING:
    from wizard.actions.packages import PackageSource

INTRO = ("Package a certificate for the place where it will be installed. Choose where it is going first: the "
         "wizard then picks the file format that opens there. Files with a private key are always protected by a "
         "password, and each file is opened again and checked before you are told it is ready. "
         "<a href='help:glossary.html#pfx'>PFX</a> and <a href='help:glossary.html#pem'>PEM</a> are explained in "
         "the help.")
PFX_FILTER = "PFX files (*.pfx *.p12);;All files (*)"
PEM_FILTER = "PEM files (*.pem *.crt);;All files (*)"


@dataclass(frozen=True, slots=True)
class Destination:
    """One answer to "where is this certificate going?" (the profile's package destinations): what is written."""

    id: str           # the profile's destination id
    title: str        # the radio button's words: the destination, never the cipher
    format: str       # a PFX profile id, "pem" or "chain"
    about: str        # rich text: what it is for, the file written, where that claim comes from
    needs_key: bool   # holds the private key, so it needs a password


def destinations(profile: Profile) -> tuple[Destination, ...]:
    """The profile's destinations, each with the file it takes and the source of that claim."""
    files = {pid: f"a password-protected PFX file, {name}" for pid, (name, _where) in PFX_CHOICES.items()}
    files.update(pem="two PEM files: the certificate with its chain, and the key protected by the password",
                 chain="one PEM file with the certificate and its chain: public, no key and no password")
    offered = []
    for d in profile.package_destinations:
        about = f"{html.escape(d.purpose)}<br><b>Writes:</b> {html.escape(files[d.format])}."
        source = d.provenance.source
        if source:
            about += f" <a href='{html.escape(source)}'>Where this comes from</a>."
        if d.provenance.note:
            caveat = "" if d.provenance.confirmed else "Not yet confirmed: "
            about += f"<br><i>{caveat}{html.escape(d.provenance.note)}</i>"
        offered.append(Destination(d.id, d.name, d.format, about, d.format != "chain"))
    return tuple(offered)


def key_file_for(chain_file: Path) -> Path:
    """Where the PEM route writes the key: beside the chain, `x-chain.pem` → `x-key.pem`, `x.pem` → `x-key.pem`."""
    stem = chain_file.name.removesuffix(".pem").removesuffix(".crt")
    stem = stem.removesuffix("-chain") if stem.endswith("-chain") else stem
    return chain_file.with_name(f"{stem}-key.pem")


class PackagesPage(BasePage):
    package_written = Signal(list)   # the paths written, as strings

    def __init__(self) -> None:
        super().__init__("Packages", "Save a certificate, its chain and its key in the file its destination "
                         "needs.", INTRO)
        # The four steps scroll as one, so nothing is squeezed on top of anything in a small window.
        content = QWidget()
        columns = QHBoxLayout(content)
        columns.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addSpacing(12)
        columns.addLayout(right, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        self.body.addWidget(scroll, 1)
        self._scroll = scroll

        where = QGroupBox("1. Where is this certificate going?")
        where_layout = QVBoxLayout(where)
        self.destination_group = QButtonGroup(self)
        self.destination_buttons: dict[str, QRadioButton] = {}
        self._destinations: tuple[Destination, ...] = ()  # from the profile, once the page is in the wizard
        self._where_layout = where_layout
        self.destination_about = QLabel()  # the chosen destination's file and the source of that claim
        self.destination_about.setWordWrap(True)
        self.destination_about.setTextFormat(Qt.TextFormat.RichText)
        self.destination_about.setOpenExternalLinks(True)
        self.destination_about.setAccessibleName("About this destination")
        where_layout.addWidget(self.destination_about)
        left.addWidget(where)

        which = QGroupBox("2. Which certificate?")
        which_layout = QVBoxLayout(which)
        self.kind_label = QLabel("Ce&rtificate:")
        self.kind = QComboBox()
        self.kind_label.setBuddy(self.kind)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.kind_label)
        kind_row.addWidget(self.kind, 1)
        which_layout.addLayout(kind_row)
        self.kind_note = QLabel()
        self.kind_note.setWordWrap(True)
        self.kind_note.setAccessibleName("About the chosen certificate")
        which_layout.addWidget(self.kind_note)
        left.addWidget(which)
        left.addStretch(1)

        self.password_box = QGroupBox("3. Password")
        password_layout = QVBoxLayout(self.password_box)
        self.password_about = QLabel("Whoever installs the file needs this password. Use a generated passphrase, "
                                     "and send it separately from the file.")
        self.password_about.setWordWrap(True)
        password_layout.addWidget(self.password_about)
        form = QFormLayout()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        password_label = QLabel("&Password:")
        password_label.setBuddy(self.password)
        self.password_message = FieldMessage()
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(self.password)
        column.addWidget(self.password_message)
        form.addRow(password_label, column)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again.setAccessibleName("Password again")
        again_label = QLabel("Type it &again:")
        again_label.setBuddy(self.again)
        self.again_message = FieldMessage()
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(self.again)
        column.addWidget(self.again_message)
        form.addRow(again_label, column)
        password_layout.addLayout(form)
        self.strength = QLabel()
        self.strength.setWordWrap(True)
        self.strength.setAccessibleName("Password strength")
        password_layout.addWidget(self.strength)
        generate_row = QHBoxLayout()
        self.generate_button = QPushButton("&Generate a passphrase")
        self.generate_button.setAccessibleDescription("Fill both boxes with a new random passphrase and show it "
                                                      "once, so you can copy it")
        self.show_box = QCheckBox("Show the pass&word")
        generate_row.addWidget(self.generate_button)
        generate_row.addWidget(self.show_box)
        generate_row.addStretch(1)
        password_layout.addLayout(generate_row)
        self.generated = QLabel()
        self.generated.setWordWrap(True)
        self.generated.setTextFormat(Qt.TextFormat.RichText)
        self.generated.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.generated.setAccessibleName("The generated passphrase")
        self.copy_button = QPushButton("C&opy the passphrase")
        self.copy_button.setAccessibleDescription("Put the passphrase on the clipboard, to paste into your "
                                                  "password manager")
        generated_row = QHBoxLayout()
        generated_row.addWidget(self.generated, 1)
        generated_row.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
        password_layout.addLayout(generated_row)
        self.generated.hide()
        self.copy_button.hide()
        right.addWidget(self.password_box)

        save_box = QGroupBox("4. Where to save it")
        save_layout = QVBoxLayout(save_box)
        self.save_button = QPushButton("&Save the package…")
        self.save_button.setAccessibleDescription("Choose where to save the file; it is written, opened again "
                                                  "and checked")
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addStretch(1)
        save_layout.addLayout(save_row)
        save_layout.addWidget(self.busy_indicator)
        self.result = result_label("Result")
        save_layout.addWidget(self.result)
        right.addWidget(save_box)
        from wizard.ui.bundle_section import HandoffSection

        self.handoff = HandoffSection(self, has_certificate=lambda: self.kind.count() > 0, chosen=self._selected,
                                      checked_password=self._checked_password, clear_password=self._clear_password)
        right.addWidget(self.handoff)
        right.addStretch(1)
        self.finish_layout()

        self._generated = ""   # the passphrase shown once, while it is still what the fields hold
        self._last_folder: Path | None = None
        self.destination_group.buttonToggled.connect(lambda *_: self._update_actions())
        self.kind.currentIndexChanged.connect(lambda _i: self._show_kind())
        self.password.textChanged.connect(self._on_password_edited)
        self.again.textChanged.connect(self._on_password_edited)
        self.generate_button.clicked.connect(self._on_generate)
        self.copy_button.clicked.connect(self._on_copy)
        self.show_box.toggled.connect(self._on_show_toggled)
        self.save_button.clicked.connect(self._on_save)
        self.busy_changed.connect(lambda _busy: self._update_actions())
        self.busy_changed.connect(lambda _busy: self.handoff.update_actions())

    def first_field(self) -> QWidget:
        checked = self.destination_group.checkedButton()
        if checked is not None:
            return checked
        return self.destination_buttons[self._destinations[0].id] if self._destinations else self.kind

    def _add_destinations(self) -> None:
        self._destinations = destinations(self.onboarding().services.profile)
        for n, destination in enumerate(self._destinations):
            button = QRadioButton(destination.title)
            button.setAccessibleDescription(QLabel(destination.about).text())
            self.destination_group.addButton(button)
            self.destination_buttons[destination.id] = button
            self._where_layout.insertWidget(n, button)
        self.destination_group.buttonToggled.connect(lambda *_: self._show_destination())
        self._show_destination()

    def _show_destination(self) -> None:
        chosen = self.destination()
        self.destination_about.setText(chosen.about if chosen is not None else
                                       "Choose where the certificate is going: each place says which file it takes "
                                       "and where that comes from.")

    def initializePage(self) -> None:
        if not self._destinations:
            self._add_destinations()
        self.clear_error()
        self._say("")
        self._fill_kinds()
        self.handoff.refresh()



    def _say(self, text: str) -> None:
        self.result.setText(text)
        self.result.setVisible(bool(text))
        if text:
            self._scroll.ensureWidgetVisible(self.result)

    # Choices ---------------------------------------------------------------------------------------------

    def choose_destination(self, destination_id: str) -> None:
        """By the profile's destination id, or by a file format (its first destination)."""
        if destination_id not in self.destination_buttons:
            destination_id = next(d.id for d in self._destinations if d.format == destination_id)
        self.destination_buttons[destination_id].setChecked(True)

    def destination(self) -> Destination | None:
        checked = self.destination_group.checkedButton()
        return next((d for d in self._destinations if self.destination_buttons[d.id] is checked), None)

    def choose_kind(self, kind_id: str) -> None:
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind_id)))

    def _fill_kinds(self) -> None:
        session = self.session()
        previous = self.kind.currentData()
        self.kind.blockSignals(True)
        self.kind.clear()
        for kind in session.profile.certificate_kinds:
            if session.project.current_certificate(kind.id) is not None:
                self.kind.addItem(kind.name, kind.id)
        self.kind.setCurrentIndex(max(0, self.kind.findData(previous)))
        self.kind.blockSignals(False)
        self._show_kind()

    def _selected(self) -> tuple[CertificateKind, KeyRecord, CertificateRecord] | None:
        kind_id = self.kind.currentData()
        if kind_id is None:
            return None
        session = self.session()
        held = session.project.current_certificate(str(kind_id))
        if held is None:
            return None
        return session.profile.certificate_kind(str(kind_id)), held[0], held[1]

    def _show_kind(self) -> None:
        selected = self._selected()
        if selected is None:
            self.kind_note.setText("No certificate has been imported yet, so there is nothing to package. Import "
                                   "one on the Certificates page first (press Back).")
        else:
            _kind, _key, record = selected
            self.kind_note.setText(f"Issued to {record.subject} by {record.issuer}; valid until "
                                   f"{record.not_after:%d %b %Y}.")
        self._update_actions()

    def _update_actions(self) -> None:
        busy = self.is_busy()
        destination = self.destination()
        has_certificate = self.kind.count() > 0
        needs_password = destination is None or destination.needs_key
        self.kind.setEnabled(not busy and has_certificate)
        self.password_box.setEnabled(not busy and needs_password)
        self.password_about.setText("Whoever installs the file needs this password. Use a generated passphrase, "
                                    "and send it separately from the file." if needs_password else
                                    "No password needed: these files hold no private key.")
        self.save_button.setEnabled(not busy and has_certificate and destination is not None)
        self.save_button.setToolTip("" if destination is not None else "Choose where the certificate is going "
                                                                        "first")

    # The password ----------------------------------------------------------------------------------------

    def _on_password_edited(self) -> None:
        from wizard.core.passwords import strength_words

        text = self.password.text()
        self.strength.setText(f"Strength: {strength_words(text)}." if text else "")
        self.password_message.show_message("")
        self.again_message.show_message("")
        if self._generated and (text != self._generated or self.again.text() != self._generated):
            self._forget_generated()

    def _on_generate(self) -> None:
        from wizard.core.packaging import generate_passphrase

        passphrase = generate_passphrase()
        self._forget_generated()
        self.password.setText(passphrase)
        self.again.setText(passphrase)
        self._generated = passphrase  # only now: filling the two boxes is not an edit that hides it again
        self.generated.setText(f"Your passphrase: <b><tt>{html.escape(passphrase)}</tt></b><br>It is shown only "
                               "now. Copy it into your password manager: whoever installs the file needs it.")
        self.generated.show()
        self.copy_button.show()

    def _on_copy(self) -> None:
        if self._generated:
            copy_secret(self._generated)  # cleared again after 45 s, if still there
            self.copy_button.setText("C&opied")

    def _forget_generated(self) -> None:
        self._generated = ""
        self.generated.clear()
        self.generated.hide()
        self.copy_button.hide()
        self.copy_button.setText("C&opy the passphrase")

    def _on_show_toggled(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.password.setEchoMode(mode)
        self.again.setEchoMode(mode)

    def _clear_password(self) -> None:
        """Once a file is written the password has done its job here: it stays only with the user."""
        self.password.clear()
        self.again.clear()
        self.show_box.setChecked(False)
        self._forget_generated()

    def _checked_password(self) -> str | None:
        """The typed password if it is acceptable; otherwise None, with the reason under the field."""
        from wizard.core.packaging import check_password

        text = self.password.text()
        try:
            check_password(text)
        except InvalidInput as exc:
            self.password_message.show_message(str(exc))
            self.password.setAccessibleDescription(str(exc))
            self.password.setFocus()
            return None
        if self.again.text() != text:
            message = "The two passwords differ. Type the same password in both boxes."
            self.again_message.show_message(message)
            self.again.setAccessibleDescription(message)
            self.again.setFocus()
            return None
        self.password.setAccessibleDescription("")
        self.again.setAccessibleDescription("")
        return text

    # Writing ---------------------------------------------------------------------------------------------

    def _on_save(self) -> None:
        destination = self.destination()
        selected = self._selected()
        if destination is None or selected is None or self.is_busy():
            return
        kind, key, record = selected
        self.clear_error()
        self._say("")
        password = ""
        if destination.needs_key:
            checked = self._checked_password()
            if checked is None:
                return
            password = checked
        wizard = self.onboarding()
        start = self._last_folder or Path.home()
        if destination.format in ("pem", "chain"):
            suggested, file_filter = start / f"{kind.id}-chain.pem", PEM_FILTER
        else:
            suggested, file_filter = start / f"{kind.id}-{destination.format}.pfx", PFX_FILTER
        out = wizard.dialogs.save_file(self, f"Save the package for the {kind.name}", suggested, file_filter)
        if out is None:
            return
        self._last_folder = out.parent
        key_out = key_file_for(out) if destination.format == "pem" else None
        if key_out is not None and key_out.exists() and not wizard.dialogs.confirm(
                self, "Replace the key file", f"The key goes beside the chain, in {key_out}, which already exists. "
                "Replace it?", action="Replace"):
            return
        if not destination.needs_key:
            self._start_write(destination, kind, key, record, None, password, out, key_out)
            return
        self.vault_access().with_vault_for(self, key.vault, lambda vault: self._start_write(
            destination, kind, key, record, vault, password, out, key_out))

    def _start_write(self, destination: Destination, kind: CertificateKind, key: KeyRecord,
                     record: CertificateRecord, vault: Vault | None, password: str, out: Path,
                     key_out: Path | None) -> None:
        from wizard.actions.packages import package_source, write_package
        from wizard.core.pfx_maker import make_elsewhere

        source = package_source(self.session(), kind)
        chain = source.certificate.chain_pem.count("-----BEGIN CERTIFICATE-----")

        def write() -> list[Path]:
            # Runs on a worker: the key is read from its vault and handed straight to the writer. Replacing an
            # existing file was confirmed in the save dialog (the key file beside a PEM chain, on this page). A PFX
            # is made and re-opened in a child process: here they would freeze the window (pfx_maker.py).
            return write_package(source, destination.format, out, vault=vault, password=password, key_out=key_out,
                                 overwrite=True, maker=make_elsewhere)

        self.set_busy(f"Writing and checking the package for the {kind.name}…")
        run_in_background(write, on_success=lambda written: self._on_written(destination, source, chain, written),
                          on_error=self.report_failure, owner=self)

    def _on_written(self, destination: Destination, source: PackageSource, chain: int, written: list[Path]) -> None:
        from wizard.actions.packages import record_package

        self.clear_busy()
        kind = source.kind
        issuers = f"{chain} issuer certificate{'s' if chain != 1 else ''}"
        if destination.format == "chain":
            text = (f"<b>The file is ready:</b> {html.escape(str(written[0]))}. It holds the {html.escape(kind.name)}"
                    f" and its {issuers}, and was opened again and checked. It holds no key, so it can be sent as "
                    "it is.")
        elif destination.format == "pem":
            text = (f"<b>The files are ready:</b> {html.escape(str(written[0]))} (the certificate and its "
                    f"{issuers}) and {html.escape(str(written[1]))} (the private key, protected by the password). "
                    "Both were opened again and checked. Give them to whoever runs the server, and give them the "
                    "password separately: by phone or through a password manager, never in the same e-mail.")
        else:
            text = (f"<b>The file is ready:</b> {html.escape(str(written[0]))}. It holds the "
                    f"{html.escape(kind.name)}, its private key and its {issuers}, and was opened again with its "
                    "password and checked. Install it where it is going. <b>The password must travel separately "
                    "from the file</b>: by phone or through a password manager, never in the same e-mail.")
        self._clear_password()
        try:
            record_package(self.session(), source, destination.format, written)
        except WizardError as exc:
            self.show_error(str(exc))
        self._say(text)
        self.package_written.emit([str(p) for p in written])
