"""What every page shares: a typed route to the wizard's services and an inline error line."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget, QWizardPage

from wizard.ui.widgets import FieldMessage

if TYPE_CHECKING:
    from wizard.ui.wizard import OnboardingWizard


class BasePage(QWizardPage):
    """A page with an intro paragraph at the top and a page-level error line at the bottom."""

    def __init__(self, title: str, subtitle: str, intro: str = "") -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.body = QVBoxLayout(self)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            label.setOpenExternalLinks(True)
            self.body.addWidget(label)
        self.page_error = FieldMessage()
        self.page_error.setAccessibleName("Problem on this page")

    def first_field(self) -> QWidget | None:
        """Where keyboard focus goes when the page opens; subclasses name their first input."""
        return None

    def finish_layout(self) -> None:
        """Call at the end of a subclass's __init__: puts the page-level error line last."""
        self.body.addWidget(self.page_error)

    def onboarding(self) -> OnboardingWizard:
        return cast("OnboardingWizard", self.wizard())

    def show_error(self, text: str) -> None:
        self.page_error.show_message(text)

    def clear_error(self) -> None:
        self.page_error.show_message("")
