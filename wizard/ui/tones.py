"""Text colours that stay readable in light and dark mode.

Colours are chosen when text is drawn, from the application palette: dark-mode pairs are light tints of the same
hues. Each pair keeps at least WCAG AA contrast (4.5:1) against the window and base colours of its mode; a test
checks it. Colour only repeats what the words say ("Must fix", "Renew soon"), so it is never the only signal.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QGuiApplication, QPalette

LIGHT = {"error": "#b71c1c", "warning": "#8a4b00", "ok": "#1b5e20", "accent": "#0d47a1", "border": "#6b6b6b"}
DARK = {"error": "#ff8a80", "warning": "#ffb74d", "ok": "#81c784", "accent": "#90caf9", "border": "#a0a0a0"}


def is_dark(palette: QPalette | None = None) -> bool:
    """True when the window background is dark (the OS is in dark mode, or a dark palette is set)."""
    chosen = palette if palette is not None else QGuiApplication.palette()
    return chosen.color(QPalette.ColorRole.Window).lightness() < 128


def tone(name: str, palette: QPalette | None = None) -> str:
    """The colour for `name` ("error", "warning", "ok", "accent", "border") in the current mode."""
    return (DARK if is_dark(palette) else LIGHT)[name]


def _luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """The WCAG contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def dark_palette() -> QPalette:
    """A dark palette like the ones Windows, macOS and GNOME use in dark mode, for screenshots and tests."""
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2b2b", QPalette.ColorRole.WindowText: "#e8e8e8",
        QPalette.ColorRole.Base: "#1e1e1e", QPalette.ColorRole.AlternateBase: "#2f2f2f",
        QPalette.ColorRole.Text: "#e8e8e8", QPalette.ColorRole.Button: "#3a3a3a",
        QPalette.ColorRole.ButtonText: "#e8e8e8", QPalette.ColorRole.Highlight: "#2f65ca",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.ToolTipBase: "#3a3a3a", QPalette.ColorRole.ToolTipText: "#e8e8e8",
        QPalette.ColorRole.PlaceholderText: "#9a9a9a", QPalette.ColorRole.BrightText: "#ffffff",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#8a8a8a"))
    return palette
