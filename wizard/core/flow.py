"""The wizard's page graph, as data: which page follows which, which pages commit (Back cannot return past them),
what is remembered as a project's place and where a reopened project resumes.

The Qt wizard (`ui/wizard.py`) only presents these decisions; tests/core/test_flow.py checks them without Qt.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.core.profile import Profile


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


# Pages whose Next has effects outside the project (keys go into the keychain, CSR files are written): once past one,
# Back cannot return to it or to any page before it.
_COMMIT_PAGES = frozenset({PageId.KEYS})


def is_commit_point(page: PageId) -> bool:
    return page in _COMMIT_PAGES


def pages_to(start: PageId, target: PageId) -> tuple[PageId, ...] | None:
    """The pages Next opens, in order, to go from `start` to `target` (empty when already there); None when `target`
    is not ahead of `start`, so that only starting again (from the welcome page) reaches it."""
    begin, end = _ORDER.index(start), _ORDER.index(target)
    return _ORDER[begin + 1:end + 1] if begin <= end else None


def remembered_as(page: PageId) -> str | None:
    """What is saved as a project's place when `page` opens (`resume_page` reads it back); None for the welcome
    page, which is never a project's place."""
    return None if page == PageId.WELCOME else page.name


def resume_page(saved: str | None) -> PageId:
    """Where to reopen a project: the page the user was on, never the welcome page, defaulting to the plan."""
    try:
        page = PageId[saved] if saved else PageId.JOURNEY
    except KeyError:
        return PageId.JOURNEY
    return PageId.ORGANISATION if page == PageId.WELCOME else page


def _page_named(name: str) -> PageId:
    return PageId[name.upper().replace("-", "_")]


def steps_on_page(profile: Profile, page: PageId) -> frozenset[str]:
    """The journey steps a page helps with (e.g. the domain verification step for PageId.DOMAIN), as the profile
    names them (each step's `page`)."""
    return frozenset(s.id for s in profile.steps if s.page is not None and _page_named(s.page) == page)


def page_for_step(profile: Profile, step_id: str) -> PageId | None:
    """The page to open for a journey step: the one the profile names, else the Keys page for a step that makes a
    certificate (a certificate kind names it), else None: the step is done entirely in the DIP portal."""
    step = next((s for s in profile.steps if s.id == step_id), None)
    if step is not None and step.page is not None:
        return _page_named(step.page)
    return PageId.KEYS if any(k.step == step_id for k in profile.certificate_kinds) else None
