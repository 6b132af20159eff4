"""Which section of the offline help explains each wizard page (kept apart from the help reader, so a page can be
given its topic without loading an HTML parser)."""

from __future__ import annotations

INDEX = "index.html"
GUIDE = "guide.html"

# The section of the guide that explains each wizard page, by the page's name in wizard.core.flow.PageId.
PAGE_TOPICS: dict[str, str] = {
    "WELCOME": f"{GUIDE}#welcome",
    "ORGANISATION": f"{GUIDE}#organisation",
    "PEOPLE": f"{GUIDE}#people",
    "JOURNEY": f"{GUIDE}#journey",
    "KEYS": f"{GUIDE}#keys",
    "CERTIFICATES": f"{GUIDE}#certificates",
    "PACKAGES": f"{GUIDE}#packages",
    "DOMAIN": f"{GUIDE}#domain",
    "DIP_IDS": f"{GUIDE}#dip-ids",
    "RENEWAL": f"{GUIDE}#renewal",
    "PROMOTION": f"{GUIDE}#promotion",
    "AUDIT": f"{GUIDE}#audit",
}


def topic_for_page(page_name: str) -> str:
    """The help topic (file#anchor) for a wizard page; the contents page for one the guide does not cover."""
    return PAGE_TOPICS.get(page_name, INDEX)
