"""The profile speaks of the DIP's guidance as it is: documents the MHHS DIP guidance page publishes are never
called "not public", a note that names one says it is published, where it is linked, and that the rule has not
yet been checked against it (so the rule stays unconfirmed); guesses are shown as guesses."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PROFILE = Path(__file__).resolve().parents[2] / "resources" / "profiles" / "dip-mhhs.toml"
HELP = Path(__file__).resolve().parents[2] / "resources" / "help"
GUIDANCE_PAGE = "https://mhhs-prod-webapp.azurewebsites.net/dip/dip-guidance-documents"
# What the MHHS DIP guidance page publishes (issue 16, item 1).
PUBLISHED = ("DIP Onboarding FAQs", "Appendix 1", "Appendix 2", "Appendix 3", "Readiness for CIT",
             "Webhook URL Configuration Guide", "End-to-end Onboarding User Guide",
             "Market Participant Portal User Guide", "Domain and Certificate Renewal Guide",
             "Certification Process Map")


def tables(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from tables(value, f"{path}.{key}" if path else key)
    elif isinstance(node, list):
        for n, value in enumerate(node):
            yield from tables(value, f"{path}[{n}]")


@pytest.fixture(scope="module")
def profile() -> dict[str, Any]:
    return tomllib.loads(PROFILE.read_text(encoding="utf-8"))


def test_nothing_in_the_profile_calls_guidance_not_public() -> None:
    assert "not public" not in PROFILE.read_text(encoding="utf-8").lower()


def test_a_note_naming_a_published_document_says_so_and_stays_unconfirmed(profile: dict[str, Any]) -> None:
    naming = [(path, t) for path, t in tables(profile)
              if isinstance(t.get("note"), str) and any(d.lower() in t["note"].lower() for d in PUBLISHED)]
    assert len(naming) >= 5  # steps, certificate kinds, webhook rules, reminders
    for path, table in naming:
        note = table["note"]
        assert "published" in note, path
        assert "MHHS DIP guidance page" in note, path
        assert "not yet been checked" in note, path
        assert table.get("confirmed") is False, path
        assert GUIDANCE_PAGE in note or table.get("source") == GUIDANCE_PAGE, path


def test_step_7_is_titled_as_the_guidance_writes_it(profile: dict[str, Any]) -> None:
    [step] = [s for s in profile["steps"] if s["id"] == "step-7"]
    assert step["title"] == "Managing your DIP / DCP identity information (IDs)"


def test_the_technical_lead_cites_no_page_that_does_not_name_it(profile: dict[str, Any]) -> None:
    [role] = [r for r in profile["roles"] if r["id"] == "technical-lead"]
    assert "source" not in role
    assert role["confirmed"] is False
    assert "No DIP guidance names a technical lead" in role["note"]


@pytest.mark.parametrize("guess", [
    "one per market role",  # an MPID may hold several roles
    "RSA is the one the DIP is known to accept",
    "The DIP orders your certificates through",
])
def test_the_help_states_no_guess_as_fact(guess: str) -> None:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(HELP.glob("*.html")))
    assert guess not in " ".join(text.split())
