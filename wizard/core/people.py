"""Turning what the user typed about a person into a checked `Person`."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from wizard.core.errors import InvalidInput
from wizard.core.model import PORTAL_STATUSES, Person, Project
from wizard.core.profile import Profile
from wizard.core.validation import clean_text, normalise_email, normalise_phone


def role_labels(profile: Profile, person: Person) -> list[str]:
    """The person's roles as people say them: "Primary Certificate Admin" where they are the primary holder."""
    labels = []
    for r in person.roles:
        role = profile.role(r)
        labels.append(role.primary.title if r in person.primary_roles and role.primary else role.name)
    return labels


def new_person_id() -> str:
    return "p-" + secrets.token_hex(4)


def build_person(
    profile: Profile,
    project: Project,
    *,
    name: str,
    email: str,
    phone: str = "",
    job_title: str = "",
    roles: Iterable[str],
    primary_roles: Iterable[str] = (),
    external: bool = False,
    portal_status: str = "planned",
    person_id: str | None = None,
) -> Person:
    """Validate and build a person; raises `InvalidInput` naming the field at fault.

    Role ids must come from the profile; a primary designation needs the role and a role that has a primary
    holder. The same e-mail may not be used by two people (each needs their own DIP portal account).
    """
    clean_name = clean_text("name", name, label="person's full name")
    clean_email = normalise_email(email)
    role_list = tuple(dict.fromkeys(roles))
    if not role_list:
        raise InvalidInput("roles", "Choose at least one role for this person.")
    known = profile.role_ids()
    for r in role_list:
        if r not in known:
            raise InvalidInput("roles", f'"{r}" is not a role. Use one of: {", ".join(known)}.')
    primaries = tuple(dict.fromkeys(primary_roles))
    phone_needed_by: list[str] = []
    for r in primaries:
        role = profile.role(r) if r in known else None
        if role is None or role.primary is None:
            with_primary = profile.roles_with_primary()
            raise InvalidInput("primary", f'"{r}" has no primary holder; only {", ".join(with_primary)} does.')
        if r not in role_list:
            raise InvalidInput("primary", f"To be the {role.primary.title}, this person must also hold the "
                                          f"{role.name} role.")
        if role.primary.must_be_employee and external:
            raise InvalidInput("primary", f"The {role.primary.title} must be an employee of your organisation, "
                                          "not someone from outside it.")
        if role.primary.needs_phone:
            phone_needed_by.append(role.primary.title)
    if phone_needed_by and not phone.strip():
        titles = " and ".join(phone_needed_by)
        raise InvalidInput("phone", f"The {titles} needs a direct phone number. "
                                    "Enter one, for example +44 20 7946 0000.")
    clean_phone = normalise_phone(phone)
    if portal_status not in PORTAL_STATUSES:
        raise InvalidInput("portal_status", f'"{portal_status}" is not a portal status.')
    for other in project.people:
        if other.id != person_id and other.email.lower() == clean_email.lower():
            raise InvalidInput("email", f"{other.name} already uses {clean_email}. Each person is listed once, "
                                        "with every role they hold: if this is the same person, edit "
                                        f"{other.name} and tick the extra role instead.")
    return Person(
        id=person_id or new_person_id(),
        name=clean_name,
        email=clean_email,
        phone=clean_phone,
        job_title=clean_text("job_title", job_title, label="job title", required=False),
        roles=role_list,
        primary_roles=primaries,
        external=external,
        portal_status=portal_status,
    )
