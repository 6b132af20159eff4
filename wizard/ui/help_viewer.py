"""The help window: the offline HTML help from resources/help, opened at the section for the current page.

It is a plain window beside the wizard (not modal), so people can read and act at the same time. Pages of the help
load from disk only; an https link to official guidance opens in the web browser, and only when it is clicked.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from wizard.core.help import split_topic
from wizard.core.help_topics import INDEX


class HelpWindow(QDialog):
    def __init__(self, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.setWindowTitle("DIP Onboarding Wizard help")
        self.setModal(False)
        layout = QVBoxLayout(self)
        nav = QHBoxLayout()
        self.back_button = QPushButton("&Back")
        self.forward_button = QPushButton("&Forward")
        self.contents_button = QPushButton("&Contents")
        for button in (self.back_button, self.forward_button, self.contents_button):
            nav.addWidget(button)
        nav.addStretch(1)
        layout.addLayout(nav)
        self.browser = QTextBrowser()
        self.browser.setAccessibleName("Help text")
        self.browser.setSearchPaths([str(folder)])
        # Links inside the help are followed here; anything else is handed to the system only when clicked.
        self.browser.setOpenLinks(False)
        self.browser.anchorClicked.connect(self._follow)
        layout.addWidget(self.browser, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.back_button.clicked.connect(self.browser.backward)
        self.forward_button.clicked.connect(self.browser.forward)
        self.contents_button.clicked.connect(lambda: self.show_topic(INDEX))
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.browser.forwardAvailable.connect(self.forward_button.setEnabled)
        self.back_button.setEnabled(False)
        self.forward_button.setEnabled(False)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Back), self, self.browser.backward)
        self.resize(720, 640)
        # How an https link reaches the web browser; tests replace it so nothing leaves the machine.
        self.open_external: Callable[[QUrl], object] = QDesktopServices.openUrl

    def show_topic(self, topic: str) -> None:
        """Show `topic` ("guide.html#keys") and bring the window forward."""
        name, anchor = split_topic(topic)
        url = QUrl.fromLocalFile(str(self.folder / name))
        if anchor:
            url.setFragment(anchor)
        self.browser.setSource(url)
        if anchor:
            self.browser.scrollToAnchor(anchor)
        self.show()
        self.raise_()
        self.activateWindow()
        self.browser.setFocus(Qt.FocusReason.OtherFocusReason)

    def current_topic(self) -> str:
        source = self.browser.source()
        name = Path(source.toLocalFile()).name
        return f"{name}#{source.fragment()}" if source.fragment() else name

    def _follow(self, url: QUrl) -> None:
        if url.scheme() in ("", "file"):
            path = url.toLocalFile() if url.isLocalFile() else url.path()
            # A bare "#section" link stays on the page being read.
            name = Path(path).name if path else self.current_topic().partition("#")[0]
            self.show_topic(name + (f"#{url.fragment()}" if url.hasFragment() else ""))
        elif url.scheme() == "https":
            self.open_external(url)
