"""Coloured text stays readable in light and dark mode: every tone keeps WCAG AA contrast with the background."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from wizard.core.findings import Finding
from wizard.ui.tones import DARK, LIGHT, contrast, dark_palette, is_dark, tone
from wizard.ui.widgets import FieldMessage, FindingsPanel

AA = 4.5


def light_palette() -> QPalette:
    palette = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#efefef"), (QPalette.ColorRole.Base, "#ffffff")):
        palette.setColor(role, QColor(colour))
    return palette


@pytest.fixture
def dark_mode(qapp: QApplication) -> Iterator[None]:
    before = qapp.palette()
    qapp.setPalette(dark_palette())
    yield
    qapp.setPalette(before)


@pytest.mark.parametrize(("palette", "expected"), [(light_palette, LIGHT), (dark_palette, DARK)])
def test_every_tone_is_readable_on_its_mode_s_backgrounds(qapp: QApplication, palette: object,
                                                          expected: dict[str, str]) -> None:
    chosen = palette()  # type: ignore[operator]
    for name in LIGHT:
        colour = tone(name, chosen)
        assert colour == expected[name]
        if name == "border":
            continue  # a frame line, not text
        for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Base):
            ratio = contrast(QColor(colour), chosen.color(role))
            assert ratio >= AA, f"{name} {colour} on {chosen.color(role).name()}: {ratio:.2f}"


def test_the_contrast_check_itself_can_fail(qapp: QApplication) -> None:
    assert contrast(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast(QColor("#c62828"), dark_palette().color(QPalette.ColorRole.Window)) < AA, \
        "the old light-mode red on a dark window, which this module exists to avoid"


def test_messages_and_findings_follow_dark_mode(qtbot: QtBot, dark_mode: None) -> None:
    assert is_dark()
    panel = FindingsPanel("Checks", "Nothing to do.")
    qtbot.addWidget(panel)
    panel.set_findings([Finding("error", "x", "Something must be fixed."),
                        Finding("warning", "y", "Something to check.")])
    assert DARK["error"] in panel.text()
    assert DARK["warning"] in panel.text()
    assert LIGHT["error"] not in panel.text()
    message = FieldMessage()
    qtbot.addWidget(message)
    message.show_message("Enter a company number.")
    assert DARK["error"] in message.styleSheet()
