"""Reading one offline help file: its element ids, its links and the glossary's dt/dd pairs.

Apart from `wizard.core.help` so that asking for a page's help topic (as the first window does) loads neither
`html.parser` nor these classes.
"""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GlossaryTerm:
    id: str
    term: str
    definition: str


class HelpFileReader(html.parser.HTMLParser):
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
