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


def test_package_destinations_name_their_file_with_its_source(profile: dict[str, Any]) -> None:
    from wizard.core.pfx_choices import PFX_CHOICES
    from wizard.core.profile import PACKAGE_FORMATS

    assert set(PACKAGE_FORMATS) == {*PFX_CHOICES, "pem", "chain"}
    found = {d["id"]: d for d in profile["package_destinations"]}
    assert {"azure-app-service", "azure-key-vault", "windows-recent", "windows-older", "macos-keychain", "java",
            "linux-pem"} <= set(found)
    azure = found["azure-app-service"]
    assert (azure["format"], azure["confirmed"]) == ("compat", True)  # Microsoft: "encrypted using triple DES"
    assert azure["source"] == "https://learn.microsoft.com/en-us/azure/app-service/configure-ssl-certificate"
    assert "AES-256" in azure["note"]  # the newer note, named with its own source
    for d in found.values():
        assert d["format"] in PACKAGE_FORMATS
        assert d.get("source") or d["confirmed"] is False, d["id"]


def test_the_help_claims_no_destination_without_a_source() -> None:
    text = " ".join((HELP / "guide.html").read_text(encoding="utf-8").split())
    assert "suits the DIP portal" not in text
    assert "encrypted using triple DES" in text


def test_the_qualification_checks_are_a_journey_step_with_their_source(profile: dict[str, Any]) -> None:
    ids = [s["id"] for s in profile["steps"]]
    assert ids.index("step-8") < ids.index("qualification-checks") < ids.index("promotion")
    [step] = [s for s in profile["steps"] if s["id"] == "qualification-checks"]
    assert "DSD002 Annex 1" in step["summary"]
    assert "self-testing" in step["summary"]
    assert "DIP Manager testing" in step["summary"]
    assert "DCR0003" in step["summary"]
    assert "8 August 2025" in step["summary"]
    assert step["source"].startswith("https://elexon-beta.elexonhostings.co.uk/data-integration-platform/")
    assert step["confirmed"] is False  # where it sits and who leads it need confirming


def test_the_atlas_certificate_states_its_use_as_a_reading(profile: dict[str, Any]) -> None:
    [kind] = [k for k in profile["certificate_kinds"] if k["id"] == "atlas-api"]
    assert "order certificates on your behalf" not in kind["purpose"]
    assert "as we read step 4" in kind["purpose"]
    assert "our reading of step 4" in kind["note"]
    assert kind["confirmed"] is False
