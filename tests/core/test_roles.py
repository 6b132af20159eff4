"""Staffing rules: head-counts, the Primary Certificate Admin, creation order, carry-over to production."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from wizard.core.errors import InvalidInput
from wizard.core.findings import Finding, errors
from wizard.core.model import Person, Project
from wizard.core.people import build_person
from wizard.core.profile import Profile, parse_profile
from wizard.core.roles import check_staffing, holders_counting

MakeProject = Callable[..., Project]
MakePerson = Callable[..., Person]


def summary(findings: tuple[Finding, ...]) -> set[tuple[str, str, str | None]]:
    return {(f.severity, f.code, f.role_id) for f in findings}


def of_code(findings: tuple[Finding, ...], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def test_empty_project(profile: Profile, make_project: MakeProject) -> None:
    found = check_staffing(profile, make_project())
    assert summary(found) == {
        ("error", "role-missing", "primary-user-admin"),
        ("error", "role-missing", "user-admin"),
        ("error", "role-missing", "certificate-admin"),
        ("error", "primary-missing", "certificate-admin"),
        ("error", "role-missing", "message-admin"),
        ("warning", "role-missing", "dns-admin"),  # not a portal role: a warning, not an error
    }
    assert len(found) == 6
    missing_ua = next(f for f in found if f.role_id == "user-admin")
    assert "Nobody is the User Admin yet. Add at least 2 people" in missing_ua.message
    assert missing_ua.source == profile.role("user-admin").provenance.source
    primary = of_code(found, "primary-missing")[0]
    assert primary.message.startswith("Nobody is the Primary Certificate Admin yet")


def test_fully_staffed_uit_project_has_no_findings(profile: Profile, make_project: MakeProject,
                                                   full_team: tuple[Person, ...]) -> None:
    assert check_staffing(profile, make_project(people=full_team)) == ()


def test_findings_are_ordered_most_serious_first(profile: Profile, make_project: MakeProject,
                                                 make_person: MakePerson) -> None:
    project = make_project("production", [make_person("Uma User", "user-admin"),
                                          make_person("Cara Cert", "certificate-admin")])
    severities = [f.severity for f in check_staffing(profile, project)]
    assert {"error", "warning", "info"} <= set(severities)
    assert severities == sorted(severities, key=["error", "warning", "info"].index)


# ---------------------------------------------------------------- head-counts


def test_one_user_admin_is_too_few(profile: Profile, make_project: MakeProject, make_person: MakePerson) -> None:
    found = check_staffing(profile, make_project(people=[make_person("Uma User", "user-admin")]))
    [few] = [f for f in found if f.role_id == "user-admin"]
    assert (few.severity, few.code) == ("warning", "role-too-few")
    assert "Only 1 of 2 User Admins: Uma User. Add 1 more" in few.message


def test_primary_user_admin_counts_as_a_user_admin(profile: Profile, make_project: MakeProject,
                                                   make_person: MakePerson) -> None:
    pua, uma = make_person("Pat Primary", "primary-user-admin"), make_person("Uma User", "user-admin")
    project = make_project(people=[pua, uma])
    assert holders_counting(profile, project, profile.role("user-admin")) == (pua, uma)
    assert not [f for f in check_staffing(profile, project) if f.role_id in ("user-admin", "primary-user-admin")]


def test_two_primary_user_admins_is_an_error(profile: Profile, make_project: MakeProject,
                                             make_person: MakePerson) -> None:
    project = make_project(people=[make_person("Pat One", "primary-user-admin"),
                                   make_person("Pat Two", "primary-user-admin")])
    found = check_staffing(profile, project)
    [too_many] = of_code(found, "role-too-many")
    assert too_many.role_id == "primary-user-admin"
    assert too_many.severity == "error"
    assert too_many.message == "Only one person can be the Primary User Admin, but 2 are: Pat One and Pat Two."
    # ...while together they do make up the two User Admins.
    assert not [f for f in found if f.role_id == "user-admin"]


@pytest.mark.parametrize("role_id", ["certificate-admin", "message-admin"])
def test_one_holder_of_a_two_person_role_is_too_few(profile: Profile, make_project: MakeProject,
                                                    make_person: MakePerson, full_team: tuple[Person, ...],
                                                    role_id: str) -> None:
    second = [p for p in full_team if role_id in p.roles][-1]
    project = make_project(people=[p for p in full_team if p is not second])
    assert summary(check_staffing(profile, project)) == {("warning", "role-too-few", role_id)}


def test_one_person_with_several_roles_satisfies_each(profile: Profile, make_project: MakeProject,
                                                      make_person: MakePerson) -> None:
    both = ("certificate-admin", "message-admin", "user-admin")
    alex = make_person("Alex All", *both, primary=["certificate-admin"])
    bea = make_person("Bea Both", *both)
    project = make_project(people=[make_person("Pat Primary", "primary-user-admin"), alex, bea,
                                   make_person("Dan Dns", "dns-admin")])
    for role_id in both:
        assert alex in holders_counting(profile, project, profile.role(role_id))
    assert check_staffing(profile, project) == ()


# ---------------------------------------------------------------- the Primary Certificate Admin


def test_certificate_admins_without_a_primary(profile: Profile, make_project: MakeProject,
                                              full_team: tuple[Person, ...], make_person: MakePerson) -> None:
    people = [make_person(p.name, *p.roles) for p in full_team]  # same people, nobody primary
    [missing] = check_staffing(profile, make_project(people=people))
    assert (missing.severity, missing.code, missing.role_id) == ("error", "primary-missing", "certificate-admin")
    assert missing.message.startswith("Choose which Certificate Admin is the Primary Certificate Admin")


def test_two_primary_certificate_admins_is_an_error(profile: Profile, make_project: MakeProject,
                                                    full_team: tuple[Person, ...], make_person: MakePerson) -> None:
    people = [make_person(p.name, *p.roles, primary=p.roles if p.name == "Cal Cert" else p.primary_roles)
              for p in full_team]
    [too_many] = check_staffing(profile, make_project(people=people))
    assert (too_many.severity, too_many.code) == ("error", "primary-count")
    assert "Cara Cert and Cal Cert" in too_many.message


def test_primary_without_phone_is_an_error(profile: Profile, make_project: MakeProject,
                                           full_team: tuple[Person, ...], make_person: MakePerson) -> None:
    people = [make_person(p.name, *p.roles, primary=p.primary_roles, phone="" if p.primary_roles else p.phone)
              for p in full_team]
    [no_phone] = check_staffing(profile, make_project(people=people))
    assert (no_phone.severity, no_phone.code, no_phone.person_id) == ("error", "primary-needs-phone",
                                                                      "p-cara.cert")
    assert "Cara Cert is the Primary Certificate Admin and needs a direct phone number" in no_phone.message


def test_primary_without_email_is_an_error(profile: Profile, make_project: MakeProject,
                                           full_team: tuple[Person, ...], make_person: MakePerson) -> None:
    people = [make_person(p.name, *p.roles, primary=p.primary_roles, email="" if p.primary_roles else None)
              for p in full_team]
    assert summary(check_staffing(profile, make_project(people=people))) == {
        ("error", "primary-needs-email", "certificate-admin")}


def test_external_primary_is_refused_by_build_person(profile: Profile, make_project: MakeProject) -> None:
    with pytest.raises(InvalidInput) as info:
        build_person(profile, make_project(), name="Xena Contractor", email="xena@consult.example",
                     phone="+44 20 7946 0001", roles=["certificate-admin"], primary_roles=["certificate-admin"],
                     external=True)
    assert info.value.field == "primary"


def test_external_primary_is_an_error_in_check_staffing(profile: Profile, make_project: MakeProject,
                                                        full_team: tuple[Person, ...],
                                                        make_person: MakePerson) -> None:
    """A hand-built (or loaded-from-file) Person never went through build_person; the check must catch it."""
    people = [make_person(p.name, *p.roles, primary=p.primary_roles, external=bool(p.primary_roles))
              for p in full_team]
    [external] = check_staffing(profile, make_project(people=people))
    assert (external.severity, external.code, external.person_id) == ("error", "primary-external", "p-cara.cert")
    assert "must be one of your own employees" in external.message


def test_primary_marking_without_the_role(profile: Profile, make_project: MakeProject,
                                          full_team: tuple[Person, ...], make_person: MakePerson) -> None:
    people = [*full_team, make_person("Mia Mislabelled", "message-admin", primary=["certificate-admin"])]
    found = check_staffing(profile, make_project(people=people))
    assert ("error", "primary-without-role", "certificate-admin") in summary(found)
    assert ("error", "primary-count", "certificate-admin") in summary(found)


def test_primary_count_is_an_exact_number(profile_data: dict[str, Any], make_project: MakeProject,
                                          full_team: tuple[Person, ...]) -> None:
    """docs/profile-format.md: `count` is the *exact* number of primary holders. With count = 2 and only one
    chosen, the staffing check must say so."""
    profile_data["roles"][2]["primary"]["count"] = 2
    two_primaries = parse_profile(profile_data, file="count-2.toml")
    project = make_project(people=full_team)  # exactly one Primary Certificate Admin
    found = errors(check_staffing(two_primaries, project))
    assert [f for f in found if f.role_id == "certificate-admin" and f.code.startswith("primary")]


# ---------------------------------------------------------------- creation order


def test_create_first_roles_planned_after_a_user_admin(profile: Profile, make_project: MakeProject,
                                                       make_person: MakePerson) -> None:
    project = make_project(people=[
        make_person("Uma User", "user-admin"),
        make_person("Cara Cert", "certificate-admin", primary=["certificate-admin"]),
        make_person("Mo Message", "message-admin"),
    ])
    late = of_code(check_staffing(profile, project), "create-order")
    assert [(f.severity, f.person_id, f.role_id) for f in late] == [
        ("warning", "p-cara.cert", "certificate-admin"), ("warning", "p-mo.message", "message-admin")]
    assert late[0].message == (
        "Plan a Certificate Admin before Uma User: the DIP portal asks for a Certificate Admin and a Message "
        "Admin to be created before any other users. Move Cara Cert up the list.")


def test_one_merged_finding_per_person_to_move(profile: Profile, make_project: MakeProject,
                                               make_person: MakePerson) -> None:
    project = make_project(people=[
        make_person("Uma User", "user-admin"),
        make_person("Cora Both", "certificate-admin", "message-admin", primary=["certificate-admin"]),
    ])
    [late] = of_code(check_staffing(profile, project), "create-order")
    assert late.person_id == "p-cora.both"
    assert late.message.startswith("Plan a Certificate Admin and a Message Admin before Uma User:")


def test_only_the_first_holder_of_each_role_must_come_first(profile: Profile, make_project: MakeProject,
                                                            full_team: tuple[Person, ...]) -> None:
    """Cal Cert and Meg Message come after Uma User in full_team; that is fine, one of each came before."""
    assert [p.name for p in full_team].index("Uma User") < [p.name for p in full_team].index("Cal Cert")
    assert of_code(check_staffing(profile, make_project(people=full_team)), "create-order") == []


def test_primary_user_admin_is_exempt_from_creation_order(profile: Profile, make_project: MakeProject,
                                                          full_team: tuple[Person, ...]) -> None:
    pua = full_team[0]
    assert pua.roles == ("primary-user-admin",)
    # The invited Primary User Admin is first in every order; it does not count as "another user".
    assert of_code(check_staffing(profile, make_project(people=full_team)), "create-order") == []
    with_pua_last = (*full_team[1:], pua)
    assert of_code(check_staffing(profile, make_project(people=with_pua_last)), "create-order") == []


def test_non_portal_roles_do_not_count_for_creation_order(profile: Profile, make_project: MakeProject,
                                                          make_person: MakePerson) -> None:
    project = make_project(people=[
        make_person("Dan Dns", "dns-admin"),
        make_person("Tess Tech", "technical-lead"),
        make_person("Cara Cert", "certificate-admin", primary=["certificate-admin"]),
        make_person("Mo Message", "message-admin"),
        make_person("Uma User", "user-admin"),
    ])
    assert of_code(check_staffing(profile, project), "create-order") == []


def test_a_create_first_holder_with_another_role_counts_as_create_first(
        profile: Profile, make_project: MakeProject, make_person: MakePerson) -> None:
    project = make_project(people=[
        make_person("Cara Cert", "certificate-admin", "user-admin", primary=["certificate-admin"]),
        make_person("Mo Message", "message-admin"),
        make_person("Uma User", "user-admin"),
    ])
    assert of_code(check_staffing(profile, project), "create-order") == []


# ---------------------------------------------------------------- people do not carry over


def test_production_project_says_people_are_not_carried_over(profile: Profile, make_project: MakeProject,
                                                             full_team: tuple[Person, ...]) -> None:
    [note] = check_staffing(profile, make_project("production", full_team))
    assert (note.severity, note.code) == ("info", "people-not-carried-over")
    assert note.message.startswith("People are not carried over from UIT (User Integration Testing): everyone "
                                   "listed here needs a new account in the Production portal")


def test_uit_project_and_empty_production_project_have_no_carry_over_note(
        profile: Profile, make_project: MakeProject, full_team: tuple[Person, ...]) -> None:
    assert of_code(check_staffing(profile, make_project("uit", full_team)), "people-not-carried-over") == []
    assert of_code(check_staffing(profile, make_project("production")), "people-not-carried-over") == []
