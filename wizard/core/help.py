"""The offline help shipped in resources/help: which topic explains which page, the glossary, and a link check.

The HTML files are the single source: the glossary's terms and definitions are read from glossary.html (each term
a `<dt id=...>` followed by its `<dd>`), so the tooltips and the help window never disagree.
"""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass
from pathlib import Path

HELP_FOLDER = "help"
GLOSSARY = "glossary.html"



@dataclass(frozen=True, slots=True)
class GlossaryTerm:
    id: str
    term: str
    definition: str


@dataclass(frozen=True, slots=True)
class _Page:
    ids: frozenset[str]
    links: tuple[str, ...]


class _Reader(html.parser.HTMLParser):
    """Collects element ids, link targets and the glossary's dt/dd pairs of one help file."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.terms: list[GlossaryTerm] = []
        self._open: str | None = None  # "dt" or "dd" while inside one
        self._text: list[str] = []
        self._dt: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))
        if tag in ("dt", "dd"):
            self._open, self._text = tag, []
            if tag == "dt":
                self._dt = (str(found.get("id") or ""), "")

    def handle_endtag(self, tag: str) -> None:
        if tag != self._open:
            return
        text = re.sub(r"\s+", " ", "".join(self._text)).strip()
        if tag == "dt" and self._dt is not None:
            self._dt = (self._dt[0], text)
        elif tag == "dd" and self._dt is not None and self._dt[0]:
            self.terms.append(GlossaryTerm(self._dt[0], self._dt[1], text))
            self._dt = None
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self._text.append(data)


def help_dir(resources: Path) -> Path:
    return resources / HELP_FOLDER


def _read(path: Path) -> _Reader:
    reader = _Reader()
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
