"""A verified handoff bundle, shown before anything is unpacked: its fingerprint, who it is for, its files, and its
instructions rendered from the bundle's own HTML with nothing loaded from anywhere else."""

from __future__ import annotations

import html
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

from wizard.core.bundle_describe import describe_bundle, instructions
from wizard.core.bundle_read import VerifiedBundle


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
        described = describe_bundle(bundle)
        self.setWindowTitle(f"Handoff bundle: {file_name}")
        layout = QVBoxLayout(self)
        about = QLabel(described.about)
        about.setTextFormat(Qt.TextFormat.PlainText)
        about.setWordWrap(True)
        layout.addWidget(about)
        self.fingerprint = QLabel(f"Fingerprint: <b><tt>{html.escape(described.fingerprint)}</tt></b>")
        self.fingerprint.setTextFormat(Qt.TextFormat.RichText)
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint.setAccessibleName(f"Fingerprint {described.fingerprint}")
        layout.addWidget(self.fingerprint)
        check = QLabel(described.check)
        check.setWordWrap(True)
        layout.addWidget(check)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.instructions = OfflineBrowser()
        self.instructions.setAccessibleName("Instructions")
        found = instructions(bundle)
        if found is not None:
            text, is_html = found
            if is_html:
                self.instructions.setHtml(text)
            else:
                self.instructions.setPlainText(text)
        splitter.addWidget(self.instructions)
        columns = ["File", "Size", "What it is", "Sender's description"]
        self.files = QTableWidget(len(described.files), len(columns))
        self.files.setAccessibleName("Files in the bundle")
        self.files.setHorizontalHeaderLabels(columns)
        self.files.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files.verticalHeader().setVisible(False)
        for row, f in enumerate(described.files):
            for column, text in enumerate((f.name, f.size, f.what, f.description)):
                self.files.setItem(row, column, QTableWidgetItem(text))
        for column in range(3):  # name, size and kind are short: each column as wide as its longest text
            self.files.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.files.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.files.setWordWrap(True)
        self.files.resizeRowsToContents()
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

