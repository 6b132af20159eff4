"""Certificates: bring in what the supplier sent, see each certificate's state and expiry, and read what it says.

A file (dropped, chosen or pasted) is read, matched to one of the project's keys and checked off the UI thread;
only a certificate that answers a key and passes the checks is recorded (`commit_certificate`, on the UI thread).
When it answers a replacement key and is valid now, the key it replaces is retired (kept in its vault until its
certificate expires); one valid later waits, and the current one stays in use until then.
Bringing your own key reads a PFX or a password-protected key file in the background and stores the key in the
vault like a generated one.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QDragEnterEvent, QDragLeaveEvent, QDropEvent, QGuiApplication, QShowEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from wizard.core.errors import InvalidInput, WizardError
from wizard.core.flow import PageId
from wizard.core.lifecycle import kind_state
from wizard.core.model import Project
from wizard.core.profile import CertificateKind, Profile
from wizard.core.session import ProjectSession
from wizard.core.vault import Vault
from wizard.ui.help_links import help_link
from wizard.ui.pages.base import BasePage
from wizard.ui.tones import tone
from wizard.ui.widgets import FindingsPanel, expiry_status, result_label, row_table
from wizard.ui.workers import run_in_background

if TYPE_CHECKING:

    from wizard.actions.certificates import Brought, Examined
    from wizard.actions.keys import KeyJob

INTRO = ("When your certificate supplier sends a certificate, bring it in here: drop the file below, choose it, or "
         "paste its text. The wizard finds the key it belongs to, checks it, and keeps it with the project. "
         "Certificates are public, so this is safe; private keys stay where they are. Back is off on this page: "
         "the keys made on the page before are already saved, and going back cannot undo that; Go to Keys and CSRs "
         "(below) opens that page again.")
CERT_FILTER = ("Certificate files (*.pem *.crt *.cer *.der *.p7b *.p7c *.txt);;All files (*)")
KEY_FILTER = "PFX or key files (*.pfx *.p12 *.key *.pem);;All files (*)"
MAX_FILE_BYTES = 1024 * 1024


def _read_file(path: Path, what: str) -> bytes:
    """A file's bytes, refusing what cannot be a certificate or key file before reading it. Worker thread only."""
    try:
        if path.is_dir():
            raise InvalidInput("file", f"{path.name} is a folder, not a file.")
        size = path.stat().st_size
        if not path.is_file():
            raise InvalidInput("file", f"{path.name} is not an ordinary file, so it cannot be a {what}.")
        if size > MAX_FILE_BYTES:
            raise InvalidInput("file", f"{path.name} is {size // 1024} KB, far larger than any {what}; check "
                                       "you chose the right file.")
        with path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InvalidInput("file", f"There is no file {path}.") from None
    except OSError as exc:
        raise InvalidInput("file", f"Could not read {path.name}: {exc.strerror or exc}.") from None


def examine(sources: list[tuple[bytes, str]], profile: Profile, project: Project, now: dt.datetime) -> Examined:
    """Read, match and check certificate data (worker thread). Raises `NotACertificate`, `NotForThisKey`."""
    from wizard.actions.certificates import examine as examine_found
    from wizard.core.certfiles import CertificateFile, read_certificates

    files = [read_certificates(data, name) for data, name in sources]
    certificates = tuple(c for f in files for c in f.certificates)
    found = files[0] if len(files) == 1 else CertificateFile(certificates, "several files")
    return examine_found(project, profile, found, now)


def read_sources(paths: list[Path]) -> list[tuple[bytes, str]]:
    """The bytes of each chosen or dropped file, named for messages (worker thread)."""
    return [(_read_file(path, "certificate file"), path.name) for path in paths]


class DropZone(QFrame):
    """Takes certificate files (or PEM text) dropped on it; says what it accepts."""

    files_dropped = Signal(list)   # list[Path]
    text_dropped = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("dropZone")
        self._style(False)
        layout = QVBoxLayout(self)
        self.label = QLabel("<b>Drop the certificate file here</b><br>PEM, CER/DER or P7B (a whole chain in one "
                            "file is fine; so are several files at once)")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        layout.addLayout(self.buttons)

    def _style(self, hovering: bool) -> None:
        border = tone("accent") if hovering else tone("border")
        self.setStyleSheet(f"#dropZone {{ border: 2px dashed {border}; border-radius: 6px; }}")

    @staticmethod
    def _acceptable(mime: QMimeData) -> bool:
        return any(url.isLocalFile() for url in mime.urls()) or "-----BEGIN" in mime.text()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._acceptable(event.mimeData()):
            self._style(True)
            event.acceptProposedAction()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._style(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._style(False)
        if self.take(event.mimeData()):
            event.acceptProposedAction()

    def take(self, mime: QMimeData) -> bool:
        """Hand on what a drop carries: local files first, else PEM text. False if it carries neither."""
        files = [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]
        if files:
            self.files_dropped.emit(files)
            return True
        if "-----BEGIN" in mime.text():
            self.text_dropped.emit(mime.text())
            return True
        return False


class CertificatesPage(BasePage):
    certificate_imported = Signal(str)     # the certificate kind id
    import_refused = Signal(str)           # the reason, in plain words
    key_brought = Signal(str)              # the certificate kind id

    def __init__(self) -> None:
        super().__init__("Certificates", "Import the certificates your supplier issues, and see when each one "
                         "expires.", INTRO)
        self.drop_zone = DropZone()
        self.drop_zone.setAccessibleName("Drop zone for certificate files")
        self.choose_button = QPushButton("Choose &file…")
        self.choose_button.setAccessibleDescription("Choose the certificate file your supplier sent")
        self.paste_button = QPushButton("&Paste certificate text")
        self.paste_button.setAccessibleDescription("Import a certificate copied as text, from -----BEGIN "
                                                   "CERTIFICATE----- to -----END CERTIFICATE-----")
        self.drop_zone.buttons.insertWidget(1, self.choose_button)
        self.drop_zone.buttons.insertWidget(2, self.paste_button)
        self.drop_zone.buttons.addStretch(1)
        # Everything below the intro scrolls as one, so nothing is squeezed on top of anything in a small window.
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.drop_zone)
        self.import_result = result_label("Result of the import")
        column.addWidget(self.import_result)

        self.table = row_table(["Certificate", "Key", "Issued to", "Expires", "Status"])
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.table.setAccessibleName("Certificates, their keys and when they expire")
        header = self.table.horizontalHeader()
        for col in (0, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)  # names wrap in a narrow window
        for col in (1, 3, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.sectionResized.connect(lambda *_: self._fit_table())
        column.addWidget(self.table)

        lower = QHBoxLayout()
        left = QVBoxLayout()
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAccessibleName("About the selected certificate")
        left.addWidget(self.details)
        self.findings = FindingsPanel("Checks", "Nothing to check yet.")
        self.findings.setAlignment(Qt.AlignmentFlag.AlignTop)
        left.addWidget(self.findings)
        left.addStretch(1)
        lower.addLayout(left, 3)

        side = QVBoxLayout()
        self.bring_button = QPushButton("Bring your own ke&y…")
        self.bring_button.setAccessibleDescription("Bring in a key made elsewhere, from a PFX file or a "
                                                   "password-protected key file, for a certificate with no key yet")
        self.bring_about = self.link_label(
            "Already made the key and CSR elsewhere? Bring the key in from a "
            f"{help_link('glossary.html#pfx', 'PFX')} (one password-protected file holding a certificate and its "
            "key) or a password-protected key file, with its certificate.")
        self.keys_button = QPushButton("Go to &Keys and CSRs")
        self.keys_button.setAccessibleDescription("Make a key, or a replacement key when a certificate is due for "
                                                  "renewal. Your certificates stay as they are.")
        side.addWidget(self.bring_about)
        side.addWidget(self.bring_button)
        side.addSpacing(12)
        side.addWidget(self.keys_button)
        side.addStretch(1)
        lower.addLayout(side, 1)
        column.addLayout(lower, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        self.body.addWidget(scroll, 1)
        self.finish_layout()

        self._kinds: tuple[CertificateKind, ...] = ()
        self._last_folder: Path | None = None

        self.table.currentCellChanged.connect(lambda *_: self._show_details())
        self.choose_button.clicked.connect(self._on_choose)
        self.paste_button.clicked.connect(self._on_paste)
        self.drop_zone.files_dropped.connect(self.import_files)
        self.drop_zone.text_dropped.connect(lambda text: self.import_text(text, "The dropped text"))
        self.bring_button.clicked.connect(self._on_bring_key)
        self.keys_button.clicked.connect(lambda: self.onboarding().revisit(PageId.KEYS))
        self.busy_changed.connect(lambda _busy: self._update_actions())

    def first_field(self) -> QWidget:
        return self.choose_button

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self.table, self._fit_table)

    def _fit_table(self) -> None:
        """Wrap the rows, then make the table exactly as tall as its rows, leaving the room for the details."""
        self.table.resizeRowsToContents()
        height = self.table.horizontalHeader().height() + 2 * self.table.frameWidth()
        height += sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(height)

    def initializePage(self) -> None:
        self.clear_error()
        self._say("")
        self._refresh()



    def _say(self, text: str, *, problem: bool = False) -> None:
        """The outcome of the last import, under the drop zone: red with "Not imported" when refused."""
        if problem:
            text = f"<span style='color:{tone('error')}'><b>Not imported.</b> {html.escape(text)}</span>"
        self.import_result.setText(text)
        self.import_result.setVisible(bool(text))

    # The table and the details -------------------------------------------------------------------------------

    def select_kind(self, kind_id: str) -> None:
        for row, kind in enumerate(self._kinds):
            if kind.id == kind_id:
                self.table.setCurrentCell(row, 0)
                return

    def selected_kind(self) -> CertificateKind | None:
        row = self.table.currentRow()
        return self._kinds[row] if 0 <= row < len(self._kinds) else None

    def status_cells(self, kind_id: str) -> list[str]:
        """The texts of a kind's row, as a screen reader would read them (for tests and for people)."""
        row = [k.id for k in self._kinds].index(kind_id)
        items = [self.table.item(row, col) for col in range(self.table.columnCount())]
        return [item.text() if item is not None else "" for item in items]

    def _refresh(self) -> None:
        from wizard.core.inventory import inventory

        session = self.session()
        project = session.project
        self._kinds = session.profile.certificate_kinds
        rows = inventory(session.profile, project, session.clock())
        current = self.table.currentRow()
        self.table.setRowCount(len(self._kinds))
        for row, kind in enumerate(self._kinds):
            held = project.current_certificate(kind.id)
            colour = ""
            if held is None:
                cells = [kind.name, kind_state(project, kind.id), "—", "—", "No certificate yet"]
            else:
                _key, record = held
                row_of = next(r for r in rows if r.kind == kind.id and r.not_after == record.not_after)
                words = expiry_status(row_of.status, row_of.days_left)
                colour = words.colour
                cells = [kind.name, kind_state(project, kind.id), record.subject,
                         f"{record.not_after:%d %b %Y}", words.words]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, kind.id)
                if col == 4 and colour:
                    item.setForeground(QBrush(QColor(colour)))
                self.table.setItem(row, col, item)
        self._fit_table()
        self.table.setCurrentCell(current if 0 <= current < len(self._kinds) else 0, 0)
        self._show_details()

    def _show_details(self) -> None:
        kind = self.selected_kind()
        if kind is None:
            self.details.clear()
            self.findings.clear()
            self._update_actions()
            return
        session = self.session()
        project = session.project
        held = project.current_certificate(kind.id)
        heading = f"<b>{html.escape(kind.name)}</b><br>{html.escape(kind.purpose)}"
        if held is None:
            if project.keys_for(kind.id):
                advice = ("No certificate yet. Send the CSR from the Keys and CSRs page to your certificate "
                          "supplier; when the certificate comes back, drop the file above.")
            else:
                advice = ("No key yet, so no certificate can be imported. Make a key on the Keys and CSRs page, or "
                          "bring your own key if it was made elsewhere.")
            self.details.setText(f"{heading}<br><br>{html.escape(advice)}")
            self.findings.setText("")
            self._update_actions()
            return
        from wizard.actions.packages import load_certificate
        from wizard.core.certfiles import describe_certificate
        from wizard.core.certs import check_certificate

        _key, record = held
        cert, chain = load_certificate(record)
        now = session.clock()
        lines = describe_certificate(cert, now)
        issuers = (f"{len(chain)} issuer certificate{'s' if len(chain) != 1 else ''} kept with it (the chain)"
                   if chain else "no issuer certificates (no chain) came with it")
        lines.append(f"Imported {record.imported_at:%d %b %Y}; {issuers}")
        pending = project.key_in_state(kind.id, "pending")
        if pending is not None:
            lines.append(kind_state(project, kind.id))
        items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
        self.details.setText(f"{heading}<ul style='margin-left:-20px'>{items}</ul>")
        self.findings.set_findings(check_certificate(kind, cert, chain, now, project.organisation.domain))
        self._update_actions()

    def _update_actions(self) -> None:
        busy = self.is_busy()
        kind = self.selected_kind()
        session = self.onboarding().session if self.wizard() is not None else None
        has_key = bool(session.project.keys_for(kind.id)) if session is not None and kind is not None else True
        for button in (self.choose_button, self.paste_button, self.keys_button):
            button.setEnabled(not busy)
        self.drop_zone.setAcceptDrops(not busy)
        self.bring_button.setEnabled(not busy and not has_key)
        self.bring_button.setToolTip("" if not has_key else "The selected certificate already has a key. Bringing "
                                     "your own is for a certificate with no key yet.")

    # Importing -------------------------------------------------------------------------------------------

    def _on_choose(self) -> None:
        if self.is_busy():
            return
        paths = self.onboarding().dialogs.open_files(self, "Choose the certificate file your supplier sent",
                                                     self._last_folder or Path.home(), CERT_FILTER)
        if paths:
            self._last_folder = paths[0].parent
            self.import_files(paths)

    def _on_paste(self) -> None:
        text = QGuiApplication.clipboard().text()
        if not text.strip():
            self._say("The clipboard holds no text. Copy the certificate's text first, from -----BEGIN "
                      "CERTIFICATE----- to -----END CERTIFICATE-----.", problem=True)
            return
        self.import_text(text, "The pasted text")

    def import_files(self, paths: list[Path]) -> None:
        """Import certificate files (chosen or dropped): read, matched and checked in the background."""
        self._start_import(lambda: read_sources(paths), "Reading " + ", ".join(p.name for p in paths) + "…")

    def import_text(self, text: str, name: str) -> None:
        """Import certificate text (pasted or dropped)."""
        data = text.encode("utf-8", "replace")
        self._start_import(lambda: [(data, name)], "Reading the certificate text…")

    def _start_import(self, sources: Callable[[], list[tuple[bytes, str]]], busy_text: str) -> None:
        if self.is_busy():
            return
        session = self.session()
        profile, project, now = session.profile, session.project, session.clock()
        self.clear_error()
        self._say("")
        self.set_busy(busy_text)
        run_in_background(lambda: examine(sources(), profile, project, now),
                          on_success=lambda examined: self._on_examined(session, examined),
                          on_error=self._on_import_failed, owner=self)

    def _on_import_failed(self, error: BaseException) -> None:
        if isinstance(error, WizardError):
            self.clear_busy()
            self._say(str(error), problem=True)
            self.import_refused.emit(str(error))
            return
        self.report_failure(error)

    def _on_examined(self, session: ProjectSession, examined: Examined) -> None:
        try:
            self._record_examined(session, examined)
        except Exception as exc:  # not the user's doing: reported, and the page is not left busy (it would keep
            self.report_failure(exc)  # the window from closing)

    def _record_examined(self, session: ProjectSession, examined: Examined) -> None:
        from wizard.actions.certificates import commit_certificate

        wizard = self.onboarding()
        if wizard.session is not session:
            self.clear_busy()
            return  # another project was opened meanwhile; nothing was stored
        match = examined.match
        if examined.problems:
            reason = " ".join(examined.problems)
            self._refuse(match.kind.id, f"It is for the {match.kind.name}, but it cannot be used: {reason}", reason)
            return
        try:
            done = commit_certificate(session, examined)
        except WizardError as exc:
            self._refuse(match.kind.id, str(exc), str(exc))
            return
        text = done.summary().replace("dip-onboarding keys destroy-retired DIR", "dip-onboarding keys "
                                      f"destroy-retired {session.folder}") + " Its details and checks are below."
        self._say(html.escape(text))
        # The table, the details with their checks and the expiry reminder follow on the next turn of the event
        # loop (the page stays busy until then): done in this one, they kept the window from drawing for ~15 ms
        # (bench: ui_max_stall_ms, import).
        QTimer.singleShot(0, self, lambda: self._show_imported(session, match.kind.id))

    def _refuse(self, kind_id: str, text: str, reason: str) -> None:
        """Nothing was recorded: say why, beside the kind the certificate was for."""
        self.clear_busy()
        self.select_kind(kind_id)
        self._say(text, problem=True)
        self.import_refused.emit(reason)

    def _show_imported(self, session: ProjectSession, kind_id: str) -> None:
        try:
            wizard = self.onboarding()
            if wizard.session is not session:
                return
            wizard.project_changed.emit()
            self._refresh()
            self.select_kind(kind_id)
        finally:
            self.clear_busy()
        self.certificate_imported.emit(kind_id)

    # Bringing your own key -----------------------------------------------------------------------------------

    def _on_bring_key(self) -> None:
        kind = self.selected_kind()
        if kind is None or self.is_busy() or self.session().project.keys_for(kind.id):
            return
        dialogs = self.onboarding().dialogs
        chosen = dialogs.open_files(self, f"Choose the PFX or key file for the {kind.name}",
                                    self._last_folder or Path.home(), KEY_FILTER)
        if not chosen:
            return
        path = chosen[0]
        self._last_folder = path.parent
        self.clear_error()
        self._say("")
        self.set_busy(f"Reading {path.name}…")
        run_in_background(lambda: _read_file(path, "PFX or key file"),
                          on_success=lambda data: self._on_key_file_read(kind, path, data),
                          on_error=self._on_import_failed, owner=self)

    def _on_key_file_read(self, kind: CertificateKind, path: Path, data: bytes) -> None:
        self.clear_busy()
        dialogs = self.onboarding().dialogs
        certificate: Path | None = None
        if b"PRIVATE KEY" in data:
            chosen = dialogs.open_files(self, f"Choose the certificate issued for the key in {path.name} (or "
                                        "cancel to bring the key alone)", path.parent, CERT_FILTER)
            certificate = chosen[0] if chosen else None
        password = dialogs.ask_file_password(self, file_name=path.name)
        if password is None:
            return
        access = self.vault_access()
        if access.chosen is None:
            self.show_error(access.problem())
            return
        from wizard.actions.certificates import begin_bring_key, open_and_store
        from wizard.actions.keys import key_generation_failed

        vault = access.chosen
        session = self.session()
        now = session.clock()
        try:
            job = begin_bring_key(session, kind, vault.kind)
        except WizardError as exc:
            self.show_error(str(exc))
            return
        self.set_busy(f"Opening {path.name} and storing its key in {vault.name}…")

        def work() -> Brought:
            cert_data = _read_file(certificate, "certificate file") if certificate is not None else None
            return open_and_store(job, data, password, cert_data, vault, now)

        def failed(error: BaseException) -> None:
            key_generation_failed(session, job, error)
            self._on_import_failed(error)

        run_in_background(work, on_success=lambda brought: self._on_key_brought(session, job, vault, brought),
                          on_error=failed, owner=self)

    def _on_key_brought(self, session: ProjectSession, job: KeyJob, vault: Vault, brought: Brought) -> None:
        from wizard.actions.certificates import bring_summary, finish_bring_key

        self.clear_busy()
        wizard = self.onboarding()
        if wizard.session is not session:
            return  # another project was opened meanwhile: that project's next open rolls this key back
        try:
            outcome = finish_bring_key(session, job, brought)
        except WizardError as exc:
            self._say(str(exc), problem=True)
            return
        wizard.project_changed.emit()
        self._say(html.escape(bring_summary(job.kind, vault.name, outcome)))
        self._refresh()
        self.select_kind(job.kind.id)
        self.key_brought.emit(job.kind.id)
