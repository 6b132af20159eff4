"""The wizard's page flow without Qt: the page order, where a project resumes, which page helps with which journey
step, which pages commit, and the pages Next passes through. `ui/wizard.py` only presents these decisions."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from pathlib import Path

import pytest

from wizard.core import flow
from wizard.core.flow import (
    PageId,
    is_commit_point,
    next_page,
    page_for_step,
    pages_to,
    remembered_as,
    resume_page,
    steps_on_page,
)
from wizard.core.profile import STEP_PAGES, Profile

ORDER = list(PageId)  # declaration order, which is also value order


def certificate_steps(profile: Profile) -> frozenset[str]:
    return frozenset(kind.step for kind in profile.certificate_kinds)


# ---------------------------------------------------------------- the order


def test_next_walks_every_page_once_from_welcome_to_audit() -> None:
    walked = [PageId.WELCOME]
    while (following := next_page(walked[-1])) is not None:
        assert following not in walked, f"{following.name} twice"
        walked.append(following)
    assert walked == ORDER
    assert walked[-1] == PageId.AUDIT
    assert [int(page) for page in walked] == list(range(len(ORDER)))


@pytest.mark.parametrize("page", ORDER[:-1])
def test_next_is_the_following_page(page: PageId) -> None:
    assert next_page(page) == ORDER[ORDER.index(page) + 1]


def test_the_last_page_has_no_next() -> None:
    assert next_page(PageId.AUDIT) is None


# ---------------------------------------------------------------- resuming a project


@pytest.mark.parametrize("page", [p for p in PageId if p != PageId.WELCOME])
def test_a_project_resumes_on_the_page_it_was_left_on(page: PageId) -> None:
    assert resume_page(page.name) == page


def test_a_project_left_on_the_welcome_page_resumes_on_the_organisation_page() -> None:
    assert resume_page("WELCOME") == PageId.ORGANISATION


@pytest.mark.parametrize("saved", [None, "", "NOT_A_PAGE", "keys", "4", " JOURNEY", "PageId.KEYS"])
def test_nothing_or_anything_unknown_resumes_on_the_journey_plan(saved: str | None) -> None:
    assert resume_page(saved) == PageId.JOURNEY


@pytest.mark.parametrize("page", [p for p in PageId if p != PageId.WELCOME])
def test_the_remembered_place_reads_back_as_the_same_page(page: PageId) -> None:
    place = remembered_as(page)
    assert place is not None
    assert resume_page(place) == page


def test_the_welcome_page_is_never_remembered() -> None:
    assert remembered_as(PageId.WELCOME) is None


# ---------------------------------------------------------------- journey steps and pages


def test_the_step_to_page_map_is_profile_data(profile: Profile) -> None:
    """No step id is written in core/flow.py: the profile names each step's page."""
    source = Path(flow.__file__).read_text(encoding="utf-8")
    assert not re.search(r"\"(step-[0-9]+|prerequisites|promotion)\"", source)
    named = {step.id: step.page for step in profile.steps if step.page is not None}
    assert named["step-5"] == "domain"
    assert all(page in STEP_PAGES for page in named.values())
    assert set(STEP_PAGES) == {p.name.lower().replace("_", "-") for p in PageId} - {"welcome"}


def test_steps_on_page_partition_the_steps_with_a_page(profile: Profile) -> None:
    shown = {page: steps_on_page(profile, page) for page in PageId}
    together = [step for steps in shown.values() for step in steps]
    assert len(together) == len(set(together)), "a step on two pages"
    assert set(together) == {s.id for s in profile.steps if s.page is not None}
    assert shown[PageId.DOMAIN] == {"step-5"}
    assert shown[PageId.PEOPLE] == {"step-2", "step-3"}
    assert shown[PageId.WELCOME] == frozenset()
    for page, steps in shown.items():  # each page's steps lead back to that page
        for step in steps:
            assert page_for_step(profile, step) == page


def test_certificate_steps_open_the_keys_page_unless_named_otherwise(profile: Profile) -> None:
    assert {"step-4", "step-6", "step-8"} <= certificate_steps(profile), "the shipped profile's certificate steps"
    assert page_for_step(profile, "step-4") == PageId.KEYS
    assert page_for_step(profile, "step-6") == PageId.KEYS
    # Step 8 has the webhook's certificate, but its main work is the message channels.
    assert page_for_step(profile, "step-8") == PageId.DIP_IDS


def test_every_profile_step_opens_a_page_after_welcome_or_none(profile: Profile) -> None:
    pages = {step.id: page_for_step(profile, step.id) for step in profile.steps}
    assert PageId.WELCOME not in pages.values()
    assert pages["promotion"] == PageId.PROMOTION
    # A step done entirely in the DIP portal has no page; a certificate kind moved to it gives it the keys page.
    portal_only = replace(profile, steps=(*profile.steps, replace(profile.steps[-1], id="portal-only", page=None)))
    assert page_for_step(portal_only, "portal-only") is None
    moved = replace(portal_only, certificate_kinds=(replace(portal_only.certificate_kinds[0], step="portal-only"),))
    assert page_for_step(moved, "portal-only") == PageId.KEYS


# ---------------------------------------------------------------- commit pages and walking forward


def test_only_the_keys_page_commits() -> None:
    assert [page for page in PageId if is_commit_point(page)] == [PageId.KEYS]


def test_pages_to_lists_what_next_opens_on_the_way() -> None:
    assert pages_to(PageId.WELCOME, PageId.AUDIT) == tuple(ORDER[1:])
    assert pages_to(PageId.ORGANISATION, PageId.KEYS) == (PageId.PEOPLE, PageId.JOURNEY, PageId.KEYS)
    assert pages_to(PageId.JOURNEY, PageId.JOURNEY) == ()


@pytest.mark.parametrize(("start", "target"), list(itertools.product(PageId, PageId)))
def test_pages_to_follows_next_page_or_says_the_target_is_behind(start: PageId, target: PageId) -> None:
    path = pages_to(start, target)
    if target < start:
        assert path is None
        return
    assert path is not None
    walked, at = [], start
    while at != target:
        following = next_page(at)
        assert following is not None
        walked.append(following)
        at = following
    assert path == tuple(walked)
