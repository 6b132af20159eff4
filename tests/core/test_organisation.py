"""The organisation: checked input, MPIDs with role codes, and soft findings."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from wizard.core.errors import InvalidInput
from wizard.core.model import MarketParticipant, Organisation, Project
from wizard.core.organisation import build_mpids, build_organisation, check_organisation, parse_mpid_spec
from wizard.core.profile import Profile


def test_build_organisation_normalises_every_field() -> None:
    org = build_organisation(name="  Acme   Energy Ltd ", company_number="sc 123456", domain="Acme.Example.",
                             description="  Supplies  power ", is_dcp=True)
    assert org == Organisation("Acme Energy Ltd", "SC123456", "acme.example", "Supplies power", True)


@pytest.mark.parametrize(("kw", "field"), [
    ({"name": " "}, "org_name"),
    ({"company_number": "12345678X"}, "company_number"),
    ({"domain": "https://acme.example"}, "domain"),
    ({"description": "x" * 1001}, "description"),
])
def test_build_organisation_names_the_bad_field(kw: dict[str, str], field: str) -> None:
    values = {"name": "Acme", "company_number": "1234", "domain": "acme.example", **kw}
    with pytest.raises(InvalidInput) as info:
        build_organisation(**values)
    assert info.value.field == field


def test_parse_mpid_spec() -> None:
    assert parse_mpid_spec("ABCD:LDSO,UMSO") == ("ABCD", ["LDSO", "UMSO"])
    assert parse_mpid_spec("ABCD") == ("ABCD", [])
    assert parse_mpid_spec("ABCD:LDSO,,") == ("ABCD", ["LDSO"])


def test_build_mpids() -> None:
    rows = [("abcd", ["ldso", " umso ", "LDSO", ""]), ("  ", ["LDSO"]), ("WXYZ", [])]
    assert build_mpids(rows) == (MarketParticipant("ABCD", ("LDSO", "UMSO")), MarketParticipant("WXYZ", ()))


@pytest.mark.parametrize(("rows", "hint"), [
    ([("ABCD", []), ("abcd", [])], "ABCD is listed twice"),
    ([("ABCD", ["L"])], '"L" is not a role code'),
    ([("ABCD", ["LD-SO"])], '"LD-SO" is not a role code'),
    ([("AB CD", [])], "is not an MPID"),
])
def test_build_mpids_refuses(rows: list[tuple[str, list[str]]], hint: str) -> None:
    with pytest.raises(InvalidInput, match=hint):
        build_mpids(rows)


def test_check_organisation(profile: Profile, make_project: Callable[..., Project]) -> None:
    project = make_project()
    assert [(f.severity, f.code) for f in check_organisation(profile, project)] == [("info", "no-mpids")]
    project = dataclasses.replace(project, mpids=(MarketParticipant("ABCD", ("LDSO",)),
                                                  MarketParticipant("ABCDE", ("ZZZZ",))))
    found = check_organisation(profile, project)
    assert [(f.severity, f.code) for f in found] == [("warning", "mpid-form"), ("info", "role-code-unlisted")]
    assert found[0].message.startswith("ABCDE does not look like an MPID")
    assert found[1].message.startswith("ZZZZ (for ABCDE)")
    assert found[0].confirmed is False
