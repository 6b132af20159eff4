"""A verified handoff bundle, shown before anything is unpacked: its fingerprint, who it is for, its files, and its
instructions rendered from the bundle's own HTML with nothing loaded from anywhere else."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from wizard.core.bundle_read import VerifiedBundle
from wizard.core.shown import shown


class OfflineBrowser(QTextBrowser):
    """Shows HTML but never follows a link or loads an image, style sheet or anything else it names."""

    def __init__(self) -> None:
        super().__init__()
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.requested: list[str] = []  # what the page asked to load (always refused)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:
        self.requested.append(name.toString() if isinstance(name, QUrl) else name)
        return None


class BundleDialog(QDialog):
    """Accepted means the user asked to import the bundle into a folder."""

    def __init__(self, parent: QWidget | None, bundle: VerifiedBundle, file_name: str) -> None:
        super().__init__(parent)
        m = bundle.manifest
        self.setWindowTitle(f"Handoff bundle: {file_name}")
        layout = QVBoxLayout(self)
        about = QLabel(f"For the <b>{_e(m.audience.get('name', m.audience['id']))}</b> of "
                       f"{_e(m.organisation.get('name', ''))} ({_e(m.environment.get('name', m.environment['id']))})"
                       f", made on {m.created_at:%d %b %Y %H:%M} UTC by the wizard {_e(m.tool_version)}. Every file "
                       "matches its manifest.")
        about.setTextFormat(Qt.TextFormat.RichText)
        about.setWordWrap(True)
        layout.addWidget(about)
        self.fingerprint = QLabel(f"Fingerprint: <b><tt>{_e(bundle.fingerprint)}</tt></b>")
        self.fingerprint.setTextFormat(Qt.TextFormat.RichText)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint.setAccessibleName(f"Fingerprint {bundle.fingerprint}")
        layout.addWidget(self.fingerprint)
        check = QLabel("Ask the sender to read you their fingerprint, by phone. If it is not exactly this one, do not "
                       "use the bundle.")
        check.setWordWrap(True)
        layout.addWidget(check)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.instructions = OfflineBrowser()
        self.instructions.setAccessibleName("Instructions")
        if "instructions.html" in bundle.files:
            self.instructions.setHtml(bundle.text("instructions.html"))
        elif "instructions.txt" in bundle.files:
            self.instructions.setPlainText(bundle.text("instructions.txt"))
        splitter.addWidget(self.instructions)
        self.files = QTableWidget(len(m.files), 3)
        self.files.setAccessibleName("Files in the bundle")
        self.files.setHorizontalHeaderLabels(["File", "Size", "What it is"])
        self.files.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files.verticalHeader().setVisible(False)
        for row, f in enumerate(m.files):
            self.files.setItem(row, 0, QTableWidgetItem(shown(f.name)))
            self.files.setItem(row, 1, QTableWidgetItem(f"{f.size:,} bytes"))
            self.files.setItem(row, 2, QTableWidgetItem(shown(f.description) + (" (password-protected private key)"
                                                                                 if f.contains_key else "")))
        self.files.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        splitter.addWidget(self.files)
        # The instructions are what the recipient reads; the file list is short.
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)

        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton("&Import into a folder…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setAccessibleDescription("Unpack the bundle's files into a new folder")
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 620)


def _e(text: str) -> str:
    """Text from the manifest as escaped plain text on one line (wizard/core/shown.py), safe inside rich text."""
    import html

    from wizard.core.shown import shown

    return html.escape(shown(text))
