"""`status` says where to get help: the Elexon Support Portal and the MHHS Qualification e-mail address, with their
sources in --json (issue 16, item 4)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from tests.cli.conftest import Outcome

GUIDANCE_PAGE = "https://mhhs-prod-webapp.azurewebsites.net/dip/dip-guidance-documents"
Cli = Callable[..., Outcome]


def test_status_text_ends_with_where_to_get_help(cli: Cli, uit_project: Path) -> None:
    lines = cli("status", uit_project).out.splitlines()
    assert lines[-3:] == [
        "Where to get help:",
        f"  Elexon Support Portal, for any question or problem with DIP onboarding, at any step: {GUIDANCE_PAGE} "
        "(the MHHS DIP guidance page, which names the portal; its own address is not in the guidance this wizard "
        "has checked)",
        "  MHHS Qualification team, for questions about LDSO qualification: MHHSQualification@elexon.co.uk",
    ]


def test_status_json_gives_the_contacts_with_their_sources(cli: Cli, uit_project: Path) -> None:
    data = json.loads(cli("status", uit_project, "--json").out)
    portal, qualification = data["support"]
    assert (portal["name"], portal["url"], portal["email"], portal["source"], portal["confirmed"]) == (
        "Elexon Support Portal", GUIDANCE_PAGE, None, GUIDANCE_PAGE, True)
    assert portal["url_is"].startswith("the MHHS DIP guidance page")
    assert (qualification["name"], qualification["email"], qualification["use_for"]) == (
        "MHHS Qualification team", "MHHSQualification@elexon.co.uk", "questions about LDSO qualification")
    assert qualification["source"] == ("https://mhhs-prod-webapp.azurewebsites.net/qualification-home/"
                                       "new-entrant-ldso-qualification")
