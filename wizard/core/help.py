"""The offline help shipped in resources/help: which topic explains which page, the glossary, and a link check.

The HTML files are the single source: the glossary's terms and definitions are read from glossary.html (each term
a `<dt id=...>` followed by its `<dd>`), so the tooltips and the help window never disagree.

The wizard asks this module for each page's topic while its first window is being built; the HTML reader (and
`html.parser`) is imported only by the functions that read help files (bench/README.md, startup_ratio).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.core.help_reader import GlossaryTerm, HelpFileReader

HELP_FOLDER = "help"
GLOSSARY = "glossary.html"



def help_dir(resources: Path) -> Path:
    return resources / HELP_FOLDER


def _read(path: Path) -> HelpFileReader:
    from wizard.core.help_reader import HelpFileReader

    reader = HelpFileReader()
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    return reader


def glossary(folder: Path) -> tuple[GlossaryTerm, ...]:
    """The glossary's terms, in the order the file gives them."""
    return tuple(_read(folder / GLOSSARY).terms)


def split_topic(topic: str) -> tuple[str, str]:
    """("guide.html", "keys") from "guide.html#keys"; the anchor is "" when there is none."""
    name, _, anchor = topic.partition("#")
    return name, anchor


def broken_links(folder: Path) -> list[str]:
    """Every link in the help that would not work offline: a missing file or anchor, a link that leaves the help
    folder, or an external link that is not https. Empty when the help is sound."""
    pages = {p.name: _read(p) for p in sorted(folder.glob("*.html"))}
    problems = []
    for name, reader in pages.items():
        for href in reader.links:
            if href.startswith("https://"):
                continue
            if re.match(r"^[a-z][a-z0-9+.-]*:", href, re.IGNORECASE) or href.startswith(("/", "\\")):
                problems.append(f"{name}: {href} is not an https link or a page of this help")
                continue
            target, anchor = split_topic(href)
            target_page = pages.get(target or name)
            if target_page is None:
                problems.append(f"{name}: {href} names a help page that does not exist")
            elif anchor and anchor not in target_page.ids:
                problems.append(f"{name}: {href} names a section that does not exist")
    return problems


def topic_exists(folder: Path, topic: str) -> bool:
    name, anchor = split_topic(topic)
    path = folder / name
    return path.is_file() and (not anchor or anchor in _read(path).ids)
