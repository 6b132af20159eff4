"""Links from pages into the offline help: `help:guide.html#keys` opens the help window at that section.

Kept apart from the help window so that pages can make links without loading the window or the help reader.
"""

from __future__ import annotations

HELP_SCHEME = "help"


def help_link(topic: str, text: str) -> str:
    """Rich text for a link that opens the help window at `topic` (see `BasePage.open_link`)."""
    return f"<a href='{HELP_SCHEME}:{topic}'>{text}</a>"
