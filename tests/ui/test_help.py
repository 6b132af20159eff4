"""The offline help: F1 and the Help button open the section for the current page, links inside the help work
without a network, and every piece of jargon is explained on the first page that uses it."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QAbstractButton, QLabel, QWizard
from pytestqt.qtbot import QtBot

from wizard.app import Services, resources_dir
from wizard.core.flow import PageId
from wizard.core.help import glossary, help_dir
from wizard.demo import create_demo_project
from wizard.ui.pages.base import BasePage
from wizard.ui.wizard import OnboardingWizard

from .conftest import activate

# Shorthand a project lead may not know. Each must be explained (spelled out beside it, or linked to the glossary)
# on the first page, in journey order, that shows it.
JARGON = ("DIP", "UIT", "MPID", "DCP", "CSR", "PEM", "PFX", "EKU", "SAN", "TLS", "mTLS", "DNS", "TXT")


def page_text(page: BasePage) -> str:
    """The rich text of every visible label and button on the page, as the user can see it."""
    parts = [page.title(), page.subTitle()]
    for label in page.findChildren(QLabel):
        if label.isVisibleTo(page):
            parts.append(label.text())
    for button in page.findChildren(QAbstractButton):
        if button.isVisibleTo(page):
            parts.append(button.text().replace("&", ""))
    return "\n".join(parts)


def explained(term: str, text: str, anchors: dict[str, str]) -> bool:
    plain = re.sub(r"<[^>]+>", "", text)
    anchor = anchors.get(term.lower())
    linked = anchor is not None and f"glossary.html#{anchor}" in text
    spelled = re.search(rf"\b{re.escape(term)}\b \(", plain) or re.search(rf"\([^)]*\b{re.escape(term)}\)", plain)
    return linked or spelled is not None


def test_every_piece_of_jargon_is_explained_where_it_is_first_met(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], services: Services) -> None:
    folder = services.paths.projects_dir / "demo"
    create_demo_project(folder, services.profile, services.clock)
    terms: dict[str, str] = {}
    for t in glossary(help_dir(resources_dir())):
        terms.setdefault(t.term.split()[0].lower(), t.id)
    window = make_wizard()
    window.show()
    first_met: dict[str, str] = {}
    for page_id in PageId:
        if page_id != PageId.WELCOME:
            if window.session is None:
                window.open_project(folder)
            window.walk_to(page_id)
        page = window.currentPage()
        assert isinstance(page, BasePage)
        text = page_text(page)
        plain = re.sub(r"<[^>]+>", "", text)
        for term in JARGON:
            if term in first_met or not re.search(rf"\b{re.escape(term)}\b", plain):
                continue
            first_met[term] = page.title()
            assert explained(term, text, terms), f"{term} is first used on '{page.title()}' without being explained"
    assert {"CSR", "PFX", "DIP"} <= first_met.keys(), first_met


def test_f1_and_the_help_button_open_the_section_for_the_current_page(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], services: Services) -> None:
    folder = services.paths.projects_dir / "demo"
    create_demo_project(folder, services.profile, services.clock)
    window = make_wizard()
    window.open_project(folder)
    window.walk_to(PageId.KEYS)
    activate(qtbot, window)
    assert window.button(QWizard.WizardButton.HelpButton).text().replace("&", "") == "Help"
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_F1)
    viewer = window.help_window
    assert viewer is not None
    assert viewer.isVisible()
    assert viewer.current_topic() == "guide.html#keys"
    assert "Keys and CSRs" in viewer.browser.toPlainText()
    viewer.close()
    window.walk_to(PageId.CERTIFICATES)
    qtbot.mouseClick(window.button(QWizard.WizardButton.HelpButton), Qt.MouseButton.LeftButton)
    assert viewer.isVisible()
    assert viewer.current_topic() == "guide.html#certificates"


def test_links_in_pages_and_in_the_help_stay_offline_until_the_user_clicks_an_official_link(
        qtbot: QtBot, make_wizard: Callable[[], OnboardingWizard], services: Services) -> None:
    window = make_wizard()
    window.show()
    window.next()  # the organisation page links its jargon to the glossary
    page = window.currentPage()
    assert isinstance(page, BasePage)
    page.open_link("help:glossary.html#mpid")
    viewer = window.help_window
    assert viewer is not None
    assert viewer.current_topic() == "glossary.html#mpid"
    handed_out: list[QUrl] = []
    viewer.open_external = handed_out.append
    viewer.browser.anchorClicked.emit(QUrl("guide.html#packages"))
    assert viewer.current_topic() == "guide.html#packages", "links between help pages are followed in the window"
    viewer.browser.anchorClicked.emit(QUrl("#keys"))
    assert viewer.current_topic() == "guide.html#keys", "a link to a section of the same page"
    assert handed_out == []
    official = QUrl("https://elexon-beta.elexonhostings.co.uk/data-integration-platform/")
    viewer.browser.anchorClicked.emit(official)
    assert handed_out == [official], "an official link goes to the browser only when clicked"
    assert viewer.current_topic() == "guide.html#keys"
    qtbot.mouseClick(viewer.back_button, Qt.MouseButton.LeftButton)
    assert viewer.current_topic() == "guide.html#packages"
    page.set_help_topic("guide.html#organisation")
    assert "help:guide.html#organisation" in page.help_label.text()
    assert page.help_label.isVisibleTo(page)
