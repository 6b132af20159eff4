"""Where to get help (issue 16, item 4): the Elexon Support Portal and the MHHS Qualification e-mail address are
profile data with their sources, and every bundle's instructions (text and HTML) and the help give them."""

from __future__ import annotations

import html
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.core.bundles import AT, certified_project
from wizard.core.bundle_export import build_bundle
from wizard.core.errors import ProfileError
from wizard.core.profile import Profile, parse_profile
from wizard.core.support import support_line, support_lines

GUIDANCE_PAGE = "https://mhhs-prod-webapp.azurewebsites.net/dip/dip-guidance-documents"
LDSO_PAGE = "https://mhhs-prod-webapp.azurewebsites.net/qualification-home/new-entrant-ldso-qualification"
HELP = Path(__file__).resolve().parents[2] / "resources" / "help"


def test_the_profile_names_the_support_portal_and_the_qualification_address(profile: Profile) -> None:
    portal, qualification = profile.support
    assert (portal.id, portal.name, portal.email) == ("elexon-support-portal", "Elexon Support Portal", None)
    # The portal's own address is not in the research this profile rests on: the link is the page naming it.
    assert portal.url == GUIDANCE_PAGE
    assert portal.url_is is not None
    assert "its own address is not in the guidance" in portal.url_is
    assert (portal.provenance.source, portal.provenance.confirmed) == (GUIDANCE_PAGE, True)
    assert (qualification.email, qualification.url) == ("MHHSQualification@elexon.co.uk", None)
    assert "LDSO qualification" in qualification.use_for
    assert (qualification.provenance.source, qualification.provenance.confirmed) == (LDSO_PAGE, True)


def test_support_lines_say_what_to_ask_and_where(profile: Profile) -> None:
    assert support_lines(profile) == (
        f"Elexon Support Portal, for any question or problem with DIP onboarding, at any step: {GUIDANCE_PAGE} "
        "(the MHHS DIP guidance page, which names the portal; its own address is not in the guidance this wizard "
        "has checked)",
        "MHHS Qualification team, for questions about LDSO qualification: MHHSQualification@elexon.co.uk",
    )


def test_an_unconfirmed_contact_says_so(profile: Profile) -> None:
    from dataclasses import replace

    contact = profile.support[1]
    guess = replace(contact, provenance=replace(contact.provenance, confirmed=False, note="a guess"))
    assert support_line(guess).endswith("(not confirmed by public guidance)")


def _members(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {i.filename: archive.read(i).decode() for i in archive.infolist() if i.filename.startswith("instr")}


@pytest.mark.parametrize("audience", ["technical-lead", "dns-admin", "certificate-admin"])
def test_every_bundle_says_where_to_get_help(profile: Profile, audience: str) -> None:
    files = _members(build_bundle(profile, certified_project(profile), audience, AT)[0])
    text = " ".join(files["instructions.txt"].split())
    page = files["instructions.html"]
    assert "Where to get help" in text
    assert "<h2>Where to get help</h2>" in page
    for line in support_lines(profile):
        assert line in text
        assert html.escape(line) in page
    assert not re.search(r"\b(src|href)\s*=", page), "the instructions still load and link nothing"


def test_the_help_gives_the_same_contacts(profile: Profile) -> None:
    index = " ".join((HELP / "index.html").read_text(encoding="utf-8").split())
    assert 'id="support"' in index
    for contact in profile.support:
        assert contact.name in index
        for address in (contact.email, contact.url, contact.provenance.source):
            if address:
                assert address in index


@pytest.mark.parametrize(("change", "key", "problem"), [
    ({"url": None}, "support[0].url", "is missing: a support contact needs a web address (url) or an e-mail"),
    ({"url": "http://example.org/"}, "support[0].url", "must be an https:// address"),
    ({"email": "not an address"}, "support[0].email", "must be an e-mail address"),
    ({"id": "mhhs-qualification"}, "support[1].id", '"mhhs-qualification" is used twice'),
    ({"use_for": None}, "support[0].use_for", "missing"),
    ({"phone": "0207"}, "support[0].phone", "is not a key this version of the wizard understands"),
])
def test_a_broken_contact_names_the_key_and_the_problem(profile_data: dict[str, Any], change: dict[str, Any],
                                                        key: str, problem: str) -> None:
    for name, value in change.items():
        if value is None:
            del profile_data["support"][0][name]
        else:
            profile_data["support"][0][name] = value
    if "url" in change and change["url"] is None:
        del profile_data["support"][0]["url_is"]
    with pytest.raises(ProfileError) as info:
        parse_profile(profile_data, file="variant.toml")
    assert info.value.key == key
    assert problem in info.value.problem


def test_url_is_needs_a_url(profile_data: dict[str, Any]) -> None:
    profile_data["support"][1]["url_is"] = "a page"
    with pytest.raises(ProfileError) as info:
        parse_profile(profile_data, file="variant.toml")
    assert (info.value.key, info.value.problem) == ("support[1].url_is", "says what the url is, but there is no url")


def test_a_profile_without_support_is_refused(profile_data: dict[str, Any]) -> None:
    del profile_data["support"]
    with pytest.raises(ProfileError) as info:
        parse_profile(profile_data, file="variant.toml")
    assert info.value.key == "support"
