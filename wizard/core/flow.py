"""The wizard's page graph, as data: which page follows which, which pages commit (Back cannot return past them),
what is remembered as a project's place and where a reopened project resumes.

The Qt wizard (`ui/wizard.py`) only presents these decisions; tests/core/test_flow.py checks them without Qt.
"""

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


# The wizard page that helps with each DIP step, where one does. Certificate steps are found through the profile's
# certificate kinds (each names its step), so a profile that moves a certificate to another step needs no change here.
_STEP_PAGES = {
    "prerequisites": PageId.ORGANISATION,
    "step-1": PageId.ORGANISATION,
    "step-2": PageId.PEOPLE,
    "step-3": PageId.PEOPLE,
    "step-5": PageId.DOMAIN,
    "step-7": PageId.DIP_IDS,
    # Step 8 also has a certificate (the webhook's), but its main work is the message channels.
    "step-8": PageId.DIP_IDS,
    "promotion": PageId.PROMOTION,
}


def steps_on_page(page: PageId) -> frozenset[str]:
    """The journey steps a page helps with (e.g. the domain verification step for PageId.DOMAIN)."""
    return frozenset(step for step, on in _STEP_PAGES.items() if on == page)


def page_for_step(step_id: str, certificate_steps: frozenset[str]) -> PageId | None:
    """The page to open for a journey step; None when the step is done entirely in the DIP portal."""
    if step_id in _STEP_PAGES:
        return _STEP_PAGES[step_id]
    return PageId.KEYS if step_id in certificate_steps else None
