"""The wizard's page graph, as data: which page follows which, and where a reopened project resumes."""

from __future__ import annotations

from enum import IntEnum


class PageId(IntEnum):
    WELCOME = 0
    ORGANISATION = 1
    PEOPLE = 2
    JOURNEY = 3
    KEYS = 4
    CERTIFICATES = 5
    PACKAGES = 6
    DOMAIN = 7
    DIP_IDS = 8
    RENEWAL = 9
    PROMOTION = 10
    AUDIT = 11


_ORDER = (PageId.WELCOME, PageId.ORGANISATION, PageId.PEOPLE, PageId.JOURNEY, PageId.KEYS, PageId.CERTIFICATES,
          PageId.PACKAGES, PageId.DOMAIN, PageId.DIP_IDS, PageId.RENEWAL, PageId.PROMOTION, PageId.AUDIT)


def next_page(current: PageId) -> PageId | None:
    """The page after `current`, or None on the last page."""
    index = _ORDER.index(current)
    return _ORDER[index + 1] if index + 1 < len(_ORDER) else None


def resume_page(saved: str | None) -> PageId:
    """Where to reopen a project: the page the user was on, never the welcome page, defaulting to the plan."""
    try:
        page = PageId[saved] if saved else PageId.JOURNEY
    except KeyError:
        return PageId.JOURNEY
    return PageId.ORGANISATION if page == PageId.WELCOME else page
