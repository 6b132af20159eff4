"""build_person: what the user typed about a person becomes a checked Person, or an error naming the field."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from wizard.core.errors import InvalidInput
from wizard.core.model import Person, Project, with_person
from wizard.core.people import build_person
from wizard.core.profile import Profile


@pytest.fixture
def build(profile: Profile, make_project: Callable[..., Project]) -> Callable[..., Person]:
    def run(project: Project | None = None, **kw: Any) -> Person:
        kw.setdefault("name", "Jane Smith")
        kw.setdefault("email", "jane.smith@acme.example")
        kw.setdefault("roles", ["user-admin"])
        return build_person(profile, project or make_project(), **kw)

    return run


def test_values_are_normalised(build: Callable[..., Person]) -> None:
    p = build(name="  Jane   Smith ", email=" Jane.Smith@ACME.Example ", phone=" +44 20  7946 0000 ",
              job_title=" Head of  IT ", roles=["certificate-admin", "message-admin", "certificate-admin"],
              primary_roles=["certificate-admin"])
    assert (p.name, p.email, p.phone, p.job_title) == ("Jane Smith", "Jane.Smith@acme.example",
                                                       "+44 20 7946 0000", "Head of IT")
    assert p.roles == ("certificate-admin", "message-admin")  # duplicates dropped, order kept
    assert p.primary_roles == ("certificate-admin",)
    assert (p.external, p.portal_status) == (False, "planned")
    assert re.fullmatch(r"p-[0-9a-f]{8}", p.id)


def test_new_people_get_different_ids(build: Callable[..., Person]) -> None:
    assert len({build().id for _ in range(20)}) == 20


def test_given_id_is_kept(build: Callable[..., Person]) -> None:
    assert build(person_id="p-00000001").id == "p-00000001"


@pytest.mark.parametrize(("kw", "field", "hint"), [
    ({"name": "  "}, "name", "Enter the person's full name"),
    ({"email": "jane"}, "email", "not a valid e-mail address"),
    ({"roles": []}, "roles", "Choose at least one role"),
    ({"roles": ["user-admin", "cto"]}, "roles",
     '"cto" is not a role. Use one of: primary-user-admin, user-admin, certificate-admin, message-admin, '
     "dns-admin, technical-lead."),
    ({"roles": ["user-admin"], "primary_roles": ["user-admin"]}, "primary",
     '"user-admin" has no primary holder; only certificate-admin does.'),
    ({"roles": ["user-admin"], "primary_roles": ["cto"]}, "primary", '"cto" has no primary holder'),
    ({"roles": ["message-admin"], "primary_roles": ["certificate-admin"], "phone": "01234 567890"}, "primary",
     "must also hold the Certificate Admin role"),
    ({"roles": ["certificate-admin"], "primary_roles": ["certificate-admin"], "phone": "01234 567890",
      "external": True}, "primary", "must be an employee of your organisation"),
    ({"roles": ["certificate-admin"], "primary_roles": ["certificate-admin"]}, "phone",
     "The Primary Certificate Admin needs a direct phone number"),
    ({"roles": ["certificate-admin"], "primary_roles": ["certificate-admin"], "phone": "  "}, "phone",
     "needs a direct phone number"),
    ({"phone": "call me"}, "phone", "is not a phone number"),
    ({"portal_status": "deleted"}, "portal_status", '"deleted" is not a portal status'),
    ({"job_title": "x" * 201}, "job_title", "too long"),
])
def test_bad_input_names_the_field(build: Callable[..., Person], kw: dict[str, Any], field: str, hint: str) -> None:
    with pytest.raises(InvalidInput) as info:
        build(**kw)
    assert info.value.field == field
    assert hint in str(info.value)


def test_external_person_without_primary_role_is_fine(build: Callable[..., Person]) -> None:
    assert build(roles=["technical-lead"], external=True).external


def test_same_email_twice_is_refused_case_insensitively(build: Callable[..., Person],
                                                        make_project: Callable[..., Project]) -> None:
    jane = build()
    project = with_person(make_project(), jane)
    with pytest.raises(InvalidInput) as info:
        build(project, name="Janet Other", email="JANE.SMITH@acme.example")
    assert info.value.field == "email"
    assert "Jane Smith already uses" in str(info.value)
    # Editing Jane herself (same id) keeps her address.
    assert build(project, person_id=jane.id, roles=["user-admin", "dns-admin"]).email == jane.email
